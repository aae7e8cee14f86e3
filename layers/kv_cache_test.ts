import assert from "node:assert/strict";
import { assertClose } from "@nnc/tensor";
import { arange, zeros } from "@nnc/autograd";
import { KVCache } from "./mod.ts";

Deno.test("KVCache grows along positions; a static cache keeps its first contents", () => {
  const c = new KVCache();
  assert.ok(c.empty && c.length === 0 && c.keys === null);
  c.update(zeros([1, 2, 3, 4]), zeros([1, 2, 3, 5]));
  const [k, v] = c.update(zeros([1, 2, 2, 4]), zeros([1, 2, 2, 5]));
  assert.deepEqual([k.shape, v.shape, c.length], [[1, 2, 5, 4], [1, 2, 5, 5], 5]);
  const s = new KVCache({ static: true });
  s.update(zeros([1, 2, 3, 4]), zeros([1, 2, 3, 4]));
  s.update(zeros([1, 2, 1, 4]), zeros([1, 2, 1, 4]));
  assert.equal(s.length, 3);
  c.clear();
  assert.ok(c.empty);
});

Deno.test("KVCache.select reorders the batch (beam search keeps and repeats hypotheses)", () => {
  const c = new KVCache();
  const k = arange(3).reshape(3, 1, 1, 1);
  c.update(k, k.mul(10));
  c.select([2, 2, 0]);
  assertClose(c.keys!.data.reshape(3), [2, 2, 0]);
  assertClose(c.values!.data.reshape(3), [20, 20, 0]);
});

Deno.test("KVCache: errors name the method and the shapes", () => {
  const c = new KVCache();
  assert.throws(
    () => c.update(zeros([1, 2, 3]), zeros([1, 2, 3])),
    /KVCache.update: keys must be a 4-d Tensor/,
  );
  assert.throws(
    () => c.update(zeros([1, 2, 3, 4]), zeros([1, 2, 2, 4])),
    /keys \[1, 2, 3, 4\] and values \[1, 2, 2, 4\] differ in \[N, H, t\]/,
  );
  c.update(zeros([1, 2, 3, 4]), zeros([1, 2, 3, 4]));
  assert.throws(
    () => c.update(zeros([1, 3, 1, 4]), zeros([1, 3, 1, 4])),
    /new keys \[1, 3, 1, 4\] do not extend the cached \[1, 2, 3, 4\]/,
  );
});
