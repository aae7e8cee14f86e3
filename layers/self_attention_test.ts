import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assertClose, Rng } from "@nnc/tensor";
import { gradcheck, randn, Tensor, tensor } from "@nnc/autograd";
import { SelfAttention, selfAttention } from "./mod.ts";

const f64 = { dtype: "float64" as const };

Deno.test("selfAttention: two tokens X = I₂, plain and causal (G15)", () => {
  const x = tensor([[1, 0], [0, 1]], f64);
  const plain = selfAttention(x);
  // spec: 002-part-b/G15
  assertClose(plain.weights!.data, [[0.7310586, 0.2689414], [0.2689414, 0.7310586]], {
    atol: 1e-7,
  });
  assertClose(plain.output.data, [[0.7310586, 0.2689414], [0.2689414, 0.7310586]], { atol: 1e-7 });
  const causal = selfAttention(x, { causal: true });
  assertClose(causal.output.data, [[1, 0], [0.2689414, 0.7310586]], { atol: 1e-7 });
  assert.equal(causal.weights!.get(0, 1), 0);
});

Deno.test("selfAttention: three tokens, raw scores, weights and outputs (G16)", () => {
  const x = tensor([[1, 0], [0, 1], [1, 1]], f64);
  // spec: 002-part-b/G16
  assertClose(x.matmul(x.T).data, [[1, 0, 1], [0, 1, 1], [1, 1, 2]]);
  const { output, weights } = selfAttention(x);
  assertClose(weights!.data, [
    [0.4223188, 0.1553624, 0.4223188],
    [0.1553624, 0.4223188, 0.4223188],
    [0.2119416, 0.2119416, 0.5761169],
  ], { atol: 1e-7 });
  assertClose(
    output.data,
    [[0.8446376, 0.5776812], [0.5776812, 0.8446376], [0.7880584, 0.7880584]],
    {
      atol: 1e-7,
    },
  );
  const causal = selfAttention(x, { causal: true });
  assertClose(causal.weights!.data, [
    [1, 0, 0],
    [0.2689414, 0.7310586, 0],
    [0.2119416, 0.2119416, 0.5761169],
  ], { atol: 1e-7 });
  assertClose(causal.output.data, [[1, 0], [0.2689414, 0.7310586], [0.7880584, 0.7880584]], {
    atol: 1e-7,
  });
  // Row 1: w'_11 = w'_13 = 1, so the weights are not diagonally dominant, as the notes claim.
  assert.equal(weights!.get(0, 0), weights!.get(0, 2));
});

Deno.test("selfAttention is permutation-equivariant: SA(PX) = P·SA(X) (G17)", () => {
  // spec: 002-part-b/G17
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 10_000 }),
      (n, d, seed) => {
        const rng = new Rng(seed);
        const x = randn([n, d], { rng, dtype: "float64" });
        const perm = [...Array(n).keys()].sort(() => rng.uniform() - 0.5);
        const permuted = selfAttention(x.indexSelect(0, perm)).output;
        const expected = selfAttention(x).output.indexSelect(0, perm);
        assertClose(permuted.data, expected.data, { rtol: 1e-12, atol: 1e-13 });
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("selfAttention: gradcheck in both modes, plain and causal, batched", () => {
  for (const causal of [false, true]) {
    gradcheck((x) => selfAttention(x, { causal }).output, [
      randn([2, 4, 3], { rng: new Rng(1), dtype: "float64", requiresGrad: true }),
    ], {
      mode: "both",
    });
  }
});

Deno.test("selfAttention: a further mask ('other priors') and errors", () => {
  const x = tensor([[1, 0], [0, 1], [1, 1]], f64);
  // Token 3 may not look at token 1: its weights renormalise over tokens 2 and 3.
  const mask = array([[0, 0, 0], [0, 0, 0], [1, 0, 0]], { dtype: "int32" });
  const w = selfAttention(x, { mask }).weights!;
  assert.equal(w.get(2, 0), 0);
  assertClose(w.get(2, 1), Math.exp(1) / (Math.exp(1) + Math.exp(2)), { atol: 1e-12 });
  assert.throws(
    () => selfAttention(tensor([1, 2])),
    /selfAttention: input must be \[..., tokens, features\], got \[2\]/,
  );
  assert.throws(
    () => selfAttention(x, { mask: array([[0, 2, 0]], { dtype: "int32" }) }),
    /must hold 0 and 1 only, got 2/,
  );
});

Deno.test("SelfAttention: no parameters; the notes' sentiment pipeline pools its outputs", () => {
  const sa = new SelfAttention();
  assert.equal(sa.numParameters(), 0);
  const x = new Tensor(randn([1, 5, 4], { rng: new Rng(2) }).data);
  const pooled = sa.forward(x).mean({ axis: 1 });
  assert.deepEqual(pooled.shape, [1, 4]);
  assert.ok(String(sa).includes("causal=false"));
});

Deno.test("selfAttention over no tokens, causal or not: empty outputs and weights", () => {
  for (const causal of [false, true]) {
    const { output, weights } = selfAttention(randn([0, 2]), { causal });
    assert.deepEqual([output.shape, weights?.shape], [[0, 2], [0, 0]]);
  }
});
