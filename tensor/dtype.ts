/**
 * Element types of {@link NDArray} and the typed arrays that hold them.
 *
 * @module
 */
import { describe } from "./_describe.ts";
import {
  noteAllocation,
  recordingAllocations,
  STORAGE_POOL_MIN_BYTES,
  takeStorage,
} from "./storage_pool.ts";
import { allocAligned } from "./storage_alignment.ts";
import { typedView } from "./_typed_view.ts";

/** The element types an array can hold. `float32` is the default everywhere. */
export type DType = "float32" | "float64" | "int32";

/** The typed array behind a dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Every dtype, in promotion order (lowest first). */
export const DTYPES: readonly DType[] = ["int32", "float32", "float64"];

/**
 * Allocates a zero-filled typed array of the dtype. Large arrays come from the storage pool when
 * it holds one of the same size (see `releaseStorage`), and start 64-byte aligned when the native
 * backend is loaded (see `setStorageAddressProbe`).
 *
 * @example
 * ```ts
 * import { allocTyped } from "@nnc/tensor";
 * const a = allocTyped("float64", 3);
 * console.assert(a instanceof Float64Array && a.length === 3);
 * ```
 */
export function allocTyped(dtype: DType, length: number): TypedArray {
  return alloc(dtype, length, true, "allocTyped");
}

/**
 * A typed array for an output whose every element the caller is about to write (a kernel's
 * result): like {@link allocTyped}, but a buffer recycled from the storage pool is not zero-filled
 * first, which saves a pass over memory per large output. Its initial contents are unspecified
 * (zeros when fresh, old values when recycled), so never read an element before writing it.
 *
 * @example
 * ```ts
 * import { allocForOverwrite } from "@nnc/tensor";
 * const out = allocForOverwrite("float32", 4);
 * for (let i = 0; i < out.length; i++) out[i] = i * i;
 * console.assert(out.join() === "0,1,4,9");
 * ```
 */
export function allocForOverwrite(dtype: DType, length: number): TypedArray {
  return alloc(dtype, length, false, "allocForOverwrite");
}

function alloc(dtype: DType, length: number, zeroed: boolean, op: string): TypedArray {
  if (!Number.isSafeInteger(length) || length < 0 || length > 2 ** 31 - 1) {
    throw new RangeError(
      `${op}: length must be an integer in [0, 2^31-1], got ${describe(length)}`,
    );
  }
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") {
    throw new TypeError(
      `${op}: unknown dtype ${describe(dtype)}; expected float32, float64 or int32`,
    );
  }
  const bytes = length * (dtype === "float64" ? 8 : 4);
  if (bytes > 0 && bytes <= SMALL_BYTES) return allocSmall(dtype, length, bytes);
  if (bytes < STORAGE_POOL_MIN_BYTES) return allocFresh(dtype, length);
  const out = takeStorage(dtype, length, zeroed) ?? allocAligned(dtype, length) ??
    allocFresh(dtype, length);
  if (recordingAllocations()) noteAllocation(out);
  return out;
}

function allocFresh(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int32":
      return new Int32Array(length);
  }
}

// Arrays up to 16 KiB are carved from shared 64 KiB slabs: a fresh ArrayBuffer per small result
// costs more than the kernel that fills it (measured: 633 ns vs 40 ns for a 64-float array, most of
// it GC; a chain of 22 autograd ops on [128, 20], forward and backward, 150 → 112 µs when the limit
// rose from 512 B to 16 KiB, a VAE's latent arrays). Slab regions are never reused, so every new
// array starts zero-filled; a slab lives as long as any array carved from it, so a kept array pins
// at most 64 KiB, whatever its size.
const SMALL_BYTES = 16384;
const SLAB_BYTES = 1 << 16;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function allocSmall(dtype: DType, length: number, bytes: number): TypedArray {
  let at = (slabUsed + 7) & ~7;
  if (at + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    at = 0;
  }
  slabUsed = at + bytes;
  return typedView(dtype, slab, at, length);
}

/**
 * The dtype of a typed array, or a `TypeError` when it is not one nnc supports.
 *
 * @example
 * ```ts
 * import { dtypeOf } from "@nnc/tensor";
 * console.assert(dtypeOf(new Int32Array(2)) === "int32");
 * ```
 */
export function dtypeOf(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  const name = ArrayBuffer.isView(data) ? data.constructor.name : describe(data);
  throw new TypeError(
    `dtypeOf: unsupported ${name}; expected a Float32Array, Float64Array or Int32Array`,
  );
}

/**
 * Checks that a value names a dtype, throwing a `TypeError` that names the op otherwise.
 *
 * @example
 * ```ts
 * import { checkDType } from "@nnc/tensor";
 * console.assert(checkDType("float64", "zeros") === "float64");
 * ```
 */
export function checkDType(value: unknown, op: string): DType {
  if (value === "float32" || value === "float64" || value === "int32") return value;
  throw new TypeError(
    `${op}: unknown dtype ${describe(value)}; expected one of ${DTYPES.join(", ")}`,
  );
}

/**
 * The dtype two operands promote to: the wider of the two, ints below floats (as NumPy/PyTorch).
 *
 * @example
 * ```ts
 * import { promoteTypes } from "@nnc/tensor";
 * console.assert(promoteTypes("int32", "float32") === "float32");
 * console.assert(promoteTypes("float32", "float64") === "float64");
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/**
 * True for `float32` and `float64`.
 *
 * @example
 * ```ts
 * import { isFloat } from "@nnc/tensor";
 * console.assert(isFloat("float32") && !isFloat("int32"));
 * ```
 */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}

/**
 * Bytes per element of a dtype.
 *
 * @example
 * ```ts
 * import { itemSize } from "@nnc/tensor";
 * console.assert(itemSize("float64") === 8);
 * ```
 */
export function itemSize(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}
