/**
 * The mock final's 1-D GAN (Q5): data with density `f_X(x) = 2 − 2x` on [0, 1], noise
 * Z ~ U[0, 1]. {@link triangularTarget} holds the target's density, CDF `F(x) = 2x − x²`, quantile
 * `1 − √(1 − u)` (the optimal monotone generator G*(z)) and a sampler; {@link ksDistance} measures
 * how far a generator's samples are from a CDF. With G the identity the optimal discriminator is
 * `(2 − 2x)/(3 − 2x)` (`optimalDiscriminator(f_X(x), 1)`).
 *
 * @module
 */
import { asNDArray, checkInt, checkNumber, type NDArrayLike, rand, type Rng } from "@nnc/tensor";

/**
 * A 1-d distribution: density, CDF, quantile function and sampler.
 *
 * @example
 * ```ts
 * import type { Distribution1d } from "@nnc/models/generative";
 * const uniform: Distribution1d = {
 *   density: (x) => (x >= 0 && x <= 1 ? 1 : 0),
 *   cdf: (x) => Math.min(Math.max(x, 0), 1),
 *   quantile: (u) => u,
 *   sample: (n) => new Float32Array(n).map(() => Math.random()),
 * };
 * ```
 */
export interface Distribution1d {
  /** Probability density at x. */
  density(x: number): number;
  /** P(X ≤ x). */
  cdf(x: number): number;
  /** The inverse CDF at u ∈ [0, 1]. */
  quantile(u: number): number;
  /** `n` independent draws. */
  sample(n: number, rng?: Rng): Float32Array;
}

/**
 * The mock final's target `f_X(x) = 2 − 2x` on [0, 1]: `F(x) = 2x − x²` (the notes' L188 writes
 * `[2t − x²]`, read `[2t − t²]₀ˣ`), quantile `1 − √(1 − u)`, sampled by inversion.
 *
 * @example
 * ```ts
 * import { triangularTarget } from "@nnc/models/generative";
 * console.assert(triangularTarget.density(0.25) === 1.5 && triangularTarget.cdf(0.5) === 0.75);
 * console.assert(Math.abs(triangularTarget.quantile(0.19) - 0.1) < 1e-12);
 * ```
 */
export const triangularTarget: Distribution1d = Object.freeze({
  density: (x: number): number => (x >= 0 && x <= 1 ? 2 - 2 * x : 0),
  cdf: (x: number): number => (x <= 0 ? 0 : x >= 1 ? 1 : 2 * x - x * x),
  quantile: (u: number): number => {
    checkNumber(u, "triangularTarget.quantile", "u", 0, 1);
    return 1 - Math.sqrt(1 - u);
  },
  sample: (n: number, rng?: Rng): Float32Array => {
    checkInt(n, "triangularTarget.sample", "n", 0);
    const u = rand([n], { rng, dtype: "float64" }).data;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = 1 - Math.sqrt(1 - u[i]);
    return out;
  },
});

/**
 * The Kolmogorov–Smirnov distance `sup_x |F_n(x) − F(x)|` between the empirical CDF of `samples`
 * and `cdf` (samples as an array, a typed array, an NDArray or a Tensor).
 *
 * @example
 * ```ts
 * import { ksDistance } from "@nnc/models/generative";
 * const d = ksDistance([0.1, 0.4, 0.6, 0.9], (x) => Math.min(Math.max(x, 0), 1));
 * console.assert(Math.abs(d - 0.15) < 1e-12);
 * ```
 */
export function ksDistance(
  samples: NDArrayLike | ArrayLike<number>,
  cdf: (x: number) => number,
): number {
  const op = "ksDistance";
  if (typeof cdf !== "function") throw new TypeError(`${op}: cdf must be a function`);
  const xs = isArrayLike(samples)
    ? Float64Array.from(samples)
    : Float64Array.from(asNDArray(samples, op, "samples").reshape([-1]).toArray() as number[]);
  if (xs.length === 0) throw new RangeError(`${op}: no samples`);
  if (xs.some((v) => Number.isNaN(v))) throw new RangeError(`${op}: samples contain NaN`);
  xs.sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}
