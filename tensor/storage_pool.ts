/**
 * The storage pool: large typed arrays that nothing references any more, kept for reuse by
 * `allocTyped` instead of being left to the garbage collector.
 *
 * Why: a training step allocates the same large buffers every time (activations, gradients), and
 * the collector frees dead `ArrayBuffer`s only after a full mark-compact, which V8 finishes hundreds
 * of milliseconds after it starts when JavaScript runs without pause. Meanwhile every step asks the
 * system for fresh, zeroed pages (a page fault each 4 KiB). Autograd knows exactly when a gradient
 * it made has been consumed, and hands such buffers back with {@link releaseStorage}; the next
 * allocation of the same size takes one from here, zero-filled, like PyTorch's caching allocators.
 *
 * Only arrays of at least {@link STORAGE_POOL_MIN_BYTES} that own their whole `ArrayBuffer` (an
 * aligned storage's padding included: `spansBuffer`) are kept, at most {@link storagePoolLimit} bytes in total (the oldest go first).
 *
 * @module
 */
import { checkDType, type DType, type TypedArray } from "./dtype.ts";
import { describe } from "./_describe.ts";
import { markPadded, spansBuffer } from "./storage_alignment.ts";
import { typedView } from "./_typed_view.ts";

/**
 * Smallest array the pool keeps, in bytes (64 KiB). Smaller ones are cheap to allocate afresh;
 * from about this size V8's zero-filled fresh buffers cost a measurable share of the kernel that
 * fills them (a 256×256 float32 product at 1 thread: 123–128 GFLOP/s with fresh outputs, 129–133
 * with recycled ones).
 */
export const STORAGE_POOL_MIN_BYTES: number = 1 << 16;

/** Counters of the pool, from {@link storagePoolStats}. */
export interface StoragePoolStats {
  /** Arrays held now. */
  arrays: number;
  /** Bytes held now. */
  bytes: number;
  /** The most bytes the pool holds ({@link setStoragePoolLimit}). */
  limitBytes: number;
  /** Allocations served from the pool since start-up. */
  hits: number;
  /** Arrays given back with {@link releaseStorage} and kept. */
  releases: number;
}

/**
 * The pool's default limit, in bytes (1 GiB): room for a step's activations and gradients of a
 * ResNet-20 on batches of 128 (about 300 MiB between steps; with the earlier 256 MiB its last
 * stage's arrays were evicted every step and allocated afresh), while PyTorch's caching allocator
 * keeps everything it freed.
 *
 * @example
 * ```ts
 * import { STORAGE_POOL_DEFAULT_LIMIT, storagePoolLimit } from "@nnc/tensor";
 * console.assert(STORAGE_POOL_DEFAULT_LIMIT === 2 ** 30 && storagePoolLimit() <= 2 ** 30);
 * ```
 */
export const STORAGE_POOL_DEFAULT_LIMIT: number = 2 ** 30;

let limitBytes = STORAGE_POOL_DEFAULT_LIMIT;
let heldBytes = 0;
let hits = 0;
let releases = 0;
/** A kept buffer and where its array starts in it (0, or an aligned storage's offset). */
interface Held {
  buffer: ArrayBuffer;
  offset: number;
  bytes: number;
}
// Free buffers by the byte length of their arrays, each list oldest first; `order` is every
// buffer oldest first, for eviction when the limit is reached.
const byLength = new Map<number, Held[]>();
const order: Held[] = [];

/**
 * Gives back a typed array that nothing references any more (no array, view or variable), so
 * that the next allocation of the same size reuses its memory. Returns whether the pool kept it:
 * arrays below {@link STORAGE_POOL_MIN_BYTES}, views of part of a buffer, shared or resizable
 * buffers, and arrays past the limit are left to the garbage collector.
 *
 * The caller guarantees that nothing uses the array afterwards: its contents will be overwritten.
 * A kept array's buffer is detached (its memory moves, uncopied, to a new `ArrayBuffer` that only
 * the pool can reach), so every array and view over it reads as empty from then on: a caller that
 * broke the promise sees length 0, never another tensor's values. Autograd calls this for
 * gradients it made and consumed and for graph-owned values; most code never needs to.
 *
 * @example
 * ```ts
 * import { allocTyped, releaseStorage } from "@nnc/tensor";
 * const scratch = allocTyped("float32", 1 << 20);
 * scratch.fill(7);
 * console.assert(releaseStorage(scratch));
 * console.assert(scratch.length === 0); // detached
 * const again = allocTyped("float32", 1 << 20); // the same memory, zero-filled
 * console.assert(again.length === 1 << 20 && again[0] === 0);
 * ```
 */
export function releaseStorage(data: TypedArray): boolean {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    throw new TypeError(`releaseStorage: expected a typed array, got ${describe(data)}`);
  }
  const buffer = data.buffer;
  const bytes = data.byteLength;
  const offset = data.byteOffset; // read before the transfer detaches `data`
  if (
    bytes < STORAGE_POOL_MIN_BYTES || bytes > limitBytes || !(buffer instanceof ArrayBuffer) ||
    buffer.resizable || !spansBuffer(data)
  ) return false;
  let moved: ArrayBuffer;
  try {
    moved = buffer.transfer();
  } catch {
    return false; // not detachable (a WebAssembly memory's buffer): left to its owner
  }
  // The transfer moves the memory, address and all, so an aligned array's offset stays aligned.
  if (moved.byteLength !== bytes) markPadded(moved);
  while (heldBytes + bytes > limitBytes) evictOldest();
  const held: Held = { buffer: moved, offset, bytes };
  let list = byLength.get(bytes);
  if (list === undefined) byLength.set(bytes, list = []);
  list.push(held);
  order.push(held);
  heldBytes += bytes;
  releases++;
  return true;
}

/**
 * A typed array from the pool, or null when it holds none of this size: zero-filled, unless
 * `zeroed` is false (then it keeps whatever its last user wrote, for callers that overwrite every
 * element). Used by `allocTyped` and `allocForOverwrite`; call those instead.
 *
 * @example
 * ```ts
 * import { releaseStorage, takeStorage } from "@nnc/tensor";
 * const a = new Float64Array(1 << 18).fill(2.5);
 * releaseStorage(a);
 * console.assert(takeStorage("float64", 1 << 18, false)?.[0] === 2.5); // a's memory, unzeroed
 * ```
 */
export function takeStorage(dtype: DType, length: number, zeroed = true): TypedArray | null {
  checkDType(dtype, "takeStorage");
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(
      `takeStorage: length must be a non-negative integer, got ${describe(length)}`,
    );
  }
  const bytes = length * (dtype === "float64" ? 8 : 4);
  const list = bytes >= STORAGE_POOL_MIN_BYTES ? byLength.get(bytes) : undefined;
  if (list === undefined || list.length === 0) return null;
  // Newest first: its pages are the likeliest to be in cache.
  const held = list.pop() as Held;
  if (list.length === 0) byLength.delete(bytes);
  order.splice(order.lastIndexOf(held), 1);
  heldBytes -= bytes;
  hits++;
  const out = typedView(dtype, held.buffer, held.offset, length);
  if (zeroed) out.fill(0);
  return out;
}

function evictOldest(): void {
  const held = order.shift() as Held;
  const list = byLength.get(held.bytes) as Held[];
  list.splice(list.indexOf(held), 1);
  if (list.length === 0) byLength.delete(held.bytes);
  heldBytes -= held.bytes;
}

/**
 * Sets the most bytes the pool holds (default {@link STORAGE_POOL_DEFAULT_LIMIT}, 1 GiB); 0 turns it off. Arrays beyond a smaller
 * new limit are dropped at once (left to the garbage collector).
 *
 * @example
 * ```ts
 * import { setStoragePoolLimit, storagePoolLimit } from "@nnc/tensor";
 * const before = storagePoolLimit();
 * setStoragePoolLimit(64 * 2 ** 20);
 * console.assert(storagePoolLimit() === 64 * 2 ** 20);
 * setStoragePoolLimit(before);
 * ```
 */
export function setStoragePoolLimit(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(
      `setStoragePoolLimit: bytes must be a non-negative integer, got ${describe(bytes)}`,
    );
  }
  limitBytes = bytes;
  while (heldBytes > limitBytes) evictOldest();
}

/**
 * The most bytes the pool holds.
 *
 * @example
 * ```ts
 * import { storagePoolLimit } from "@nnc/tensor";
 * console.assert(storagePoolLimit() >= 0);
 * ```
 */
export function storagePoolLimit(): number {
  return limitBytes;
}

/**
 * Drops every array the pool holds (PyTorch's `empty_cache`), e.g. after training, before work
 * of other sizes.
 *
 * @example
 * ```ts
 * import { emptyStoragePool, releaseStorage, storagePoolStats } from "@nnc/tensor";
 * releaseStorage(new Float32Array(1 << 20));
 * emptyStoragePool();
 * console.assert(storagePoolStats().bytes === 0);
 * ```
 */
export function emptyStoragePool(): void {
  while (order.length > 0) evictOldest();
}

/**
 * What the pool holds and has done.
 *
 * @example
 * ```ts
 * import { storagePoolStats } from "@nnc/tensor";
 * const s = storagePoolStats();
 * console.assert(s.bytes <= s.limitBytes);
 * ```
 */
export function storagePoolStats(): StoragePoolStats {
  return { arrays: order.length, bytes: heldBytes, limitBytes, hits, releases };
}

/**
 * Which large arrays were allocated while a scope is open: autograd opens one for a backward pass,
 * so that only buffers it made itself, never a user's or a forward value, can go back to the pool.
 */
export interface AllocationScope {
  /** Whether `data` was allocated by `allocTyped` while this scope was open. */
  has(data: TypedArray): boolean;
  /** Stops recording (idempotent). */
  close(): void;
}

const openScopes: WeakSet<TypedArray>[] = [];

/**
 * Opens an {@link AllocationScope}: until it is closed, `allocTyped` notes every array of at
 * least {@link STORAGE_POOL_MIN_BYTES} it returns (weakly: the scope keeps nothing alive).
 *
 * @example
 * ```ts
 * import { allocTyped, recordAllocations } from "@nnc/tensor";
 * const before = allocTyped("float32", 1 << 20);
 * const scope = recordAllocations();
 * const inside = allocTyped("float32", 1 << 20);
 * scope.close();
 * console.assert(scope.has(inside) && !scope.has(before));
 * ```
 */
export function recordAllocations(): AllocationScope {
  const seen = new WeakSet<TypedArray>();
  openScopes.push(seen);
  let open = true;
  return {
    has: (data) => seen.has(data),
    close: () => {
      if (!open) return;
      open = false;
      openScopes.splice(openScopes.lastIndexOf(seen), 1);
    },
  };
}

/** Notes a fresh large array in every open scope (called by `allocTyped`; not re-exported). */
export function noteAllocation(data: TypedArray): void {
  for (let i = 0; i < openScopes.length; i++) openScopes[i].add(data);
}

/** Whether any {@link AllocationScope} is open (for `allocTyped`; not re-exported). */
export function recordingAllocations(): boolean {
  return openScopes.length > 0;
}
