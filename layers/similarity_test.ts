import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { gradcheck, randn, type Tensor, tensor } from "@nnc/autograd";
import { CosineSimilarity, cosineSimilarity, PairwiseDistance, pairwiseDistance } from "./mod.ts";

const f64 = { dtype: "float64" as const };

function assertClose(actual: Tensor, expected: number[], tol: number): void {
  const got = [...actual.data.data];
  assert.equal(got.length, expected.length);
  got.forEach((v, i) =>
    assert.ok(
      Math.abs(v - expected[i]) <= tol * (1 + Math.abs(expected[i])),
      `${i}: ${v} vs ${expected[i]}`,
    )
  );
}

// Three pairs, the second with a zero vector: values and gradients of Σ w ⊙ f(a, b), w = (1, 2, 3),
// from PyTorch 2.15 (float64).
const A = [[1, 2, 3], [0, 0, 0], [-1, 0.5, 2]];
const B = [[4, -5, 6], [1, 1, 1], [2, 1, -0.5]];
const W = tensor([1, 2, 3], f64);

Deno.test("cosineSimilarity matches PyTorch 2.15: values, gradients, a zero vector", () => {
  const a = tensor(A, { ...f64, requiresGrad: true }),
    b = tensor(B, { ...f64, requiresGrad: true });
  const c = cosineSimilarity(a, b);
  assertClose(c, [0.36548694232390355, 0, -0.4761904761904763], 1e-15);
  c.mul(W).sum().backward();
  assertClose(a.grad!, [
    0.09572277060864141,
    -0.2044986463002794,
    0.10442484066397245,
    115470053.83792517,
    115470053.83792517,
    115470053.83792517,
    0.870748299319728,
    0.707482993197279,
    0.25850340136054434,
  ], 1e-14);
  assertClose(b.grad!, [
    0.011470910527481826,
    0.08464740872003827,
    0.0628922335817107,
    0,
    0,
    0,
    -0.027210884353741416,
    0.5578231292517009,
    1.0068027210884356,
  ], 1e-14);
  // Each norm is held at eps on its own: (1e-9, 0) counts as (0.1, 0) against (1, 0).
  assertClose(
    cosineSimilarity(tensor([1e-9, 0], f64), tensor([1, 0], f64), { dim: 0 }),
    [0.1],
    1e-15,
  );
  // Broadcasting: one row against a column of three.
  assertClose(
    cosineSimilarity(tensor([[1, 0]], f64), tensor([[1, 1], [2, 2], [0, 0]], f64)),
    [Math.SQRT1_2, Math.SQRT1_2, 0],
    1e-15,
  );
});

Deno.test("pairwiseDistance matches PyTorch 2.15 for p = 2, 1, 3 and ∞, keepDim", () => {
  const a = tensor(A, { ...f64, requiresGrad: true }), b = tensor(B, f64);
  const d = pairwiseDistance(a, b);
  assertClose(d, [8.185352894042076, 1.7320490755180697, 3.9370036830060244], 1e-15);
  d.mul(W).sum().backward();
  assertClose(a.grad!, [
    -0.36650820542919144,
    0.8551862198995885,
    -0.36650820542919144,
    -1.1547005383792515,
    -1.1547005383792515,
    -1.1547005383792515,
    -2.2860016714864293,
    -0.3809996435803956,
    1.905002789906845,
  ], 1e-14);
  assertClose(pairwiseDistance(a, b, { p: 1 }), [12.999998999999999, 2.999997, 5.999999], 1e-15);
  assertClose(
    pairwiseDistance(a, b, { p: 3 }),
    [7.349597170450673, 1.442248128057838, 3.4965950832157966],
    1e-15,
  );
  assertClose(pairwiseDistance(a, b, { p: Infinity }), [7.000001, 0.999999, 2.999999], 1e-15);
  assert.deepEqual(pairwiseDistance(a, b, { keepDim: true }).shape, [3, 1]);
});

Deno.test("cosineSimilarity and pairwiseDistance pass gradcheck", () => {
  const rng = new Rng(5);
  const a = randn([3, 4], { ...f64, rng, requiresGrad: true });
  const b = randn([3, 4], { ...f64, rng, requiresGrad: true });
  assert.ok(gradcheck((x, y) => cosineSimilarity(x, y), [a, b], { mode: "both" }).ok);
  assert.ok(gradcheck((x, y) => cosineSimilarity(x, y, { dim: 0 }), [a, b]).ok);
  for (const p of [1.5, 2, 3]) {
    assert.ok(gradcheck((x, y) => pairwiseDistance(x, y, { p }), [a, b]).ok, `p = ${p}`);
  }
});

Deno.test("CosineSimilarity and PairwiseDistance modules; errors name the op and the value", () => {
  const x = tensor([[3, 4]], f64), y = tensor([[6, 8]], f64);
  assert.equal(new CosineSimilarity().forward(x, y).item(), 1);
  assert.equal(new PairwiseDistance({ eps: 0 }).forward(x, y).item(), 5);
  assert.match(String(new CosineSimilarity({ dim: -1 })), /CosineSimilarity\(dim=-1, eps=1e-8\)/);
  assert.match(
    String(new PairwiseDistance({ p: 1 })),
    /PairwiseDistance\(p=1, eps=0\.000001, keepDim=false\)/,
  );
  assert.throws(
    () => cosineSimilarity(x, tensor([[1, 2, 3]], f64)),
    /^RangeError: cosineSimilarity: /,
  );
  assert.throws(() => cosineSimilarity(x, y, { dim: 2 }), /^RangeError: cosineSimilarity: axis/);
  assert.throws(() => cosineSimilarity(x, y, { eps: -1 }), /^RangeError: cosineSimilarity: eps/);
  assert.throws(
    () => cosineSimilarity("a" as never, y),
    /^TypeError: cosineSimilarity: x1 must be/,
  );
  assert.throws(
    () => pairwiseDistance(x, y, { p: 0 }),
    /^RangeError: pairwiseDistance: p must be a number > 0 \(or Infinity\), got 0$/,
  );
  assert.throws(
    () => pairwiseDistance(tensor(1), tensor(2)),
    /pairwiseDistance: x1 and x2 must have/,
  );
  assert.throws(
    () => pairwiseDistance(x, y, { keepDim: 1 as never }),
    /^TypeError: pairwiseDistance: keepDim/,
  );
  assert.throws(() => new PairwiseDistance({ p: -2 }), /^RangeError: PairwiseDistance: p must be/);
  assert.throws(
    () => new CosineSimilarity({ dim: 0.5 }),
    /^TypeError: CosineSimilarity: dim must be an integer/,
  );
});
