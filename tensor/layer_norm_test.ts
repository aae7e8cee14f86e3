import assert from "node:assert/strict";
import fc from "fast-check";
import {
  add,
  assertClose,
  type DType,
  fusedLayerNorm,
  fusedLayerNormBackward,
  mean,
  mul,
  type NDArray,
  randn,
  Rng,
  rsqrt,
  square,
  sub,
  sum,
  zeros,
} from "./mod.ts";

/** The composed formula over the last axis. */
function reference(x: NDArray, w: NDArray, b: NDArray, eps: number): NDArray {
  const c = sub(x, mean(x, { axis: -1, keepDims: true }));
  return add(mul(mul(c, rsqrt(add(mean(square(c), { axis: -1, keepDims: true }), eps))), w), b);
}

Deno.test("fusedLayerNorm matches the composed formula; backward matches its derivative", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 9 }),
      fc.constantFrom<DType>("float64", "float32"),
      fc.integer({ min: 0, max: 1000 }),
      (rows, cols, dtype, seed) => {
        const rng = new Rng(seed);
        const x = randn([2, rows, cols], { rng, dtype }),
          g = randn([2, rows, cols], { rng, dtype });
        const w = randn([cols], { rng, dtype }), b = randn([cols], { rng, dtype });
        const tol = dtype === "float64" ? { rtol: 1e-10, atol: 1e-10 } : { rtol: 1e-4, atol: 1e-4 };
        const { output, mean: mu, rstd } = fusedLayerNorm(x, [cols], w, b, 1e-5);
        assertClose(output, reference(x, w, b, 1e-5), tol);
        const r = fusedLayerNormBackward(g, x, [cols], mu, rstd, w, { biasGrad: true });
        // Reference gradients: dx = rstd·(ĝ − mean ĝ − x̂·mean(ĝ x̂)), dw = Σ g x̂, db = Σ g.
        const c = sub(x, mean(x, { axis: -1, keepDims: true }));
        const s = rsqrt(add(mean(square(c), { axis: -1, keepDims: true }), 1e-5));
        const xh = mul(c, s), gh = mul(g, w);
        const dx = mul(
          s,
          sub(
            sub(gh, mean(gh, { axis: -1, keepDims: true })),
            mul(xh, mean(mul(gh, xh), { axis: -1, keepDims: true })),
          ),
        );
        assertClose(r.dx, dx, tol);
        assertClose(r.dweight!, sum(mul(g, xh), { axis: [0, 1] }), tol);
        assertClose(r.dbias!, sum(g, { axis: [0, 1] }), tol);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("fusedLayerNorm: several trailing dimensions, no affine parameters; errors", () => {
  const x = randn([3, 2, 4], { rng: new Rng(1), dtype: "float64" });
  const { output, mean: mu } = fusedLayerNorm(x, [2, 4], null, null, 0);
  assert.deepEqual(mu.shape, [3]);
  assertClose(mean(output, { axis: [1, 2] }), zeros([3], { dtype: "float64" }), { atol: 1e-12 });
  assertClose(mean(square(output), { axis: [1, 2] }), [1, 1, 1], { atol: 1e-10 });
  assert.throws(
    () => fusedLayerNorm(x, [3]),
    /fusedLayerNorm: input \[3, 2, 4\] does not end in the normalized shape \[3\]/,
  );
  assert.throws(() => fusedLayerNorm(x, [4], zeros([3])), /weight must be an array of shape \[4\]/);
  assert.throws(() => fusedLayerNorm(x, [4], null, null, -1), /eps must be a finite number >= 0/);
});
