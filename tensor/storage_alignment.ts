/**
 * Cache-line alignment of large storages.
 *
 * Why: V8 places a large `ArrayBuffer`'s memory where `calloc` puts it, 16 bytes past a page start
 * for a fresh mapping and anywhere 16-aligned on the heap, so a 64-byte vector load from the start
 * of a row straddles two cache lines. OpenBLAS's sgemm with its AVX-512 kernels ran 2 % slower on
 * such operands than on 64-byte-aligned ones (1024² at 1 thread, the two operand sets alternating
 * in one process: 244–249 against 249–254 GFLOP/s; at 2 threads 424–449 against 428–459), which
 * is why PyTorch's CPU allocator aligns to 64 bytes. A script cannot see an address, so alignment
 * needs a probe that can: the native backend installs one ({@link setStorageAddressProbe}) when it
 * registers; without one (a browser, the JS or wasm backends alone) storages are allocated as
 * before.
 *
 * An aligned storage is a typed array at an offset of 0–63 bytes into an `ArrayBuffer` 64 bytes
 * longer than the array; {@link spansBuffer} treats it as owning its whole buffer, so the storage
 * pool and `dispose` take it back like any other.
 *
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";
import { describe } from "./_describe.ts";
import { typedView } from "./_typed_view.ts";

/** The alignment of large storages' first element, in bytes, when a probe is installed. */
export const STORAGE_ALIGNMENT = 64;

/**
 * Where an `ArrayBuffer`'s memory starts, as the native backend can tell: its address, or that
 * address modulo any multiple of {@link STORAGE_ALIGNMENT}.
 */
export type AddressProbe = (buffer: ArrayBuffer) => number;

let probe: AddressProbe | null = null;
// Marks a buffer allocated here with its padding (the one view over it that spansBuffer accepts).
// A property, not a WeakSet: with the buffers as a WeakSet's keys V8 left dead ones unfreed far
// longer (measured: a loop adding 25 MB arrays peaked at 3.4 GB resident, 0.67 GB with the
// property, 0.5 GB unaligned; W-GCN's peak 532 → 774 MB, back to 567–573 with the property).
const PADDED: unique symbol = Symbol("nnc.padded");
type Marked = ArrayBufferLike & { [PADDED]?: true };

/**
 * Marks a buffer as one of ours with its padding: those `allocAligned` makes, and those the pool
 * moves a padded buffer's memory into when it keeps one (`ArrayBuffer.transfer`). For the storage
 * pool; not re-exported.
 */
export function markPadded(buffer: ArrayBuffer): void {
  Object.defineProperty(buffer, PADDED, { value: true });
}

/**
 * Installs (or, with null, removes) the function that tells where a buffer's memory starts; from
 * then on large storages (`STORAGE_POOL_MIN_BYTES` and up) are allocated 64-byte aligned. The
 * native backend installs one through Deno's FFI; most code never calls this.
 *
 * @example
 * ```ts
 * import { allocTyped, setStorageAddressProbe, STORAGE_ALIGNMENT } from "@nnc/tensor";
 * // A probe that claims every buffer starts 16 bytes past an aligned address:
 * setStorageAddressProbe(() => 16);
 * const a = allocTyped("float32", 1 << 16);
 * console.assert(a.byteOffset === STORAGE_ALIGNMENT - 16 && a.length === 1 << 16);
 * setStorageAddressProbe(null);
 * ```
 */
export function setStorageAddressProbe(addressOf: AddressProbe | null): void {
  if (addressOf !== null && typeof addressOf !== "function") {
    throw new TypeError(
      `setStorageAddressProbe: expected a function or null, got ${describe(addressOf)}`,
    );
  }
  probe = addressOf;
}

/**
 * The probe {@link setStorageAddressProbe} installed, or null (then storages are not padded).
 *
 * @example
 * ```ts
 * import { setStorageAddressProbe, storageAddressProbe } from "@nnc/tensor";
 * const before = storageAddressProbe();
 * setStorageAddressProbe(() => 0);
 * console.assert(storageAddressProbe() !== null);
 * setStorageAddressProbe(before);
 * ```
 */
export function storageAddressProbe(): AddressProbe | null {
  return probe;
}

/**
 * A fresh, zero-filled typed array whose first element is 64-byte aligned, or null when no probe
 * is installed (then allocate as usual). For `allocTyped`; not re-exported.
 */
export function allocAligned(dtype: DType, length: number): TypedArray | null {
  if (probe === null) return null;
  const size = dtype === "float64" ? 8 : 4;
  const buffer = new ArrayBuffer(length * size + STORAGE_ALIGNMENT);
  const address = probe(buffer);
  // 8-aligned, so that the offset suits every dtype when the pool hands the buffer on.
  if (!Number.isSafeInteger(address) || address % 8 !== 0) return null;
  const offset = (STORAGE_ALIGNMENT - address % STORAGE_ALIGNMENT) % STORAGE_ALIGNMENT;
  markPadded(buffer);
  return typedView(dtype, buffer, offset, length);
}

/**
 * Whether a typed array spans all of its buffer (counting an aligned storage's padding as part
 * of it): only such an array may hand its buffer to the storage pool.
 *
 * @example
 * ```ts
 * import { spansBuffer } from "@nnc/tensor";
 * const a = new Float32Array(8);
 * console.assert(spansBuffer(a) && !spansBuffer(a.subarray(1)));
 * ```
 */
export function spansBuffer(data: TypedArray): boolean {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    throw new TypeError(`spansBuffer: expected a typed array, got ${describe(data)}`);
  }
  const buffer = data.buffer;
  return buffer.byteLength === data.byteLength
    ? data.byteOffset === 0
    : buffer.byteLength === data.byteLength + STORAGE_ALIGNMENT &&
      (buffer as Marked)[PADDED] === true;
}
