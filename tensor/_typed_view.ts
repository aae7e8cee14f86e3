/**
 * A typed array of a dtype over part of a buffer: the one switch from dtype to constructor that
 * the allocators, the storage pool and the safetensors writer share.
 *
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";

/** `length` elements of `dtype` from byte `byteOffset` of `buffer` (no copy). */
export function typedView(
  dtype: DType,
  buffer: ArrayBuffer,
  byteOffset: number,
  length: number,
): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, byteOffset, length);
    case "float64":
      return new Float64Array(buffer, byteOffset, length);
    case "int32":
      return new Int32Array(buffer, byteOffset, length);
  }
}
