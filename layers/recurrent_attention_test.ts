import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { gradcheck, randn, type Tensor, tensor } from "@nnc/autograd";
import { AdditiveAttention, LuongAttention } from "./recurrent_attention.ts";
import { functionalCall } from "./functional_call.ts";

const f64 = { dtype: "float64" as const };

Deno.test("LuongAttention dot: softmax of q·k_j over the valid positions, convex combination of values", () => {
  const att = new LuongAttention(2, f64);
  const keys = tensor([[[1, 0], [0, 2], [3, 3]]], f64);
  const values = tensor([[[1, 10], [2, 20], [4, 40]]], f64);
  const [context, weights] = att.forward(tensor([[0.5, 1]], f64), keys, values, { lengths: [2] });
  const e = [Math.exp(0.5), Math.exp(2)];
  const a = [e[0] / (e[0] + e[1]), e[1] / (e[0] + e[1])];
  assert.ok(Math.abs(weights.get(0, 0) - a[0]) < 1e-15 && weights.get(0, 2) === 0);
  assert.ok(Math.abs(context.get(0, 1) - (10 * a[0] + 20 * a[1])) < 1e-13);
});

Deno.test("LuongAttention general and AdditiveAttention equal their formulas", () => {
  const rng = new Rng(3);
  const gen = new LuongAttention(3, { ...f64, score: "general", keyDim: 2, rng });
  const W = gen.weight!.weight; // [3, 2]
  const q = randn([1, 3], { ...f64, rng }), k = randn([1, 4, 2], { ...f64, rng });
  const [, wg] = gen.forward(q, k, k);
  const score = (j: number) =>
    [0, 1, 2].reduce(
      (s, i) => s + q.get(0, i) * (W.get(i, 0) * k.get(0, j, 0) + W.get(i, 1) * k.get(0, j, 1)),
      0,
    );
  const z = [0, 1, 2, 3].reduce((s, j) => s + Math.exp(score(j)), 0);
  for (let j = 0; j < 4; j++) assert.ok(Math.abs(wg.get(0, j) - Math.exp(score(j)) / z) < 1e-13);

  const add = new AdditiveAttention(3, 2, 5, { ...f64, rng });
  const [, wa] = add.forward(q, k, k);
  const Wq = add.query.weight, Wk = add.key.weight, bk = add.key.bias!, v = add.v.weight;
  const sa = (j: number) => {
    let s = 0;
    for (let h = 0; h < 5; h++) {
      let pre = bk.get(h);
      for (let i = 0; i < 3; i++) pre += Wq.get(h, i) * q.get(0, i);
      for (let i = 0; i < 2; i++) pre += Wk.get(h, i) * k.get(0, j, i);
      s += v.get(0, h) * Math.tanh(pre);
    }
    return s;
  };
  const za = [0, 1, 2, 3].reduce((s, j) => s + Math.exp(sa(j)), 0);
  for (let j = 0; j < 4; j++) assert.ok(Math.abs(wa.get(0, j) - Math.exp(sa(j)) / za) < 1e-13);
  // Precomputed keys give the same result.
  const [c1] = add.forward(q, k, k, { projected: add.projectKeys(k) });
  const [c2] = add.forward(q, k, k);
  assert.deepEqual(c1.toArray(), c2.toArray());
});

Deno.test("attention layers: gradcheck through query, keys, values and parameters, both modes", () => {
  const rng = new Rng(5);
  for (
    const att of [
      new AdditiveAttention(3, 2, 4, { ...f64, rng }),
      new LuongAttention(3, { ...f64, score: "general", keyDim: 2, rng }),
    ]
  ) {
    const named = att.namedParameters();
    const q = randn([2, 3], { ...f64, rng, requiresGrad: true });
    const k = randn([2, 4, 2], { ...f64, rng, requiresGrad: true });
    const v = randn([2, 4, 3], { ...f64, rng, requiresGrad: true });
    const fn = (qq: Tensor, kk: Tensor, vv: Tensor, ...ps: Tensor[]) => {
      const params = Object.fromEntries(named.map(([n], i) => [n, ps[i]]));
      return functionalCall(att as AdditiveAttention, params, qq, kk, vv, { lengths: [4, 2] });
    };
    const ps = named.map(([, p]) => p.detach().requiresGrad_(true));
    const report = gradcheck(fn, [q, k, v, ...ps], { mode: "both", raise: false });
    assert.ok(report.ok, `${att.constructor.name}: ${report.message}`);
  }
});

Deno.test("attention layers name themselves and the shapes in errors", () => {
  const att = new AdditiveAttention(4, 6, 8);
  assert.throws(
    () => att.forward(randn([2, 5]), randn([2, 3, 6]), randn([2, 3, 6])),
    /AdditiveAttention\(4, 6→8\): query must be \[B, 4\], got \[2, 5\]/,
  );
  assert.throws(
    () => att.forward(randn([2, 4]), randn([2, 3, 5]), randn([2, 3, 6])),
    /keys must be \[2, S, 6\], got \[2, 3, 5\]/,
  );
  assert.throws(
    () => att.forward(randn([2, 4]), randn([2, 3, 6]), randn([2, 3, 6]), { lengths: [3, 4] }),
    /lengths\[1\] is 4; each must be an integer in \[1, 3\]/,
  );
  assert.throws(
    () => new LuongAttention(4, { keyDim: 3 }),
    /the dot score needs keys of the query's 4 features, got keyDim 3/,
  );
});
