import assert from "node:assert/strict";
import fc from "fast-check";
import {
  allocForOverwrite,
  allocTyped,
  type DType,
  emptyStoragePool,
  matmul,
  ones,
  releaseStorage,
  setStorageAddressProbe,
  setStoragePoolLimit,
  spansBuffer,
  STORAGE_ALIGNMENT,
  STORAGE_POOL_MIN_BYTES,
  storagePoolLimit,
  storagePoolStats,
  takeStorage,
} from "./mod.ts";

const F32 = STORAGE_POOL_MIN_BYTES / 4;

/**
 * Runs `fn` with a probe that reports each buffer at `base + 16·k` (k counting buffers, as
 * `calloc`'s 16-byte steps place them), an empty pool, and everything restored afterwards.
 * Returns what the probe reported, buffer by buffer.
 */
function withFakeAddresses(
  fn: (seen: Map<ArrayBuffer, number>) => void,
  base = 0x7f00_0000_0010,
): Map<ArrayBuffer, number> {
  const seen = new Map<ArrayBuffer, number>();
  const before = storagePoolLimit();
  emptyStoragePool();
  setStoragePoolLimit(256 * STORAGE_POOL_MIN_BYTES);
  setStorageAddressProbe((buffer) => {
    const address = base + 16 * seen.size;
    seen.set(buffer, address);
    return address;
  });
  try {
    fn(seen);
  } finally {
    setStorageAddressProbe(null);
    emptyStoragePool();
    setStoragePoolLimit(before);
  }
  return seen;
}

Deno.test("with a probe, large storages start on a 64-byte boundary of the reported address", () => {
  const made: { data: Float32Array | Float64Array | Int32Array; dtype: DType }[] = [];
  const seen = withFakeAddresses(() => {
    for (const dtype of ["float32", "float64", "int32"] as DType[]) {
      for (let k = 0; k < 4; k++) made.push({ dtype, data: allocTyped(dtype, F32 + k) });
    }
    made.push({ dtype: "float32", data: allocForOverwrite("float32", 3 * F32) });
  });
  assert.equal(seen.size, made.length);
  for (const { data } of made) {
    const address = seen.get(data.buffer as ArrayBuffer)!;
    assert.equal((address + data.byteOffset) % STORAGE_ALIGNMENT, 0);
    assert.equal(data.buffer.byteLength, data.byteLength + STORAGE_ALIGNMENT);
    assert.ok(data.every((v) => v === 0));
    assert.equal(spansBuffer(data), true);
  }
  // 16, 32, 48 and 0 past a boundary: every offset the padding can take.
  assert.deepEqual(
    made.slice(0, 4).map(({ data }) => data.byteOffset),
    [48, 32, 16, 0],
  );
});

Deno.test("small storages and storages allocated without a probe are not padded", () => {
  withFakeAddresses(() => {
    const small = allocTyped("float32", F32 - 1);
    assert.equal(small.byteOffset, 0);
    assert.equal(small.buffer.byteLength, small.byteLength);
  });
  const plain = allocTyped("float32", F32);
  assert.equal(plain.byteOffset, 0);
  assert.equal(plain.buffer.byteLength, plain.byteLength);
});

Deno.test("an address that is not 8-aligned (or not a number) falls back to an unpadded storage", () => {
  for (const bad of [0x7f00_0000_0004, Number.NaN, 2 ** 60]) {
    withFakeAddresses(() => {
      const a = allocTyped("float32", F32);
      assert.deepEqual([a.byteOffset, a.buffer.byteLength], [0, a.byteLength]);
    }, bad);
  }
});

Deno.test("the pool takes an aligned storage back and hands it out at the same offset, to any dtype", () => {
  withFakeAddresses(() => {
    const a = allocTyped("float32", F32);
    const offset = a.byteOffset;
    assert.notEqual(offset, 0);
    a.fill(5);
    assert.equal(releaseStorage(a), true);
    assert.equal(a.length, 0);
    assert.deepEqual([storagePoolStats().arrays, storagePoolStats().bytes], [1, 4 * F32]);
    // The same bytes as float64: the offset (a multiple of 16) suits it.
    const b = takeStorage("float64", F32 / 2, false)!;
    assert.ok(b instanceof Float64Array);
    assert.equal(b.byteOffset, offset);
    assert.equal(new Float32Array(b.buffer, b.byteOffset, 2)[1], 5); // a's memory, unzeroed
    assert.equal(spansBuffer(b), true);
    assert.equal(releaseStorage(b), true); // and back again
    const c = allocTyped("int32", F32);
    assert.equal(c.byteOffset, offset);
    assert.ok(c.every((v) => v === 0));
  });
});

Deno.test("spansBuffer accepts whole buffers and nnc's padded ones, nothing else", () => {
  for (const bad of [null, 3, [1, 2], new DataView(new ArrayBuffer(8))]) {
    assert.throws(
      () => spansBuffer(bad as unknown as Float32Array),
      (e: unknown) =>
        e instanceof TypeError && /^spansBuffer: expected a typed array, got /.test(e.message),
    );
  }
  const whole = new Float32Array(F32);
  assert.equal(spansBuffer(whole), true);
  assert.equal(spansBuffer(whole.subarray(16)), false);
  assert.equal(spansBuffer(whole.subarray(0, F32 - 1)), false);
  // A user's buffer 64 bytes longer than its view, padded the same way: not nnc's, never taken.
  const foreign = new Float32Array(new ArrayBuffer(4 * F32 + STORAGE_ALIGNMENT), 16, F32);
  assert.equal(spansBuffer(foreign), false);
  assert.equal(releaseStorage(foreign), false);
  assert.equal(foreign.length, F32);
  withFakeAddresses(() => {
    const a = allocTyped("float32", F32);
    assert.equal(spansBuffer(a), true);
    assert.equal(spansBuffer(a.subarray(1)), false);
    assert.equal(releaseStorage(a.subarray(0, F32 - 16)), false);
    assert.equal(a.length, F32);
  });
});

Deno.test("products on aligned storages equal those on plain ones, and dispose recycles them", () => {
  const a = ones([128, 128]), b = ones([128, 128]);
  const plain = matmul(a, b).toArray();
  withFakeAddresses(() => {
    const c = matmul(a, b);
    assert.notEqual(c.data.byteOffset, 0);
    assert.deepEqual(c.toArray(), plain);
    const offset = c.data.byteOffset;
    assert.equal(c.dispose(), true);
    const d = matmul(a, b);
    assert.equal(d.data.byteOffset, offset); // c's memory again
    assert.deepEqual(d.toArray(), plain);
  });
});

Deno.test("any sequence of allocations and releases keeps every storage on its boundary", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          dtype: fc.constantFrom<DType>("float32", "float64", "int32"),
          blocks: fc.integer({ min: 1, max: 3 }),
          release: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      (steps) => {
        // Model of the pool: the byte offset of each released buffer, by its array's byte length.
        const released = new Map<number, number[]>();
        const seen = withFakeAddresses((seen) => {
          for (const { dtype, blocks, release } of steps) {
            const bytes = blocks * STORAGE_POOL_MIN_BYTES;
            const data = allocTyped(dtype, bytes / (dtype === "float64" ? 8 : 4));
            const address = seen.get(data.buffer as ArrayBuffer);
            if (address === undefined) {
              // Recycled (a transferred buffer, unseen by the probe): a released one's offset.
              const offsets = released.get(bytes) ?? [];
              assert.equal(offsets.pop(), data.byteOffset);
            } else {
              assert.equal((address + data.byteOffset) % STORAGE_ALIGNMENT, 0);
            }
            assert.ok(data.every((v) => v === 0));
            assert.equal(spansBuffer(data), true);
            data.fill(1);
            if (release) {
              const offset = data.byteOffset;
              assert.equal(releaseStorage(data), true);
              released.set(bytes, [...(released.get(bytes) ?? []), offset]);
            }
          }
        });
        assert.ok(seen.size >= 1);
      },
    ),
    { numRuns: 50 },
  );
});
