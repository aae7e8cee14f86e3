// Shared plumbing of the classical learners: targets, class labels, the centring used for intercepts,
// and dense float64 products through the backend's GEMM.
import { fmtShape, matmul, NDArray } from "@nnc/tensor";
import { toVector, type VectorLike } from "../_common/validate.ts";

/** Real-valued targets, one per row of a matrix of shape `shape`. */
export function targetsFor(op: string, y: VectorLike, shape: readonly number[]): Float64Array {
  const t = toVector(op, y, "y");
  if (t.length !== shape[0]) {
    throw new RangeError(
      `${op}: y has ${t.length} values but x has ${shape[0]} rows (shape ${fmtShape(shape)})`,
    );
  }
  return t;
}

/** Class labels encoded as indices into the sorted distinct label values. */
export interface EncodedLabels {
  /** Distinct labels, ascending. */
  classes: Float64Array;
  /** Index into `classes` of each row's label. */
  index: Int32Array;
}

/**
 * Encodes class labels (any finite numbers) for a matrix of shape `shape`. A classifier needs at least
 * two classes: a single class is a RangeError naming the estimator and the label.
 */
export function encodeLabels(
  op: string,
  y: VectorLike,
  shape: readonly number[],
  minClasses = 2,
): EncodedLabels {
  const t = targetsFor(op, y, shape);
  const classes = Float64Array.from(new Set(t)).sort();
  if (classes.length < minClasses) {
    throw new RangeError(
      `${op}: y has a single class (${classes[0]}); a classifier needs at least ${minClasses}`,
    );
  }
  const where = new Map<number, number>();
  classes.forEach((c, i) => where.set(c, i));
  const index = new Int32Array(t.length);
  for (let i = 0; i < t.length; i++) index[i] = where.get(t[i]) as number;
  return { classes, index };
}

/** Maps class indices back to label values (float64 `[n]`; int32 when every class is an integer). */
export function decodeLabels(classes: Float64Array, index: ArrayLike<number>): NDArray {
  const ints = classes.every((c) => Number.isInteger(c) && Math.abs(c) < 2 ** 31);
  const out = ints ? new Int32Array(index.length) : new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = classes[index[i]];
  return NDArray.fromTyped(out, [index.length]);
}

/** Column means of a contiguous `[n, d]` float64 array. */
export function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) mean[j] += x[r + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

/** Subtracts `mean` from every row in place. */
export function centerRows(x: Float64Array, n: number, d: number, mean: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) x[r + j] -= mean[j];
  }
}

/** Mean of a vector. */
export function meanOf(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/** `a · b` for row-major float64 `a` `[m, k]` and `b` `[k, n]` (either transposed when flagged). */
export function gemm(
  a: Float64Array,
  aShape: readonly [number, number],
  b: Float64Array,
  bShape: readonly [number, number],
  transA = false,
  transB = false,
): Float64Array {
  let am = NDArray.fromTyped(a, [aShape[0], aShape[1]]);
  let bm = NDArray.fromTyped(b, [bShape[0], bShape[1]]);
  if (transA) am = am.T;
  if (transB) bm = bm.T;
  const c = matmul(am, bm);
  return c.data as Float64Array;
}

/** `x · w` for a 2-d `x` of any float dtype and a float64 vector `w`, as float64. */
export function matVec(x: NDArray, w: Float64Array): Float64Array {
  const wv = NDArray.fromTyped(
    x.dtype === "float32" ? Float32Array.from(w) : w,
    [w.length, 1],
  );
  const r = matmul(x, wv);
  return r.dtype === "float64" ? r.data as Float64Array : Float64Array.from(r.data);
}

/** `xᵀ · v` for a 2-d `x` of any float dtype and a float64 vector `v`, as float64. */
export function matTVec(x: NDArray, v: Float64Array): Float64Array {
  const vv = NDArray.fromTyped(x.dtype === "float32" ? Float32Array.from(v) : v, [v.length, 1]);
  const r = matmul(x.T, vv);
  return r.dtype === "float64" ? r.data as Float64Array : Float64Array.from(r.data);
}

/** A float64 NDArray `[length]` copy of a vector. */
export function vectorOf(v: ArrayLike<number>): NDArray {
  return NDArray.fromTyped(Float64Array.from(v), [v.length]);
}

/** Throws a TypeError naming the estimator when it has not been fitted. */
export function notFitted(op: string, estimator: string): TypeError {
  return new TypeError(`${op}: this ${estimator} is not fitted yet; call fit(x, y) first`);
}

/** R² of predictions against targets (1 − SSres/SStot; 0 when the targets are constant and fitted). */
export function r2(y: Float64Array, pred: ArrayLike<number>): number {
  const m = meanOf(y);
  let ssr = 0, sst = 0;
  for (let i = 0; i < y.length; i++) {
    ssr += (y[i] - pred[i]) ** 2;
    sst += (y[i] - m) ** 2;
  }
  if (sst === 0) return ssr === 0 ? 1 : 0;
  return 1 - ssr / sst;
}

/** Fraction of predictions equal to the labels. */
export function accuracy(op: string, pred: NDArray, y: VectorLike): number {
  const t = targetsFor(op, y, [pred.size]);
  let hit = 0;
  for (let i = 0; i < t.length; i++) if (pred.data[i] === t[i]) hit++;
  return hit / t.length;
}

/** The rows `idx` of a contiguous 2-d array, as a new contiguous array of its dtype. */
export function gatherRows(m: NDArray, idx: Int32Array): NDArray {
  const d = m.shape[1];
  const out = m.dtype === "float32"
    ? new Float32Array(idx.length * d)
    : new Float64Array(idx.length * d);
  for (let t = 0; t < idx.length; t++) {
    out.set(m.data.subarray(m.offset + idx[t] * d, m.offset + (idx[t] + 1) * d), t * d);
  }
  return NDArray.fromTyped(out, [idx.length, d]);
}
