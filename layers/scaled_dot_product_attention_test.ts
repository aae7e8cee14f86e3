import assert from "node:assert/strict";
import { array, assertClose, ones, Rng, zeros } from "@nnc/tensor";
import { gradcheck, randn, Tensor } from "@nnc/autograd";
import { additiveMask, causalMask, scaledDotProductAttention } from "./mod.ts";

const f64 = "float64" as const;

Deno.test("causalMask includes the diagonal; queries at the end of longer keys see the prefix", () => {
  assert.deepEqual(causalMask(3).toArray(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [
    0,
    0,
    0,
  ]]);
  // Two new queries after three cached keys: query 0 is position 3.
  assert.deepEqual(causalMask(2, 5).toArray(), [[0, 0, 0, 0, -Infinity], [0, 0, 0, 0, 0]]);
  assert.equal(causalMask(2, 2, { dtype: f64 }).dtype, f64);
  assert.throws(
    () => causalMask(-1),
    /causalMask: lq must be an integer in \[0, 2147483647\], got -1/,
  );
  assert.throws(() => causalMask(2, 2, { dtype: "int32" }), TypeError);
});

Deno.test("additiveMask: boolean int32 (1 hides) becomes 0/−∞; floats pass through converted", () => {
  assert.deepEqual(additiveMask(array([1, 0], { dtype: "int32" }), f64).toArray(), [-Infinity, 0]);
  const f = additiveMask(array([0.5, -2]), f64);
  assert.equal(f.dtype, f64);
  assert.deepEqual(f.toArray(), [0.5, -2]);
  assert.throws(
    () => additiveMask(array([0, -1], { dtype: "int32" }), f64),
    /additiveMask: mask is an int32 \(boolean\) mask and must hold 0 and 1 only, got -1/,
  );
});

Deno.test("scaledDotProductAttention: the fused and the composed paths agree, values and gradients", () => {
  const rng = new Rng(1);
  const [q, k, v] = [[2, 3, 5, 4], [2, 3, 7, 4], [2, 3, 7, 6]].map((s) =>
    randn(s, { rng, dtype: f64 }).data
  );
  const mask = array([[0, 0, 1, 0, 0, 0, 1]], { dtype: "int32" });
  const g = randn([2, 3, 5, 6], { rng, dtype: f64 });
  const run = (needWeights: boolean) => {
    const leaves = [q, k, v].map((a) => new Tensor(a, { requiresGrad: true }));
    const r = scaledDotProductAttention(leaves[0], leaves[1], leaves[2], {
      attnMask: mask,
      isCausal: true,
      needWeights,
    });
    r.output.mul(g).sum().backward();
    return [r.output.data, ...leaves.map((l) => l.grad!.data)];
  };
  const fused = run(false), composed = run(true);
  fused.forEach((a, i) => assertClose(a, composed[i], { rtol: 1e-11, atol: 1e-13 }));
});

Deno.test("scaledDotProductAttention: default scale 1/√D, weights returned on request, fully hidden rows are zero", () => {
  const q = new Tensor(ones([1, 2, 4], { dtype: f64 })),
    k = new Tensor(array([[[1, 0, 0, 0], [0, 0, 0, 0]]], { dtype: f64 }));
  const v = new Tensor(array([[[1], [0]]], { dtype: f64 }));
  const { output, weights } = scaledDotProductAttention(q, k, v, {
    needWeights: true,
    attnMask: array([[0, 0], [1, 1]], { dtype: "int32" }),
  });
  // Scores 1/√4 = 0.5 and 0: weight σ(0.5) on the first key.
  assertClose(weights!.get(0, 0, 0), 1 / (1 + Math.exp(-0.5)), { atol: 1e-12 });
  assert.deepEqual([weights!.get(0, 1, 0), weights!.get(0, 1, 1), output.get(0, 1, 0)], [0, 0, 0]);
});

Deno.test("scaledDotProductAttention: dropout on the weights in training only; gradcheck both modes", () => {
  const x = randn([1, 6, 4], { rng: new Rng(2), dtype: f64 });
  const a = scaledDotProductAttention(x, x, x, {
    dropoutP: 0.5,
    training: false,
    needWeights: true,
  });
  assertClose(a.weights!.sum({ axis: -1 }).data, ones([1, 6], { dtype: f64 }), { atol: 1e-12 });
  const b = scaledDotProductAttention(x, x, x, {
    dropoutP: 0.5,
    rng: new Rng(3),
    needWeights: true,
  });
  assert.ok(Array.from(b.weights!.data.data).some((w) => w === 0));
  gradcheck(
    (q, k, v) =>
      scaledDotProductAttention(q, k, v, { attnMask: array([[0.5, -1, 0]], { dtype: f64 }) })
        .output,
    [[2, 4], [3, 4], [3, 2]].map((s, i) =>
      randn(s, { rng: new Rng(10 + i), dtype: f64, requiresGrad: true })
    ),
    { mode: "both" },
  );
});

Deno.test("scaledDotProductAttention: errors name the op and the shapes", () => {
  const q = randn([2, 3, 4]), k = randn([2, 5, 4]), v = randn([2, 5, 6]);
  assert.throws(
    () => scaledDotProductAttention(q, randn([2, 5, 3]), v),
    /scaledDotProductAttention: expected query \[...B, Lq, D\], key \[...B, Lk, D\], value \[...B, Lk, Dv\], got query \[2, 3, 4\], key \[2, 5, 3\]/,
  );
  assert.throws(
    () => scaledDotProductAttention(q, k, v, { attnMask: zeros([3, 4]) }),
    /attnMask \[3, 4\] does not broadcast to the attention scores \[2, 3, 5\]/,
  );
  assert.throws(
    () => scaledDotProductAttention(q, k, v, { dropoutP: 2 }),
    /dropoutP must be a number in \[0, 1\]/,
  );
  assert.throws(
    () => scaledDotProductAttention(q.data as unknown as Tensor, k, v),
    /query must be a Tensor/,
  );
  assert.throws(() => scaledDotProductAttention(q, k.astype(f64), v), TypeError);
});

Deno.test("causalMask: an empty mask of many rows returns at once; sizes stay int32", () => {
  assert.deepEqual(causalMask(1e9, 0).shape, [1e9, 0]);
  assert.throws(() => causalMask(1e12, 0), {
    name: "RangeError",
    message: "causalMask: lq must be an integer in [0, 2147483647], got 1000000000000",
  });
});
