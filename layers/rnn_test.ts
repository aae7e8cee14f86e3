import assert from "node:assert/strict";
import { linalg, Rng } from "@nnc/tensor";
import fc from "fast-check";
import { gradcheck, gradients, randn, Tensor, tensor } from "@nnc/autograd";
import { RNN } from "./rnn.ts";
import { functionalCall } from "./functional_call.ts";
import { checkRecurrentCase, recurrentCases } from "./_recurrent_testing.ts";

Deno.test("RNN equals PyTorch 1.13: 2 layers, bidirectional, batch-first or not, padded, ReLU", () => {
  const cases = recurrentCases("rnn", false);
  assert.equal(cases.length, 5);
  for (const c of cases) {
    const o = c.options as { numLayers: number; bidirectional: boolean; batchFirst: boolean };
    const rnn = new RNN(3, 3, {
      ...o,
      nonlinearity: c.options.nonlinearity as "relu" | undefined,
      dtype: "float64",
    });
    checkRecurrentCase(c, rnn, (x, h0) => {
      const [out, hn] = rnn.forward(x, h0, c.lengths ? { lengths: c.lengths } : undefined);
      return [out, hn, null];
    });
  }
});

Deno.test("RNN: parameters named, shaped and drawn as PyTorch's", () => {
  const rnn = new RNN(5, 4, { numLayers: 2, bidirectional: true, rng: new Rng(3) });
  const names = rnn.namedParameters().map(([n, p]) => `${n}:${p.shape.join("x")}`);
  assert.deepEqual(names, [
    "weight_ih_l0:4x5",
    "weight_hh_l0:4x4",
    "bias_ih_l0:4",
    "bias_hh_l0:4",
    "weight_ih_l0_reverse:4x5",
    "weight_hh_l0_reverse:4x4",
    "bias_ih_l0_reverse:4",
    "bias_hh_l0_reverse:4",
    "weight_ih_l1:4x8",
    "weight_hh_l1:4x4",
    "bias_ih_l1:4",
    "bias_hh_l1:4",
    "weight_ih_l1_reverse:4x8",
    "weight_hh_l1_reverse:4x4",
    "bias_ih_l1_reverse:4",
    "bias_hh_l1_reverse:4",
  ]);
  // U(−1/√H, 1/√H) with H = 4: every value in [−0.5, 0.5], spread over the interval.
  const all = rnn.parameters().flatMap((p) => [...p.data.data]);
  assert.ok(all.every((v) => Math.abs(v) <= 0.5));
  assert.ok(Math.max(...all) > 0.45 && Math.min(...all) < -0.45);
  assert.equal(new RNN(2, 3, { bias: false }).parameters().length, 2);
  assert.match(rnn.toString(), /RNN\(5, 4, numLayers=2, bidirectional=true\)/);
});

Deno.test("RNN: the notes' h^t = tanh(W h^{t−1} + U x^t) without biases, unrolled by hand", () => {
  // spec: 001-004/B4.8
  // The lecture's "hello" network: s_t = tanh(U x_t + W s_{t−1}), s_0 = 0, one-hot inputs.
  const rnn = new RNN(4, 2, { bias: false, dtype: "float64" });
  const U = [[0.5, -0.3, 0.2, 0.1], [-0.4, 0.6, 0.3, -0.2]], W = [[0.7, -0.1], [0.2, 0.5]];
  rnn.loadStateDict({
    weight_ih_l0: tensor(U, { dtype: "float64" }).data,
    weight_hh_l0: tensor(W, { dtype: "float64" }).data,
  });
  const hell = [0, 1, 2, 2]; // h e l l over the alphabet h, e, l, o
  const x = tensor(hell.map((k) => [[0, 1, 2, 3].map((j) => (j === k ? 1 : 0))]), {
    dtype: "float64",
  });
  const [out] = rnn.forward(x);
  let s = [0, 0];
  hell.forEach((k, t) => {
    s = [0, 1].map((i) => Math.tanh(U[i][k] + W[i][0] * s[0] + W[i][1] * s[1]));
    assert.ok(
      Math.abs(out.get(t, 0, 0) - s[0]) < 1e-15 && Math.abs(out.get(t, 0, 1) - s[1]) < 1e-15,
    );
  });
});

Deno.test("RNN: gradcheck through input, initial state and every parameter, both modes", () => {
  const rnn = new RNN(2, 2, {
    numLayers: 2,
    bidirectional: true,
    dtype: "float64",
    rng: new Rng(1),
  });
  const named = rnn.namedParameters();
  const rng = new Rng(2);
  const x = randn([3, 2, 2], { dtype: "float64", rng, requiresGrad: true });
  const h0 = randn([4, 2, 2], { dtype: "float64", rng, requiresGrad: true });
  const fn = (xx: Tensor, hh: Tensor, ...ps: Tensor[]) => {
    const params = Object.fromEntries(named.map(([k], i) => [k, ps[i]]));
    const [out, hn] = functionalCall(rnn, params, xx, hh, { lengths: [3, 2] }) as [Tensor, Tensor];
    return [out, hn];
  };
  const ps = named.map(([, p]) => new Tensor(p.data, { requiresGrad: true }));
  const report = gradcheck(fn, [x, h0, ...ps], { mode: "both", raise: false });
  assert.ok(report.ok, report.message);
});

Deno.test("RNN: wrong ranks, sizes, states and lengths are errors naming the layer and shapes", () => {
  // Checked before any layer is allocated (a trillion layers filled memory one by one).
  assert.throws(
    () => new RNN(3, 4, { numLayers: 1e12 }),
    /RNN: 1000000000000 layer\(s\) of hidden size 4 over 3 inputs would hold \d+ parameters, more than 2\^31-1/,
  );
  const rnn = new RNN(3, 4, { numLayers: 2 });
  assert.throws(
    () => rnn.forward(randn([5, 2, 3, 1])),
    /RNN\(3→4, layers=2\): input must be 3-d \[seq, batch, feature\] \(or 2-d \[seq, feature\] unbatched\), got \[5, 2, 3, 1\]/,
  );
  assert.throws(
    () => rnn.forward(randn([5, 2, 7])),
    /RNN\(3→4, layers=2\): input has 7 features per step, expected inputSize 3 \(input \[5, 2, 7\]\)/,
  );
  assert.throws(
    () => rnn.forward(randn([5, 2, 3]), randn([1, 2, 4])),
    /RNN\(3→4, layers=2\): h0 must be \[2, 2, 4\] \(layers·directions, batch, hidden\), got \[1, 2, 4\]/,
  );
  assert.throws(
    () => rnn.forward(randn([5, 2, 3]), null, { lengths: [5, 6] }),
    /RNN\(3→4, layers=2\): lengths\[1\] is 6; each length must be an integer in \[1, 5\]/,
  );
  assert.throws(
    () => rnn.forward(randn([5, 2, 3]), null, { lengths: [5] }),
    /RNN\(3→4, layers=2\): 1 lengths for a batch of 2 sequences/,
  );
  assert.throws(
    () => rnn.forward(randn([5, 2, 3], { dtype: "float64" })),
    /input is float64 but the layer's weights are float32/,
  );
  assert.throws(() => new RNN(3, 0), /RNN: hiddenSize must be an integer >= 1, got 0/);
  assert.throws(
    () => new RNN(3, 2, { nonlinearity: "sigmoid" as "tanh" }),
    /nonlinearity must be "tanh" or "relu"/,
  );
  assert.throws(() => new RNN(3, 2, { dropout: 1.5 }), /dropout must be a number in \[0, 1\]/);
  // Unbatched input works as PyTorch's: [T, I] in, [T, H] out, h0 [L·D, H].
  const [out, hn] = rnn.forward(randn([5, 3]), randn([2, 4]));
  assert.equal(out.shape.join(), "5,4");
  assert.equal(hn.shape.join(), "2,4");
});

Deno.test("RNN: dropout between layers only in training mode, from the layer's generator", () => {
  const mk = () => new RNN(3, 8, { numLayers: 2, dropout: 0.5, rng: new Rng(5) });
  const x = randn([4, 2, 3], { rng: new Rng(6) });
  const a = mk(), b = mk();
  const [ya] = a.forward(x), [yb] = b.forward(x);
  assert.deepEqual(ya.toArray(), yb.toArray()); // same seed, same masks
  const [y1] = a.forward(x);
  assert.notDeepEqual(y1.toArray(), ya.toArray()); // fresh masks each call
  a.eval();
  const [e1] = a.forward(x), [e2] = a.forward(x);
  assert.deepEqual(e1.toArray(), e2.toArray());
});

Deno.test("RNN: the notes' gradient bound ‖∂R/∂h^t‖ ≤ σ_max(W)^{s−t} ‖∂R/∂h^s‖ (tanh, |σ'| ≤ 1)", () => {
  // 001 (L693–733): ∇_{h^t}R = [Π_{j=t+1}^{s} Wᵀ S(h^j)] ∇_{h^s}R with S = diag(σ'), so gradients
  // vanish across many steps when σ_max(W) < 1 and may explode when it is > 1.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.double({ min: 0.3, max: 2.5, noNaN: true }),
      fc.integer({ min: 1, max: 12 }),
      (seed, scale, s) => {
        const rng = new Rng(seed);
        const rnn = new RNN(2, 4, { dtype: "float64", rng });
        const w = rnn.stateDict().weight_hh_l0;
        const sigma = linalg.svdvals(w).get(0);
        w.data.set(w.mul(scale / sigma).data);
        const x = randn([s, 1, 2], { dtype: "float64", rng });
        const h0 = randn([1, 1, 4], { dtype: "float64", rng, requiresGrad: true });
        const v = randn([1, 1, 4], { dtype: "float64", rng });
        const [, hs] = rnn.forward(x, h0);
        const [g] = gradients(hs.mul(v).sum(), [h0]);
        const norm = Math.hypot(...(g!.data.data as Float64Array));
        const bound = scale ** s * Math.hypot(...(v.data.data as Float64Array));
        return norm <= bound * (1 + 1e-12);
      },
    ),
  );
});
