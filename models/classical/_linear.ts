// What the linear regressions share: checked inputs with optional centring (the intercept is then
// ȳ − x̄ᵀw, as in scikit-learn), predictions, R², and plain gradient descent on the squared loss.
import type { NDArray } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toFloat64,
  toMatrix,
  type VectorLike,
} from "../_common/validate.ts";
import { centerRows, columnMeans, matTVec, matVec, meanOf, targetsFor, vectorOf } from "./_data.ts";
import { checkInt, checkNumber, checkOneOf } from "@nnc/tensor";
import type {
  GradientDescentOptions,
  GradientDescentReduction,
  LinearState,
} from "./linear_regressor.ts";

/** Rows and targets ready for a solver: centred when an intercept is fitted. */
export interface Prepared {
  /** The checked input matrix as given (float32 or float64). */
  x: NDArray;
  /** Float64 copy of x, centred when fitting an intercept. */
  xc: Float64Array;
  /** Targets, centred when fitting an intercept. */
  yc: Float64Array;
  /** Column means (zeros without intercept). */
  xMean: Float64Array;
  /** Target mean (0 without intercept). */
  yMean: number;
  n: number;
  d: number;
}

/** Checks `x` and `y` and centres both when `fitIntercept`. */
export function prepare(op: string, x: MatrixLike, y: VectorLike, fitIntercept: boolean): Prepared {
  const m = toMatrix(op, x);
  const [n, d] = m.shape;
  const t = targetsFor(op, y, m.shape);
  const xc = toFloat64(m);
  let xMean: Float64Array = new Float64Array(d), yMean = 0;
  if (fitIntercept) {
    xMean = columnMeans(xc, n, d);
    centerRows(xc, n, d, xMean);
    yMean = meanOf(t);
    for (let i = 0; i < n; i++) t[i] -= yMean;
  }
  return { x: m, xc, yc: t, xMean, yMean, n, d };
}

/** ȳ − x̄ᵀw. */
export function interceptOf(p: Prepared, coef: Float64Array): number {
  let s = p.yMean;
  for (let j = 0; j < p.d; j++) s -= p.xMean[j] * coef[j];
  return s;
}

/** Checked gradient-descent options with defaults. */
export interface GdSettings {
  lr: number;
  reduction: GradientDescentReduction;
  maxIter: number;
  tol: number;
}

/** Checks {@link GradientDescentOptions}. */
export function gdSettings(op: string, o: GradientDescentOptions): GdSettings {
  const reduction = checkOneOf(o.reduction ?? "mean", op, "reduction", ["sum", "mean"]);
  return {
    lr: checkNumber(o.lr ?? 0.01, op, "lr", Number.MIN_VALUE),
    reduction,
    maxIter: checkInt(o.maxIter ?? 10_000, op, "maxIter", 1),
    tol: checkNumber(o.tol ?? 1e-10, op, "tol", 0),
  };
}

/** Result of {@link gdSquaredLoss}. */
export interface GdResult {
  coef: Float64Array;
  intercept: number;
  nIter: number;
  /** Loss before each step. */
  losses: number[];
}

/**
 * Gradient descent on Σᵢ(yᵢ − wᵀxᵢ − b)² + l2·‖w‖² (divided by n for the mean reduction) from θ = 0,
 * on the raw (uncentred) rows with b updated alongside w, as in the notes' θ = (a, b). A loss that turns
 * non-finite is a RangeError that says the step is too large.
 */
export function gdSquaredLoss(
  op: string,
  x: NDArray,
  y: Float64Array,
  fitIntercept: boolean,
  l2: number,
  s: GdSettings,
): GdResult {
  const [n, d] = x.shape;
  const scale = s.reduction === "mean" ? 1 / n : 1;
  const w = new Float64Array(d);
  let b = 0, it = 0;
  const losses: number[] = [];
  for (; it < s.maxIter; it++) {
    const f = matVec(x, w);
    let loss = 0, gb = 0;
    for (let i = 0; i < n; i++) {
      const r = f[i] + b - y[i];
      f[i] = r;
      loss += r * r;
      gb += r;
    }
    let pen = 0;
    for (let j = 0; j < d; j++) pen += w[j] * w[j];
    loss = scale * loss + l2 * pen * (s.reduction === "mean" ? scale : 1);
    if (!Number.isFinite(loss)) {
      throw new RangeError(
        `${op}: gradient descent diverged at step ${it} (loss ${loss}); lr = ${s.lr} is too large`,
      );
    }
    losses.push(loss);
    const g = matTVec(x, f);
    let change = 0;
    const penScale = s.reduction === "mean" ? scale : 1;
    for (let j = 0; j < d; j++) {
      const step = s.lr * (2 * scale * g[j] + 2 * l2 * penScale * w[j]);
      w[j] -= step;
      change = Math.max(change, Math.abs(step));
    }
    if (fitIntercept) {
      const step = s.lr * 2 * scale * gb;
      b -= step;
      change = Math.max(change, Math.abs(step));
    }
    if (change <= s.tol) {
      it++;
      break;
    }
  }
  return { coef: w, intercept: b, nIter: it, losses };
}

/** `x·w + b` as float64 `[n]` after checking the feature count. */
export function linearPredict(op: string, x: MatrixLike, s: LinearState): NDArray {
  const m = toMatrix(op, x);
  checkFeatures(op, m, s.coef.length);
  const f = matVec(m, s.coef);
  for (let i = 0; i < f.length; i++) f[i] += s.intercept;
  return vectorOf(f);
}
