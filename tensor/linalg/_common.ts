// Argument checks and array plumbing shared by the linear-algebra ops.
import { checkNDArray } from "../check.ts";
import { allocTyped, type DType, promoteTypes } from "../dtype.ts";
import { NDArray, Storage } from "../ndarray.ts";
import { broadcastShapes, fmtShape, sizeOf } from "../shape.ts";

/** The elements of `x` in row-major order as a new float64 array (exact for every dtype). */
export function readFloat64(x: NDArray): Float64Array {
  const out = new Float64Array(x.size);
  if (out.length === 0) return out;
  const data = x.data;
  if (x.isContiguous) {
    out.set(data.subarray(x.offset, x.offset + out.length));
    return out;
  }
  const nd = x.ndim;
  const inner = x.shape[nd - 1];
  const step = x.strides[nd - 1];
  const counter = new Array<number>(nd).fill(0);
  let pos = x.offset;
  for (let o = 0; o < out.length; o += inner) {
    for (let i = 0; i < inner; i++) out[o + i] = data[pos + i * step];
    for (let d = nd - 2; d >= 0; d--) {
      counter[d]++;
      pos += x.strides[d];
      if (counter[d] < x.shape[d]) break;
      pos -= x.strides[d] * x.shape[d];
      counter[d] = 0;
    }
  }
  return out;
}

/** Throws a TypeError unless `x` is a float32 or float64 NDArray; returns its dtype. */
export function checkFloat(x: unknown, op: string, name: string): DType {
  checkNDArray(x, op, name);
  if (x.dtype === "int32") {
    throw new TypeError(
      `${op}: ${name} must be a float32 or float64 array, got int32 (convert with .astype("float32"))`,
    );
  }
  return x.dtype;
}

/** Throws a RangeError unless `x` has at least two dimensions; returns its last two. */
export function checkMatrix(x: NDArray, op: string, name: string): [number, number] {
  if (x.ndim < 2) {
    throw new RangeError(
      `${op}: ${name} must have at least 2 dimensions [..., m, n], got ${fmtShape(x.shape)}`,
    );
  }
  return [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
}

/** Throws a RangeError unless `x` is a (batch of) square matrices; returns n. */
export function checkSquare(x: NDArray, op: string, name: string): number {
  const [m, n] = checkMatrix(x, op, name);
  if (m !== n) throw new RangeError(`${op}: ${name} must be square, got ${fmtShape(x.shape)}`);
  return n;
}

/** Throws a RangeError if some element of `x` is NaN or infinite. */
export function checkFinite(x: NDArray, op: string, name: string): void {
  const v = readFloat64(x);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      throw new RangeError(
        `${op}: ${name} ${fmtShape(x.shape)} contains ${v[i]}; expected finite values`,
      );
    }
  }
}

/** A new zero-filled contiguous array. */
export function allocArray(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(new Storage(allocTyped(dtype, sizeOf(shape))), shape);
}

/** A new contiguous array of `dtype` holding `values` (row-major). */
export function fromFloat64(values: Float64Array, dtype: DType, shape: readonly number[]): NDArray {
  const out = allocArray(dtype, shape);
  out.data.set(values.length === out.size ? values : values.subarray(0, out.size));
  return out;
}

/** `x` itself when it already has `dtype`, otherwise a converted contiguous copy. */
export function castTo(x: NDArray, dtype: DType): NDArray {
  return x.dtype === dtype ? x : fromFloat64(readFloat64(x), dtype, x.shape);
}

/** Machine epsilon of a float dtype. */
export function epsOf(dtype: DType): number {
  return dtype === "float64" ? 2 ** -52 : 2 ** -23;
}

/** Where a failing matrix sits, for messages: "" when unbatched, else " (batch index [i, j] of [B0, B1])". */
export function batchWhere(flat: number, batch: readonly number[]): string {
  if (batch.length === 0) return "";
  const idx = new Array<number>(batch.length);
  let rest = flat;
  for (let d = batch.length - 1; d >= 0; d--) {
    idx[d] = rest % batch[d];
    rest = Math.floor(rest / batch[d]);
  }
  return ` (batch index ${fmtShape(idx)} of batch shape ${fmtShape(batch)})`;
}

/** A right-hand side `b` of `a·x = b`, as a batch of matrices, with the batch shared with `a`. */
export interface Rhs {
  /** `a` in the common dtype, expanded to `[...batch, m, n]`. */
  a: NDArray;
  /** `b` in the common dtype, expanded to `[...batch, m, k]`. */
  b: NDArray;
  /** The broadcast batch shape. */
  batch: number[];
  /** True when `b` was a (batch of) vector(s): results drop the trailing k = 1. */
  vector: boolean;
  /** The common dtype. */
  dtype: DType;
}

/**
 * Pairs `a` `[..., m, n]` with `b`: `b` is a batch of vectors when it is 1-d or when its shape is
 * `a.shape` without the last dimension (PyTorch's rule), otherwise a batch of `[m, k]` matrices.
 * Batch dimensions broadcast; dtypes promote (float32 with float64 gives float64).
 */
export function pairRhs(a: NDArray, b: NDArray, op: string): Rhs {
  const [m, n] = checkMatrix(a, op, "a");
  if (b.ndim === 0) throw new RangeError(`${op}: b must have at least 1 dimension, got a scalar`);
  const vector = b.ndim === 1 ||
    (b.ndim === a.ndim - 1 && b.shape.every((d, i) => d === a.shape[i]));
  const bm = vector ? b.unsqueeze(-1) : b;
  if (bm.shape[bm.ndim - 2] !== m) {
    throw new RangeError(
      `${op}: b must have ${m} rows to match a ${fmtShape(a.shape)}, got b ${fmtShape(b.shape)}`,
    );
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), bm.shape.slice(0, -2), op);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const k = bm.shape[bm.ndim - 1];
  return {
    a: castTo(a, dtype).expand([...batch, m, n]),
    b: castTo(bm, dtype).expand([...batch, m, k]),
    batch,
    vector,
    dtype,
  };
}

/**
 * `x` `[...B, m, n]` as float64 with an identity appended on the right: `[...B, m, n + m]`. The
 * reduced QR of `[X | I]` has a square Q whose first n columns are the reduced Q of X, which is
 * how the complete factorisations are built from the backend's reduced one.
 */
export function appendIdentity(x: NDArray, dtype: DType): NDArray {
  const m = x.shape[x.ndim - 2];
  const n = x.shape[x.ndim - 1];
  const src = readFloat64(x);
  const count = sizeOf(x.shape.slice(0, -2));
  const w = n + m;
  const out = new Float64Array(count * m * w);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < m; i++) {
      const row = (b * m + i) * w;
      for (let j = 0; j < n; j++) out[row + j] = src[(b * m + i) * n + j];
      out[row + n + i] = 1;
    }
  }
  return fromFloat64(out, dtype, [...x.shape.slice(0, -2), m, w]);
}
