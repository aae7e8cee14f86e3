import assert from "node:assert/strict";
import { randn as randnNd, Rng } from "@nnc/tensor";
import { gradcheck, randn, Tensor, tensor } from "@nnc/autograd";
import { LSTM, lstmStateDictFromConcatenated } from "./lstm.ts";
import { functionalCall } from "./functional_call.ts";
import { checkRecurrentCase, recurrentCases } from "./_recurrent_testing.ts";

Deno.test("LSTM equals PyTorch 1.13: 2 layers, bidirectional, batch-first or not, padded, no bias", () => {
  const cases = recurrentCases("lstm", false);
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const lstm = new LSTM(3, 3, { ...c.options, dtype: "float64" });
    checkRecurrentCase(c, lstm, (x, h0, c0) => {
      const [out, [h, cn]] = lstm.forward(x, [h0, c0!], c.lengths ? { lengths: c.lengths } : {});
      return [out, h, cn];
    });
  }
});

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

Deno.test("LSTM: the notes' concatenated W·[h; x] cell, converted, gives the same steps", () => {
  // 001: f = σ(W_f[h, x] + b_f), i = σ(W_i[h, x] + b_i), C̃ = tanh(W_C[h, x] + b_C),
  // C = f⊙C + i⊙C̃, o = σ(W_o[h, x] + b_o), h = o⊙tanh(C), computed here by hand.
  const rng = new Rng(7), H = 2, I = 3;
  const W = () => randnNd([H, H + I], { rng, dtype: "float64" });
  const b = () => randnNd([H], { rng, dtype: "float64" });
  const w = { Wf: W(), bf: b(), Wi: W(), bi: b(), WC: W(), bC: b(), Wo: W(), bo: b() };
  const lstm = new LSTM(I, H, { dtype: "float64" });
  lstm.loadStateDict(lstmStateDictFromConcatenated(w));
  const xs = [[0.5, -1, 0.25], [1, 0, -0.5], [-0.3, 0.8, 0.1]];
  const [out, [hN, cN]] = lstm.forward(tensor(xs.map((x) => [x]), { dtype: "float64" }));
  let h = [0, 0], C = [0, 0];
  const gate = (M: typeof w.Wf, bias: typeof w.bf, hx: number[], j: number) =>
    hx.reduce((s, v, k) => s + M.get(j, k) * v, bias.get(j));
  xs.forEach((x, t) => {
    const hx = [...h, ...x];
    const f = [0, 1].map((j) => sigmoid(gate(w.Wf, w.bf, hx, j)));
    const i = [0, 1].map((j) => sigmoid(gate(w.Wi, w.bi, hx, j)));
    const Ct = [0, 1].map((j) => Math.tanh(gate(w.WC, w.bC, hx, j)));
    const o = [0, 1].map((j) => sigmoid(gate(w.Wo, w.bo, hx, j)));
    C = C.map((c, j) => f[j] * c + i[j] * Ct[j]);
    h = o.map((oj, j) => oj * Math.tanh(C[j]));
    for (let j = 0; j < H; j++) assert.ok(Math.abs(out.get(t, 0, j) - h[j]) < 1e-14);
  });
  assert.ok(Math.abs(cN.get(0, 0, 1) - C[1]) < 1e-14 && Math.abs(hN.get(0, 0, 0) - h[0]) < 1e-14);
  assert.throws(
    () => lstmStateDictFromConcatenated({ ...w, Wo: randnNd([H, H]) }),
    /Wo must be \[2, 5\] like Wf, got \[2, 2\]/,
  );
});

Deno.test("LSTM: the lecture's separate form U x + W y: U in weight_ih, W in weight_hh", () => {
  // spec: 001-004/B4.8
  // 004 (L24): f_t = σ(U^f x_t + W^f y_{t−1} + b^f), …, s_t = s_{t−1}⊙f_t + g⊙i_t, y_t = tanh(s_t)⊙o_t.
  const U = { i: 0.4, f: -0.2, g: 0.9, o: 0.3 }, Wr = { i: -0.5, f: 0.6, g: 0.1, o: 0.7 };
  const bias = { i: 0.1, f: 1, g: -0.2, o: 0 };
  const lstm = new LSTM(1, 1, { dtype: "float64" });
  const col = (v: typeof U) => tensor([[v.i], [v.f], [v.g], [v.o]], { dtype: "float64" }).data;
  lstm.loadStateDict({
    weight_ih_l0: col(U),
    weight_hh_l0: col(Wr),
    bias_ih_l0: tensor([bias.i, bias.f, bias.g, bias.o], { dtype: "float64" }).data,
    bias_hh_l0: tensor([0, 0, 0, 0], { dtype: "float64" }).data,
  });
  const xs = [1, -1, 0.5];
  const [out] = lstm.forward(tensor(xs.map((x) => [[x]]), { dtype: "float64" }));
  let y = 0, s = 0;
  xs.forEach((x, t) => {
    const f = sigmoid(U.f * x + Wr.f * y + bias.f), i = sigmoid(U.i * x + Wr.i * y + bias.i);
    const o = sigmoid(U.o * x + Wr.o * y + bias.o), g = Math.tanh(U.g * x + Wr.g * y + bias.g);
    s = s * f + g * i;
    y = Math.tanh(s) * o;
    assert.ok(Math.abs(out.get(t, 0, 0) - y) < 1e-15);
  });
});

Deno.test("LSTM: gradcheck through input, both initial states and every parameter, both modes", () => {
  const lstm = new LSTM(2, 2, {
    numLayers: 2,
    bidirectional: true,
    batchFirst: true,
    dtype: "float64",
  });
  const named = lstm.namedParameters();
  const rng = new Rng(4);
  const x = randn([2, 3, 2], { dtype: "float64", rng, requiresGrad: true });
  const h0 = randn([4, 2, 2], { dtype: "float64", rng, requiresGrad: true });
  const c0 = randn([4, 2, 2], { dtype: "float64", rng, requiresGrad: true });
  const fn = (xx: Tensor, hh: Tensor, cc: Tensor, ...ps: Tensor[]) => {
    const params = Object.fromEntries(named.map(([k], i) => [k, ps[i]]));
    const [out, [h, c]] = functionalCall(lstm, params, xx, [hh, cc], { lengths: [1, 3] }) as [
      Tensor,
      [Tensor, Tensor],
    ];
    return [out, h, c];
  };
  const ps = named.map(([, p]) => new Tensor(p.data, { requiresGrad: true }));
  const report = gradcheck(fn, [x, h0, c0, ...ps], { mode: "both", raise: false });
  assert.ok(report.ok, report.message);
});

Deno.test("LSTM: a bad state is an error naming the layer and the shapes", () => {
  const lstm = new LSTM(3, 4, { bidirectional: true });
  const x = randn([5, 2, 3]);
  assert.throws(
    () => lstm.forward(x, [randn([2, 2, 4]), randn([2, 2, 5])]),
    /LSTM\(3→4, bidirectional\): c0 must be \[2, 2, 4\] \(layers·directions, batch, hidden\), got \[2, 2, 5\]/,
  );
  assert.throws(
    () => lstm.forward(x, [randn([2, 2, 4])] as unknown as [Tensor, Tensor]),
    /LSTM\(3→4, bidirectional\): the state must be a pair \[h0, c0\]/,
  );
  const [out, [h, c]] = lstm.forward(x);
  assert.equal(out.shape.join(), "5,2,8");
  assert.equal(h.shape.join(), "2,2,4");
  assert.equal(c.shape.join(), "2,2,4");
});
