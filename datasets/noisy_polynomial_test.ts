import assert from "node:assert/strict";
import { noisyPolynomial } from "./noisy_polynomial.ts";

Deno.test("noisyPolynomial without noise evaluates the polynomial (constant term first) on a grid", () => {
  const { x, y } = noisyPolynomial({
    coefficients: [1, -2, 0, 0.5],
    n: 5,
    range: [-2, 2],
    grid: true,
    noise: 0,
  });
  assert.deepEqual(x.shape, [5, 1]);
  assert.deepEqual(x.toArray(), [[-2], [-1], [0], [1], [2]]);
  // 1 - 2x + 0.5x³
  assert.deepEqual(y.toArray(), [[1], [2.5], [1], [-0.5], [1]]);
});

Deno.test("noisyPolynomial draws sorted x in the range and noise of the requested spread", () => {
  const { x, y } = noisyPolynomial({
    coefficients: [0, 1],
    n: 5000,
    range: [2, 3],
    noise: 0.2,
    seed: 11,
  });
  const xs = [...x.data];
  assert.ok(xs.every((v, i) => v >= 2 && v < 3 && (i === 0 || v >= xs[i - 1])));
  const residual = y.sub(x);
  assert.ok(Math.abs(residual.std().item() - 0.2) < 0.01, String(residual.std().item()));
  assert.deepEqual(
    y.toArray(),
    noisyPolynomial({ coefficients: [0, 1], n: 5000, range: [2, 3], noise: 0.2, seed: 11 }).y
      .toArray(),
  );
});

Deno.test("noisyPolynomial takes any function, and validates its options", () => {
  const { x, y } = noisyPolynomial({
    fn: (t) => Math.cos(1.5 * Math.PI * t),
    n: 3,
    grid: true,
    noise: 0,
  });
  assert.deepEqual(x.toArray(), [[0], [0.5], [1]]);
  assert.ok(Math.abs(y.get(1, 0) - Math.cos(0.75 * Math.PI)) < 1e-7);
  assert.throws(() => noisyPolynomial({ n: 3 }), /coefficients must be a non-empty array/);
  assert.throws(() => noisyPolynomial({ coefficients: [1], fn: (t) => t }), /not both/);
  assert.throws(
    () => noisyPolynomial({ coefficients: [1], range: [1, 0] }),
    /range must be \[low, high\]/,
  );
  assert.throws(() => noisyPolynomial({ coefficients: [NaN] }), TypeError);
});
