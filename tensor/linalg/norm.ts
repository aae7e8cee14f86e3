/**
 * `norm`: vector and matrix norms along chosen axes.
 *
 * @module
 */
import { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import { fmtShape, normalizeAxis, sizeOf } from "../shape.ts";
import { allocArray, checkFloat, fromFloat64, readFloat64 } from "./_common.ts";
import { checkBool, checkOptions } from "../check.ts";

/** Which norm: a number p (vectors: any p, ±Infinity, 0; matrices: ±1, ±2, ±Infinity) or a name. */
export type NormOrder = number | "fro" | "nuc";

/** Options of {@link norm}. */
export interface NormOptions {
  /**
   * Vector norms: 2 (default), 1, Infinity (max |x|), -Infinity (min |x|), 0 (number of non-zero
   * entries), or any other p: (Σ|x|^p)^(1/p). Matrix norms: "fro" (default), "nuc" (sum of singular
   * values), 2 / -2 (largest / smallest singular value), 1 / -1 (max / min column sum of |a|),
   * Infinity / -Infinity (max / min row sum of |a|).
   */
  ord?: NormOrder;
  /**
   * One axis: vector norms along it. Two axes: matrix norms over them (first = rows). Omitted: with
   * no `ord`, the 2-norm of all entries; with `ord`, x must be 1-d (vector) or 2-d (matrix).
   */
  axis?: number | readonly number[];
  /** Keep the reduced axes as size-1 dimensions. Default false. */
  keepDims?: boolean;
}

/**
 * Vector or matrix norm of `x` (float32 or float64, result in the same dtype, computed in float64),
 * with NumPy's `numpy.linalg.norm` semantics. The 2-norms are scaled so they neither overflow nor
 * underflow; NaN propagates.
 *
 * Throws a TypeError for non-float input and a RangeError for an invalid `ord` or `axis`.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * console.assert(linalg.norm(array([3, -4])).item() === 5);
 * console.assert(linalg.norm(array([3, -4]), { ord: Infinity }).item() === 4);
 * const a = array([[1, -2], [3, 4]]);
 * console.assert(linalg.norm(a, { ord: 1 }).item() === 6); // max column sum
 * console.assert(linalg.norm(a, { axis: 1, ord: 1 }).toArray().toString() === "3,7");
 * ```
 */
export function norm(x: NDArray, options: NormOptions = {}): NDArray {
  const op = "linalg.norm";
  const dtype = checkFloat(x, op, "x");
  const { ord, keepDims = false } = checkOptions(options, op);
  checkBool(keepDims, op, "keepDims");
  const axes = reducedAxes(x, options.axis, ord, op);
  const kept = [...x.shape.keys()].filter((d) => !axes.includes(d));
  const vals = readFloat64(x.permute([...kept, ...axes]));
  const outer = sizeOf(kept.map((d) => x.shape[d]));
  const result = axes.length === 2 && !(options.axis === undefined && ord === undefined)
    ? matrixNorms(vals, outer, x.shape[axes[0]], x.shape[axes[1]], ord ?? "fro", op)
    : vectorNorms(vals, outer, sizeOf(axes.map((d) => x.shape[d])), ord ?? 2, op);
  const shape = keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : kept.map((d) => x.shape[d]);
  return fromFloat64(result, dtype, shape);
}

/** The axes to reduce, in the order they form a vector or matrix. */
function reducedAxes(
  x: NDArray,
  axis: NormOptions["axis"],
  ord: NormOrder | undefined,
  op: string,
): number[] {
  if (axis === undefined) {
    if (ord === undefined) return [...x.shape.keys()];
    if (x.ndim === 1 || x.ndim === 2) return [...x.shape.keys()];
    throw new RangeError(
      `${op}: with ord and no axis, x must be 1-d or 2-d, got ${fmtShape(x.shape)}; pass axis`,
    );
  }
  const list = typeof axis === "number" ? [axis] : [...axis];
  if (list.length !== 1 && list.length !== 2) {
    throw new RangeError(`${op}: axis must name 1 or 2 axes, got [${list.join(", ")}]`);
  }
  const axes = list.map((a) => normalizeAxis(a, x.ndim, op));
  if (axes.length === 2 && axes[0] === axes[1]) {
    throw new RangeError(`${op}: the two axes are the same, got [${list.join(", ")}]`);
  }
  return axes;
}

function vectorNorms(
  vals: Float64Array,
  outer: number,
  len: number,
  ord: NormOrder,
  op: string,
): Float64Array {
  if (typeof ord !== "number" || Number.isNaN(ord)) {
    throw new RangeError(
      `${op}: invalid norm order ${JSON.stringify(ord)} for vectors; expected a number`,
    );
  }
  if (ord === -Infinity && len === 0) {
    throw new RangeError(`${op}: ord -Infinity of an empty vector is undefined`);
  }
  const out = new Float64Array(outer);
  for (let o = 0; o < outer; o++) out[o] = vectorNorm(vals, o * len, len, ord);
  return out;
}

function vectorNorm(v: Float64Array, start: number, len: number, ord: number): number {
  const end = start + len;
  if (ord === 2) return scaledNorm2(v, start, end);
  let acc = ord === -Infinity ? Infinity : 0;
  if (ord === Infinity) {
    for (let i = start; i < end; i++) acc = Math.max(acc, Math.abs(v[i]));
  } else if (ord === -Infinity) {
    for (let i = start; i < end; i++) acc = Math.min(acc, Math.abs(v[i]));
  } else if (ord === 0) {
    for (let i = start; i < end; i++) if (v[i] !== 0) acc++;
  } else if (ord === 1) {
    for (let i = start; i < end; i++) acc += Math.abs(v[i]);
  } else {
    for (let i = start; i < end; i++) acc += Math.abs(v[i]) ** ord;
    acc = acc ** (1 / ord);
  }
  return acc;
}

/** √(Σ v²) over v[start .. end), scaled by a power of two near the largest |v|. NaN if any entry is. */
function scaledNorm2(v: Float64Array, start: number, end: number): number {
  let big = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(v[i]);
    if (!(a <= big)) big = a; // takes NaN too, which then propagates below
  }
  if (big === 0 || Number.isNaN(big)) return big;
  if (big === Infinity) {
    for (let i = start; i < end; i++) if (Number.isNaN(v[i])) return NaN;
    return Infinity;
  }
  // An exact power-of-two scale, so that e.g. ‖(3e200, 4e200)‖ is exactly 5e200.
  const e = Math.min(1000, Math.max(-1000, Math.round(Math.log2(big))));
  const down = 2 ** -e;
  let s = 0;
  for (let i = start; i < end; i++) {
    const a = v[i] * down;
    s += a * a;
  }
  return Math.sqrt(s) * 2 ** e;
}

function matrixNorms(
  vals: Float64Array,
  outer: number,
  rows: number,
  cols: number,
  ord: NormOrder,
  op: string,
): Float64Array {
  if (ord === "fro") return vectorNorms(vals, outer, rows * cols, 2, op);
  if (ord === "nuc" || ord === 2 || ord === -2) {
    return spectralNorms(vals, outer, rows, cols, ord, op);
  }
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    const byColumn = ord === 1 || ord === -1;
    const out = new Float64Array(outer);
    for (let o = 0; o < outer; o++) {
      out[o] = absSumExtreme(vals, o * rows * cols, rows, cols, byColumn, ord > 0, op);
    }
    return out;
  }
  throw new RangeError(
    `${op}: invalid norm order ${
      JSON.stringify(ord)
    } for matrices; expected "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity`,
  );
}

/** Max (or min) over columns (or rows) of the sums of |a|. */
function absSumExtreme(
  v: Float64Array,
  start: number,
  rows: number,
  cols: number,
  byColumn: boolean,
  max: boolean,
  op: string,
): number {
  const count = byColumn ? cols : rows;
  if (count === 0) {
    if (max) return 0;
    throw new RangeError(
      `${op}: the minimum over an empty set of ${byColumn ? "columns" : "rows"} is undefined`,
    );
  }
  const sums = new Float64Array(count);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) sums[byColumn ? j : i] += Math.abs(v[start + i * cols + j]);
  }
  let best = sums[0];
  for (let t = 1; t < count; t++) {
    const s = sums[t];
    if (Number.isNaN(s) || (max ? s > best : s < best)) best = s;
    if (Number.isNaN(best)) break;
  }
  return best;
}

/** Nuclear, spectral (2) or smallest-singular-value (-2) norms, through the backend's SVD. */
function spectralNorms(
  vals: Float64Array,
  outer: number,
  rows: number,
  cols: number,
  ord: "nuc" | 2 | -2,
  op: string,
): Float64Array {
  const k = Math.min(rows, cols);
  if (k === 0 && ord === -2) throw new RangeError(`${op}: ord -2 of an empty matrix is undefined`);
  const a = NDArray.fromTyped(vals, [outer, rows, cols]);
  const s = allocArray("float64", [outer, k]);
  getBackend().svd(
    allocArray("float64", [outer, rows, k]),
    s,
    allocArray("float64", [outer, k, cols]),
    a,
  );
  const sv = s.data;
  const out = new Float64Array(outer);
  for (let o = 0; o < outer; o++) {
    if (k === 0) continue;
    if (ord === 2) out[o] = sv[o * k];
    else if (ord === -2) out[o] = sv[o * k + k - 1];
    else for (let j = 0; j < k; j++) out[o] += sv[o * k + j];
  }
  return out;
}
