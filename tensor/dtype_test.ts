import assert from "node:assert/strict";
import { allocForOverwrite, allocTyped, checkDType } from "./dtype.ts";
import { releaseStorage } from "./storage_pool.ts";

Deno.test("checkDType names the op and describes any value, a BigInt too", () => {
  assert.equal(checkDType("int32", "zeros"), "int32");
  assert.throws(
    () => checkDType(3n, "zeros"),
    /^TypeError: zeros: unknown dtype 3; expected one of int32, float32, float64$/,
  );
});

Deno.test("arrays up to 16 KiB are disjoint zeroed views of shared 64 KiB slabs; larger ones own their buffer", () => {
  const small = [0, 1, 2, 3, 4, 5].map(() => allocForOverwrite("float32", 4096)); // 16 KiB each
  for (const a of small) {
    assert.equal(a.buffer.byteLength, 1 << 16);
    assert.equal(a.byteOffset % 8, 0);
    assert.ok(a.every((v) => v === 0)); // slab regions are never reused: zeroed even for overwrite
  }
  // Views of one slab never overlap; writing one leaves the others as they were.
  for (let i = 0; i < small.length; i++) {
    for (let j = i + 1; j < small.length; j++) {
      const [a, b] = [small[i], small[j]];
      if (a.buffer !== b.buffer) continue;
      assert.ok(
        a.byteOffset + a.byteLength <= b.byteOffset || b.byteOffset + b.byteLength <= a.byteOffset,
      );
    }
  }
  small[0].fill(7);
  assert.ok(small.slice(1).every((a) => a.every((v) => v === 0)));
  // A slab view is not the pool's to take: it stays readable.
  assert.equal(releaseStorage(small[0]), false);
  assert.equal(small[0][4095], 7);
  // One element more, and the array is a buffer of its own.
  const large = allocTyped("float32", 4097);
  assert.equal(large.byteOffset, 0);
  assert.equal(large.buffer.byteLength, 4097 * 4);
});
