// Moving matrices between strided NDArrays and contiguous float64 work buffers, plus the small
// numeric helpers every factorisation shares.
import type { NDArray } from "../../ndarray.ts";

/** Machine epsilon of float64 (2^-52): every kernel works in float64 whatever the dtype. */
export const EPS = 2 ** -52;

/** Number of matrices in an array whose trailing `core` dimensions form one matrix. */
export function batchCount(x: NDArray, core: number): number {
  let count = 1;
  for (let i = 0; i < x.ndim - core; i++) count *= x.shape[i];
  return count;
}

/** Storage index of the first element of every matrix (trailing `core` dims), in row-major batch order. */
export function matrixOffsets(x: NDArray, core: number): Float64Array {
  const nb = x.ndim - core;
  const offs = new Float64Array(batchCount(x, core));
  const counter = new Array<number>(nb).fill(0);
  let pos = x.offset;
  for (let b = 0; b < offs.length; b++) {
    offs[b] = pos;
    for (let d = nb - 1; d >= 0; d--) {
      counter[d]++;
      pos += x.strides[d];
      if (counter[d] < x.shape[d]) break;
      pos -= x.strides[d] * x.shape[d];
      counter[d] = 0;
    }
  }
  return offs;
}

/** Copies the `rows × cols` matrix of `x` starting at storage index `off` into `dst` (row-major). */
export function loadMatrix(
  x: NDArray,
  off: number,
  rows: number,
  cols: number,
  dst: Float64Array,
): void {
  const data = x.data;
  const rs = x.strides[x.ndim - 2];
  const cs = x.strides[x.ndim - 1];
  for (let i = 0; i < rows; i++) {
    const src = off + i * rs;
    const d = i * cols;
    if (cs === 1) {
      for (let j = 0; j < cols; j++) dst[d + j] = data[src + j];
    } else {
      for (let j = 0; j < cols; j++) dst[d + j] = data[src + j * cs];
    }
  }
}

/** Like {@link loadMatrix} but stores the transpose: `dst[j·rows + i] = x[i, j]`. */
export function loadTransposed(
  x: NDArray,
  off: number,
  rows: number,
  cols: number,
  dst: Float64Array,
): void {
  const data = x.data;
  const rs = x.strides[x.ndim - 2];
  const cs = x.strides[x.ndim - 1];
  for (let j = 0; j < cols; j++) {
    const src = off + j * cs;
    const d = j * rows;
    for (let i = 0; i < rows; i++) dst[d + i] = data[src + i * rs];
  }
}

/** Writes `len` values of `src` into the contiguous `out` at matrix `b` (each matrix holding `len`). */
export function storeBlock(out: NDArray, b: number, len: number, src: Float64Array): void {
  const start = out.offset + b * len;
  // TypedArray.set converts float64 to float32 with round-to-nearest, as a store would.
  out.data.set(len === src.length ? src : src.subarray(0, len), start);
}

/** True when every one of the first `len` entries is finite. */
export function allFinite(w: Float64Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (!Number.isFinite(w[i])) return false;
  return true;
}

/**
 * A power of two near the largest |entry| (1 for an all-zero or non-finite matrix): dividing by it
 * is exact and brings the largest entry near 1, so that sums of squares cannot overflow and the
 * negligibility thresholds of the iterations (`TINY`) are relative to the matrix's size.
 */
export function scaleOf(w: Float64Array, len: number): number {
  let big = 0;
  for (let i = 0; i < len; i++) {
    const v = Math.abs(w[i]);
    if (v > big) big = v;
  }
  if (big === 0 || !Number.isFinite(big)) return 1;
  // Clamped so that both the scale and its reciprocal are normal numbers.
  return 2 ** Math.min(1000, Math.max(-1000, Math.round(Math.log2(big))));
}

/**
 * 2^-1000: in a matrix scaled to max |entry| ≈ 1 (see {@link scaleOf}), quantities below this are
 * far below rounding error (ε = 2^-52) and are treated as zero; this keeps the iterations away from
 * subnormal numbers, whose rotations would not be orthogonal.
 */
export const TINY = 2 ** -1000;

/** Multiplies the first `len` entries by `f`. */
export function scaleBy(w: Float64Array, len: number, f: number): void {
  if (f === 1) return;
  for (let i = 0; i < len; i++) w[i] *= f;
}

/** Euclidean norm of `w[start .. end)`, scaled so that it neither overflows nor underflows. */
export function norm2(w: Float64Array, start: number, end: number): number {
  let big = 0;
  for (let i = start; i < end; i++) {
    const v = Math.abs(w[i]);
    if (v > big) big = v;
  }
  if (big === 0 || !Number.isFinite(big)) return big;
  // Scale by an exact power of two near `big` (clamped so that it and its inverse are normal).
  const e = Math.min(1000, Math.max(-1000, Math.round(Math.log2(big))));
  const down = 2 ** -e;
  let s = 0;
  for (let i = start; i < end; i++) {
    const v = w[i] * down;
    s += v * v;
  }
  return Math.sqrt(s) * 2 ** e;
}

/**
 * Index, within `w[start .. start+len)`, of the entry that decides a vector's sign: the first whose
 * magnitude is within a relative 1e-5 of the largest. The tolerance makes exact ties (as in
 * (1, −1)/√2) resolve to the first entry on every backend despite last-bit rounding differences.
 */
export function signIndex(w: Float64Array, start: number, len: number): number {
  let big = 0;
  for (let i = 0; i < len; i++) {
    const v = Math.abs(w[start + i]);
    if (v > big) big = v;
  }
  const cut = big * (1 - 1e-5);
  for (let i = 0; i < len; i++) if (Math.abs(w[start + i]) >= cut) return i;
  return 0;
}

/** Indices `0..n-1` ordered by `key` ascending (or descending), stable. */
export function orderBy(key: Float64Array, n: number, descending: boolean): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => (descending ? key[b] - key[a] : key[a] - key[b]) || a - b);
  return idx;
}
