/**
 * Regression targets from a polynomial (or any function) plus Gaussian noise.
 *
 * @module
 */
import { checkFunction, checkInt, checkNumber, checkOptions, describe, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link noisyPolynomial}. */
export interface NoisyPolynomialOptions extends RandomSource {
  /** Coefficients, constant term first: `[c0, c1, c2]` is `c0 + c1 x + c2 x²`. Give this or `fn`. */
  coefficients?: readonly number[];
  /** Any target function instead of a polynomial (e.g. `(x) => Math.cos(1.5 * Math.PI * x)`). */
  fn?: (x: number) => number;
  /** Number of points. Default 30. */
  n?: number;
  /** Interval of `x`. Default [0, 1]. */
  range?: readonly [number, number];
  /** Standard deviation of the Gaussian noise on `y`. Default 0.1. */
  noise?: number;
  /** `x` evenly spaced over the range (with both ends) instead of sorted uniform draws. Default false. */
  grid?: boolean;
}

/**
 * Points `(x, f(x) + ε)`, `ε ~ N(0, noise²)`, with `x` sorted ascending. `x` and `y` are float32
 * `[n, 1]`, ready for a model with one input and one output.
 *
 * @example
 * ```ts
 * import { noisyPolynomial } from "@nnc/datasets";
 * const { x, y } = noisyPolynomial({ coefficients: [1, 0, 2], n: 5, grid: true, noise: 0 });
 * console.assert(x.toArray().toString() === "0,0.25,0.5,0.75,1");
 * console.assert(y.toArray().toString() === "1,1.125,1.5,2.125,3");
 * const sk = noisyPolynomial({ fn: (t) => Math.cos(1.5 * Math.PI * t), seed: 0 });
 * console.assert(sk.x.shape.join() === "30,1");
 * ```
 */
export function noisyPolynomial(options: NoisyPolynomialOptions): LabeledData {
  const op = "noisyPolynomial";
  const o = checkOptions(options, op);
  const f = targetFunction(o, op);
  const n = checkInt(o.n ?? 30, op, "n", 0, MAX_INT32);
  const noise = checkNumber(o.noise ?? 0.1, op, "noise", 0);
  const range = o.range ?? [0, 1];
  if (
    !Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) ||
    !(range[0] <= range[1])
  ) {
    throw new RangeError(
      `${op}: range must be [low, high] with low <= high, got ${describe(range)}`,
    );
  }
  const rng = resolveRng(o, op);
  const [lo, hi] = range;
  const xs = new Float64Array(n);
  if (o.grid) {
    for (let i = 0; i < n; i++) xs[i] = n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1);
  } else {
    for (let i = 0; i < n; i++) xs[i] = rng.uniform(lo, hi);
    xs.sort();
  }
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = f(xs[i]) + (noise > 0 ? rng.normal(0, noise) : 0);
  return { x: NDArray.fromTyped(new Float32Array(xs), [n, 1]), y: NDArray.fromTyped(y, [n, 1]) };
}

function targetFunction(o: NoisyPolynomialOptions, op: string): (x: number) => number {
  if (o.fn !== undefined && o.coefficients !== undefined) {
    throw new TypeError(`${op}: give coefficients or fn, not both`);
  }
  if (o.fn !== undefined) {
    checkFunction(o.fn, op, "fn");
    return o.fn;
  }
  const c = o.coefficients;
  if (
    !Array.isArray(c) || c.length === 0 ||
    !c.every((v) => typeof v === "number" && Number.isFinite(v))
  ) {
    throw new TypeError(
      `${op}: coefficients must be a non-empty array of finite numbers (constant first), got ${
        describe(c)
      }`,
    );
  }
  // Horner's rule, highest coefficient first.
  return (x: number) => {
    let acc = 0;
    for (let k = c.length - 1; k >= 0; k--) acc = acc * x + c[k];
    return acc;
  };
}
