import assert from "node:assert/strict";
import {
  allocTyped,
  emptyStoragePool,
  recordAllocations,
  releaseStorage,
  setStoragePoolLimit,
  STORAGE_POOL_MIN_BYTES,
  storagePoolLimit,
  storagePoolStats,
  takeStorage,
} from "./mod.ts";

const MIB = STORAGE_POOL_MIN_BYTES;
const F32 = MIB / 4;

/** Runs `fn` with an empty pool of the given limit, restoring the limit afterwards. */
function withPool(limit: number, fn: () => void): void {
  const before = storagePoolLimit();
  emptyStoragePool();
  setStoragePoolLimit(limit);
  try {
    fn();
  } finally {
    emptyStoragePool();
    setStoragePoolLimit(before);
  }
}

Deno.test("a released array is handed out again, zero-filled, for the same byte length", () => {
  withPool(64 * MIB, () => {
    const a = allocTyped("float32", F32);
    a.fill(3);
    assert.equal(releaseStorage(a), true);
    assert.deepEqual(
      [storagePoolStats().arrays, storagePoolStats().bytes],
      [1, MIB],
    );
    const b = allocTyped("int32", F32); // same bytes, another dtype: the same memory
    assert.equal(b.buffer, a.buffer);
    assert.ok(b instanceof Int32Array);
    assert.equal(b.every((v) => v === 0), true);
    assert.equal(storagePoolStats().arrays, 0);
    assert.equal(takeStorage("float32", F32), null);
    assert.equal(allocTyped("float32", F32).buffer === a.buffer, false);
  });
});

Deno.test("the pool keeps only whole, large, unshared buffers, each once", () => {
  withPool(64 * MIB, () => {
    assert.equal(releaseStorage(new Float32Array(F32 - 1)), false); // below the minimum
    const big = new Float32Array(2 * F32);
    assert.equal(releaseStorage(big.subarray(F32)), false); // a view into part of a buffer
    assert.equal(releaseStorage(new Float32Array(new SharedArrayBuffer(MIB))), false);
    const a = new Float64Array(F32 / 2);
    assert.equal(releaseStorage(a), true);
    assert.equal(releaseStorage(a), false); // a second release must not list it twice
    assert.equal(storagePoolStats().arrays, 1);
    assert.equal(takeStorage("float64", F32 / 2)?.buffer, a.buffer);
    assert.equal(takeStorage("float64", F32 / 2), null);
  });
});

Deno.test("past the limit the oldest arrays are dropped; a lower limit drops at once", () => {
  withPool(3 * MIB, () => {
    const arrays = [1, 2, 3, 4].map(() => new Float32Array(F32));
    for (const a of arrays) assert.equal(releaseStorage(a), true);
    assert.equal(storagePoolStats().bytes, 3 * MIB);
    // Newest first out; the first one was evicted.
    assert.equal(takeStorage("float32", F32)?.buffer, arrays[3].buffer);
    assert.equal(takeStorage("float32", F32)?.buffer, arrays[2].buffer);
    assert.equal(takeStorage("float32", F32)?.buffer, arrays[1].buffer);
    assert.equal(takeStorage("float32", F32), null);
    for (const a of arrays) releaseStorage(a);
    setStoragePoolLimit(MIB);
    assert.equal(storagePoolStats().bytes, MIB);
    assert.equal(takeStorage("float32", F32)?.buffer, arrays[3].buffer);
    assert.equal(releaseStorage(new Float32Array(2 * F32)), false); // larger than the limit
  });
  withPool(0, () => assert.equal(releaseStorage(new Float32Array(F32)), false));
});

Deno.test("emptyStoragePool drops everything and counters track hits and releases", () => {
  withPool(64 * MIB, () => {
    const s0 = storagePoolStats();
    releaseStorage(new Float32Array(F32));
    releaseStorage(new Float32Array(2 * F32));
    allocTyped("float32", 2 * F32);
    const s1 = storagePoolStats();
    assert.equal(s1.releases - s0.releases, 2);
    assert.equal(s1.hits - s0.hits, 1);
    emptyStoragePool();
    assert.deepEqual([storagePoolStats().arrays, storagePoolStats().bytes], [0, 0]);
  });
});

Deno.test("allocation scopes note large arrays allocated while open, nested or not", () => {
  const before = allocTyped("float32", F32);
  const outer = recordAllocations();
  const a = allocTyped("float32", F32);
  const inner = recordAllocations();
  const b = allocTyped("float64", F32);
  const small = allocTyped("float32", 16);
  inner.close();
  inner.close(); // idempotent
  const c = allocTyped("int32", F32);
  outer.close();
  const after = allocTyped("float32", F32);
  assert.deepEqual([outer.has(before), outer.has(a), outer.has(b), outer.has(c)], [
    false,
    true,
    true,
    true,
  ]);
  assert.deepEqual([inner.has(a), inner.has(b), inner.has(c)], [false, true, false]);
  assert.equal(outer.has(small), false);
  assert.equal(outer.has(after), false);
});

Deno.test("setStoragePoolLimit and releaseStorage reject bad arguments by name", () => {
  assert.throws(
    () => setStoragePoolLimit(-1),
    /setStoragePoolLimit: bytes must be a non-negative integer, got -1/,
  );
  assert.throws(() => setStoragePoolLimit(1.5), /setStoragePoolLimit/);
  assert.throws(
    () => releaseStorage([1, 2] as unknown as Float32Array),
    /releaseStorage: expected a typed array/,
  );
});

Deno.test("takeStorage rejects a bad dtype or length by name", () => {
  assert.throws(() => takeStorage("float16" as "float32", 4), /takeStorage/);
  assert.throws(
    () => takeStorage("float32", -1),
    /takeStorage: length must be a non-negative integer, got -1/,
  );
});
