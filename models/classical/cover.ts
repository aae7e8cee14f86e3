/**
 * Counting dichotomies (notes 001, Cover 1965): C(s, n) = 2 Σ_{i=0}^{n−1} binom(s − 1, i) labellings of
 * s points in general position in ℝⁿ are separable by a hyperplane through the origin (the notes print
 * the sum from i = 1: an erratum, with which C(s, 1) would be 0), so n points are shattered and the VC
 * dimension of homogeneous half-spaces in ℝⁿ is n (n + 1 with a bias, i.e. in ℝⁿ⁺¹ after appending a 1).
 * Separability is decided exactly by a hard-margin SVM solved in the dual.
 *
 * @module
 */
import {
  type MatrixLike,
  toFloat64,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";
import { checkInt, checkOptions, describe } from "@nnc/tensor";

/** binom(a, b) as a bigint. */
function binomial(a: number, b: number): bigint {
  if (b < 0 || b > a) return 0n;
  let r = 1n;
  for (let i = 1; i <= b; i++) r = (r * BigInt(a - b + i)) / BigInt(i);
  return r;
}

/**
 * Cover's function counting theorem: the number of linearly separable (homogeneous) dichotomies of s
 * points in general position in ℝⁿ, exact as a bigint.
 *
 * @example
 * ```ts
 * import { coverCount } from "@nnc/models/classical";
 * console.assert(coverCount(4, 2) === 8n && coverCount(10, 5) === 512n && coverCount(3, 5) === 8n);
 * ```
 */
export function coverCount(s: number, n: number): bigint {
  // Beyond s = 10000 the exact count has thousands of digits and takes minutes: a mistake, not a request.
  checkInt(s, "coverCount", "s", 1, 10_000);
  // n may be astronomically large (only its first s terms count): any integer, not only a safe one.
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`coverCount: n must be an integer >= 1, got ${describe(n)}`);
  }
  let sum = 0n;
  // C(s - 1, i) is 0 for i >= s, so a huge n adds nothing after s terms (and used to loop forever).
  for (let i = 0; i < Math.min(n, s); i++) sum += binomial(s - 1, i);
  return 2n * sum;
}

/** Options of the separability functions. */
export interface SeparabilityOptions {
  /** Allow an offset b (affine half-spaces) instead of hyperplanes through the origin. Default true. */
  bias?: boolean;
}

function pointsOf(
  op: string,
  x: MatrixLike,
  bias: boolean,
): { p: Float64Array; s: number; n: number } {
  const m = toMatrix(op, x, "points");
  const [s, d] = m.shape;
  const raw = toFloat64(m);
  if (!bias) return { p: raw, s, n: d };
  const p = new Float64Array(s * (d + 1));
  for (let i = 0; i < s; i++) {
    p.set(raw.subarray(i * d, (i + 1) * d), i * (d + 1));
    p[i * (d + 1) + d] = 1;
  }
  return { p, s, n: d + 1 };
}

/**
 * Whether some w satisfies y_i wᵀx_i > 0 for every point (with `bias`, x gets an appended 1). Decided by
 * the hard-margin dual min ½αᵀQα − Σα, 0 ≤ α ≤ 10⁸, by coordinate descent: w = Σα_i y_i x_i is a witness
 * when all margins are positive, and no w exists otherwise (for margins above about 10⁻⁴ of the data's
 * scale, far below what points in general position have).
 */
function separable(p: Float64Array, s: number, n: number, y: Float64Array): boolean {
  const q = new Float64Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      let dot = 0;
      for (let t = 0; t < n; t++) dot += p[i * n + t] * p[j * n + t];
      q[i * s + j] = y[i] * y[j] * dot;
    }
  }
  const C = 1e8, alpha = new Float64Array(s), grad = new Float64Array(s).fill(-1);
  for (let sweep = 0; sweep < 100_000; sweep++) {
    let moved = 0;
    for (let i = 0; i < s; i++) {
      if (q[i * s + i] === 0) continue; // a zero point can never be classified: margins decide below
      const a = Math.min(C, Math.max(0, alpha[i] - grad[i] / q[i * s + i]));
      const delta = a - alpha[i];
      if (delta !== 0) {
        alpha[i] = a;
        for (let j = 0; j < s; j++) grad[j] += q[j * s + i] * delta;
        moved = Math.max(moved, Math.abs(delta) * Math.sqrt(q[i * s + i]));
      }
    }
    if (moved < 1e-12) break;
  }
  const w = new Float64Array(n);
  for (let i = 0; i < s; i++) for (let t = 0; t < n; t++) w[t] += alpha[i] * y[i] * p[i * n + t];
  for (let i = 0; i < s; i++) {
    let f = 0;
    for (let t = 0; t < n; t++) f += w[t] * p[i * n + t];
    if (!(y[i] * f > 0)) return false;
  }
  return true;
}

/**
 * Whether the labelled points (labels ±1) are separable by a half-space.
 *
 * @example
 * ```ts
 * import { isLinearlySeparable } from "@nnc/models/classical";
 * const square = [[0, 0], [1, 1], [0, 1], [1, 0]];
 * console.assert(isLinearlySeparable(square, [1, 1, -1, -1]) === false); // XOR
 * console.assert(isLinearlySeparable(square, [1, -1, 1, -1]) === true);
 * ```
 */
export function isLinearlySeparable(
  points: MatrixLike,
  labels: VectorLike,
  options: SeparabilityOptions = {},
): boolean {
  const op = "isLinearlySeparable";
  const { p, s, n } = pointsOf(op, points, checkOptions(options, op).bias ?? true);
  const y = toVector(op, labels, "labels", s);
  y.forEach((v, i) => {
    if (v !== 1 && v !== -1) throw new RangeError(`${op}: labels[${i}] = ${v}, expected +1 or -1`);
  });
  return separable(p, s, n, y);
}

/**
 * How many of the 2^s labellings of the points are separable by a half-space.
 *
 * @example
 * ```ts
 * import { countSeparableDichotomies } from "@nnc/models/classical";
 * // Four points in general position in the plane, lines through the origin: C(4, 2) = 8.
 * console.assert(countSeparableDichotomies([[1, 0], [0.3, 1], [-1, 0.6], [-0.2, -1]], { bias: false }) === 8);
 * ```
 */
export function countSeparableDichotomies(
  points: MatrixLike,
  options: SeparabilityOptions = {},
): number {
  const op = "countSeparableDichotomies";
  const { p, s, n } = pointsOf(op, points, checkOptions(options, op).bias ?? true);
  if (s > 20) {
    throw new RangeError(
      `${op}: ${s} points give 2^${s} labellings; at most 20 points are enumerated`,
    );
  }
  let count = 0;
  const y = new Float64Array(s);
  for (let mask = 0; mask < 2 ** s; mask++) {
    for (let i = 0; i < s; i++) y[i] = (mask >> i) & 1 ? 1 : -1;
    if (separable(p, s, n, y)) count++;
  }
  return count;
}

/**
 * Whether half-spaces shatter the points: every one of the 2^s labellings is separable.
 *
 * @example
 * ```ts
 * import { shatters } from "@nnc/models/classical";
 * console.assert(shatters([[0, 0], [1, 0], [0, 1]]) && !shatters([[0, 0], [1, 0], [2, 0]])); // collinear
 * ```
 */
export function shatters(points: MatrixLike, options: SeparabilityOptions = {}): boolean {
  const m = toMatrix("shatters", points, "points");
  return countSeparableDichotomies(m, checkOptions(options, "shatters")) === 2 ** m.shape[0];
}

/**
 * The VC dimension of half-spaces in ℝᵈ: d + 1 with a bias, d through the origin.
 *
 * @example
 * ```ts
 * import { halfSpaceVcDimension } from "@nnc/models/classical";
 * console.assert(halfSpaceVcDimension(2) === 3 && halfSpaceVcDimension(2, { bias: false }) === 2);
 * ```
 */
export function halfSpaceVcDimension(d: number, options: SeparabilityOptions = {}): number {
  checkInt(d, "halfSpaceVcDimension", "d", 1);
  return (options.bias ?? true) ? d + 1 : d;
}
