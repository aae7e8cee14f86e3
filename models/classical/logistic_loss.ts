/**
 * The losses of the notes' logistic-regression chapter as plain functions, with their gradients:
 * the convex log-loss l = −Σ[yᵢ log σ(zᵢ) + (1 − yᵢ) log(1 − σ(zᵢ))], zᵢ = wᵀxᵢ + b, with
 * ∇_w l = Xᵀ(σ(z) − y), ∂l/∂b = Σ(σ(zᵢ) − yᵢ); the non-convex squared loss Σ(yᵢ − σ(zᵢ))² that the
 * notes reject; and σ'(z) = σ(z)(1 − σ(z)).
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";
import { targetsFor, vectorOf } from "./_data.ts";
import { checkNumber } from "@nnc/tensor";

/** A loss value with its gradient. */
export interface LossAndGradient {
  /** The loss (summed over samples). */
  loss: number;
  /** ∂l/∂w `[d]`. */
  grad: NDArray;
  /** ∂l/∂b. */
  gradIntercept: number;
  /** σ(zᵢ) `[n]`. */
  probabilities: NDArray;
}

function scoresOf(op: string, x: MatrixLike, y: VectorLike, w: VectorLike, b: number) {
  const m = toMatrix(op, x);
  const [n, d] = m.shape;
  const t = targetsFor(op, y, m.shape);
  const wv = toVector(op, w, "coef");
  checkFeatures(op, m, wv.length);
  checkNumber(b, op, "intercept");
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let j = 0; j < d; j++) s += m.data[m.offset + i * d + j] * wv[j];
    z[i] = s;
  }
  return { m, n, d, t, z };
}

/** σ(z) = 1/(1 + e^(−z)) without overflow. */
function sigma(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * The summed log-loss of σ(wᵀx + b) against labels y ∈ {0, 1} and its gradient.
 *
 * @example
 * ```ts
 * import { logisticLoss } from "@nnc/models/classical";
 * // The notes' check: a = b = 0, x = (1, 2), y = (1, 0) → loss 2 ln 2, ∂l/∂a = 0.5, ∂l/∂b = 0.
 * const r = logisticLoss([[1], [2]], [1, 0], [0], 0);
 * console.assert(Math.abs(r.loss - 2 * Math.LN2) < 1e-15 && r.grad.get(0) === 0.5 && r.gradIntercept === 0);
 * ```
 */
export function logisticLoss(
  x: MatrixLike,
  y: VectorLike,
  coef: VectorLike,
  intercept = 0,
): LossAndGradient {
  const op = "logisticLoss";
  const { m, n, d, t, z } = scoresOf(op, x, y, coef, intercept);
  for (let i = 0; i < n; i++) {
    if (t[i] !== 0 && t[i] !== 1) throw new RangeError(`${op}: y[${i}] = ${t[i]}, expected 0 or 1`);
  }
  const p = new Float64Array(n), g = new Float64Array(d);
  let loss = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    // log(1 + e^z) − t·z, computed stably.
    const zi = z[i];
    loss += (zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi))) - t[i] * zi;
    p[i] = sigma(zi);
    const r = p[i] - t[i];
    gb += r;
    for (let j = 0; j < d; j++) g[j] += r * m.data[m.offset + i * d + j];
  }
  return { loss, grad: vectorOf(g), gradIntercept: gb, probabilities: vectorOf(p) };
}

/**
 * The non-convex squared loss Σ(yᵢ − σ(wᵀxᵢ + b))² and its gradient.
 *
 * @example
 * ```ts
 * import { sigmoidSquaredLoss } from "@nnc/models/classical";
 * // One point x = 1, y = 1: l(0) = (1 − ½)² = 0.25.
 * console.assert(sigmoidSquaredLoss([[1]], [1], [0]).loss === 0.25);
 * ```
 */
export function sigmoidSquaredLoss(
  x: MatrixLike,
  y: VectorLike,
  coef: VectorLike,
  intercept = 0,
): LossAndGradient {
  const op = "sigmoidSquaredLoss";
  const { m, n, d, t, z } = scoresOf(op, x, y, coef, intercept);
  const p = new Float64Array(n), g = new Float64Array(d);
  let loss = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    p[i] = sigma(z[i]);
    const e = p[i] - t[i];
    loss += e * e;
    const r = 2 * e * p[i] * (1 - p[i]);
    gb += r;
    for (let j = 0; j < d; j++) g[j] += r * m.data[m.offset + i * d + j];
  }
  return { loss, grad: vectorOf(g), gradIntercept: gb, probabilities: vectorOf(p) };
}

/**
 * σ'(z) = σ(z)(1 − σ(z)).
 *
 * @example
 * ```ts
 * import { sigmoidDerivative } from "@nnc/models/classical";
 * console.assert(sigmoidDerivative(0) === 0.25);
 * ```
 */
export function sigmoidDerivative(z: number): number {
  checkNumber(z, "sigmoidDerivative", "z");
  const s = sigma(z);
  return s * (1 - s);
}
