// Helpers shared by the indexing, ordering, joining and padding frontends: argument checks, fresh
// outputs, views along one axis, and moving an axis to the end for kernels that work on rows.
import { checkNDArray } from "./check.ts";
import { allocForOverwrite, allocTyped, type DType } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { sizeOf } from "./shape.ts";

/** Throws a TypeError unless `value` is an int32 NDArray. */
export function checkIndexArray(
  value: unknown,
  op: string,
  name: string,
): asserts value is NDArray {
  checkNDArray(value, op, name);
  if (value.dtype !== "int32") {
    throw new TypeError(`${op}: ${name} must be int32, got ${value.dtype}`);
  }
}

/** A fresh zero-filled contiguous array. */
export function allocArray(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(new Storage(allocTyped(dtype, sizeOf(shape))), shape);
}

/**
 * A fresh contiguous array for a kernel that writes every element (see `allocForOverwrite`): a
 * buffer recycled from the storage pool keeps its old contents until the kernel overwrites them.
 */
export function allocOutput(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(new Storage(allocForOverwrite(dtype, sizeOf(shape))), shape);
}

/**
 * The view of `x` that keeps `length` entries along `axis`, starting at `start` and moving by `step`
 * (0 repeats one entry, negative walks backwards). Bounds are the caller's responsibility.
 */
export function axisView(
  x: NDArray,
  axis: number,
  start: number,
  length: number,
  step = 1,
): NDArray {
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[axis] = length;
  strides[axis] = x.strides[axis] * step;
  const offset = length > 0 ? x.offset + start * x.strides[axis] : x.offset;
  return new NDArray(x.storage, shape, strides, offset);
}

/** The permutation that moves `axis` to the end (the identity when it is already last). */
export function axisLastPermutation(ndim: number, axis: number): number[] {
  const perm: number[] = [];
  for (let d = 0; d < ndim; d++) if (d !== axis) perm.push(d);
  perm.push(axis);
  return perm;
}

/** The inverse of {@link axisLastPermutation}: moves the last axis back to `axis`. */
export function axisBackPermutation(ndim: number, axis: number): number[] {
  const perm: number[] = [];
  for (let d = 0; d < ndim; d++) perm.push(d < axis ? d : d === axis ? ndim - 1 : d - 1);
  return perm;
}
