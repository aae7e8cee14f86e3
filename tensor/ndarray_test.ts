import assert from "node:assert/strict";
import fc from "fast-check";
import * as nnc from "./mod.ts";
import { arange, array, NDArray, Storage, zeros } from "./mod.ts";

Deno.test("views share storage and index correctly", () => {
  const a = arange(24).reshape(2, 3, 4);
  assert.deepEqual(a.strides, [12, 4, 1]);
  const t = a.permute(2, 0, 1);
  assert.equal(t.storage, a.storage);
  assert.deepEqual(t.shape, [4, 2, 3]);
  assert.equal(t.get(3, 1, 2), a.get(1, 2, 3));
  assert.equal(a.transpose().get(3, 2, 1), 23);
  assert.deepEqual(a.slice(1, { start: 1 }, { step: 2 }).toArray(), [[16, 18], [20, 22]]);
  assert.deepEqual(a.slice(0, 0, { step: -1 }).toArray(), [3, 2, 1, 0]);
  assert.deepEqual(a.slice(0, { start: -1, stop: -4, step: -1 }, 0).toArray(), [8, 4, 0]);
  assert.deepEqual(a.slice(0, { start: -1, stop: -3, step: -1 }, 0).toArray(), [8, 4]);
  assert.deepEqual(arange(5).flip().toArray(), [4, 3, 2, 1, 0]);
  assert.deepEqual(array([1, 2]).expand(3, 2).toArray(), [[1, 2], [1, 2], [1, 2]]);
  assert.deepEqual(array([[1], [2]]).expand(-1, 3).strides, [1, 0]);
  assert.deepEqual(zeros([2, 1, 3, 1]).squeeze().shape, [2, 3]);
  assert.deepEqual(zeros([2, 1, 3, 1]).squeeze(1).shape, [2, 3, 1]);
  assert.deepEqual(zeros([2, 3]).unsqueeze(-1).shape, [2, 3, 1]);
  assert.deepEqual(zeros([2, 3, 4]).flatten(1).shape, [2, 12]);
  assert.deepEqual(a.reshape(-1, 6).shape, [4, 6]);
});

Deno.test("reshape copies only when the view is not contiguous", () => {
  const a = arange(6).reshape(2, 3);
  assert.equal(a.reshape(3, 2).storage, a.storage);
  const t = a.T;
  assert.equal(t.isContiguous, false);
  const r = t.reshape(6);
  assert.notEqual(r.storage, a.storage);
  assert.deepEqual(r.toArray(), [0, 3, 1, 4, 2, 5]);
  assert.equal(a.contiguous(), a);
  assert.notEqual(a.clone().storage, a.storage);
});

Deno.test("item, get, astype and fromTyped", () => {
  assert.equal(array([[7]]).item(), 7);
  assert.equal(array([1, 2, 3]).slice(2).item(), 3);
  assert.deepEqual(array([1.9, -1.9]).astype("int32").toArray(), [1, -1]);
  const x = NDArray.fromTyped(new Float64Array([1, 2, 3, 4]), [2, 2]);
  assert.equal(x.dtype, "float64");
  assert.equal(new Storage(new Int32Array(3)).dtype, "int32");
});

Deno.test("bad view arguments name the op and the value", () => {
  const a = arange(6).reshape(2, 3);
  assert.throws(
    () => a.reshape(4, 2),
    /reshape: cannot reshape array of size 6 into shape \[4, 2\]/,
  );
  assert.throws(() => a.permute(0, 0), /permute: \[0, 0\] is not a permutation/);
  assert.throws(() => a.transpose(0, 5), /transpose: axis 5 is out of range/);
  assert.throws(() => a.expand(3, 3), /expand: cannot expand \[2, 3\] to \[3, 3\]/);
  assert.throws(() => a.squeeze(0), /squeeze: axis 0 of \[2, 3\] has size 2, expected 1/);
  assert.throws(() => a.slice(2), /slice: index 2 is out of range for axis 0 of size 2/);
  assert.throws(() => a.slice(null, { step: 0 }), /slice: step must be a non-zero integer/);
  assert.throws(
    () => array([1, 2]).item(),
    /item: expected an array with one element, got shape \[2\]/,
  );
  assert.throws(() => NDArray.fromTyped(new Float32Array(3), [2, 2]), /needs 4 elements, got 3/);
});

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

Deno.test("property: permute then inverse permute is the identity view", () => {
  fc.assert(fc.property(shapeArb, fc.integer(), (shape, seed) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const a = arange(size).reshape(shape);
    const perm = [...shape.keys()];
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.abs(seed + i * 7919) % (i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const inv = perm.map((_, i) => perm.indexOf(i));
    const back = a.permute(perm).permute(inv);
    assert.deepEqual(back.strides, a.strides);
    assert.deepEqual(back.toArray(), a.toArray());
    // a permuted view read element by element equals its contiguous copy
    assert.deepEqual(a.permute(perm).contiguous().toArray(), a.permute(perm).toArray());
  }));
});

Deno.test("property: reshape round trip and views vs copies", () => {
  fc.assert(fc.property(shapeArb, (shape) => {
    const size = shape.reduce((p, d) => p * d, 1);
    const a = arange(size).reshape(shape);
    const flat = a.reshape(-1);
    assert.equal(flat.storage, a.storage);
    assert.deepEqual(flat.reshape(shape).toArray(), a.toArray());
    // Writing through a view is visible in the base; writing into a clone is not.
    const view = a.reshape(-1);
    view.data[view.offset] = -1;
    assert.equal(a.reshape(-1).get(0), -1);
    const copy = a.clone();
    copy.data[0] = -2;
    assert.equal(a.reshape(-1).get(0), -1);
  }));
});

Deno.test("transpose of a 0-d array along axis 0 or -1 is the array; other axes name transpose", () => {
  const x = array(3);
  assert.deepEqual([x.transpose(0, -1).shape, x.transpose(-1).item()], [[], 3]);
  assert.throws(() => x.transpose(1), /^RangeError: transpose: axis 1 is out of range/);
});

Deno.test("dispose gives a whole array's memory to the pool; every view of it then throws", () => {
  const { emptyStoragePool, matmul, rand, Rng, storagePoolStats } = nnc;
  emptyStoragePool();
  const rng = new Rng(3);
  const a = rand([256, 128], { rng }), b = rand([128, 256], { rng });
  const c = matmul(a, b);
  const view = c.reshape(-1), t = c.transpose();
  const want = c.toArray();
  const before = storagePoolStats();
  assert.equal(t.dispose(), true); // spans its whole storage: c's memory goes with it
  assert.equal(storagePoolStats().releases - before.releases, 1);
  for (const x of [c, view, t]) {
    assert.equal(x.disposed, true);
    assert.throws(() => x.toArray(), /memory of this float32 \[.*\] array was given back/);
    assert.throws(() => nnc.add(x, 1), TypeError);
    assert.throws(() => matmul(x, x.transpose()), TypeError);
  }
  assert.equal(c.dispose(), false); // already given back
  // The next product of that size takes the memory back and overwrites it.
  const again = matmul(a, b);
  assert.equal(storagePoolStats().hits - before.hits, 1);
  assert.deepEqual(again.toArray(), want);
  emptyStoragePool();
});

Deno.test("dispose keeps what it must: slices, broadcasts, small arrays stay readable", () => {
  const { emptyStoragePool, ones, STORAGE_POOL_MIN_BYTES } = nnc;
  emptyStoragePool();
  const n = STORAGE_POOL_MIN_BYTES / 4;
  const a = ones([2, n]);
  assert.equal(a.slice(0).dispose(), false); // one row: the parent lives on
  assert.equal(a.disposed, false);
  const row = ones([n]);
  assert.equal(row.expand(4, n).dispose(), false); // a broadcast spans more than its storage
  const small = ones([n - 1]);
  assert.equal(small.dispose(), false); // below the pool's minimum: left to the collector
  assert.deepEqual([a.sum().item(), row.sum().item(), small.sum().item()], [2 * n, n, n - 1]);
  assert.equal(zeros([0, 3]).disposed, false); // empty arrays have no memory to give back
  emptyStoragePool();
});

Deno.test("`using` disposes at the end of the block; results are the same with and without", () => {
  const { emptyStoragePool, matmul, rand, Rng, storagePoolStats } = nnc;
  emptyStoragePool();
  const rng = new Rng(5);
  const a = rand([128, 256], { rng }), b = rand([256, 128], { rng });
  const kept: number[][] = [];
  let outer: NDArray | null = null;
  for (let i = 0; i < 4; i++) {
    using c = matmul(a, b.mul(i + 1));
    kept.push(Array.from(c.data.subarray(0, 8)));
    outer = c;
  }
  assert.equal(outer!.disposed, true);
  assert.ok(storagePoolStats().hits >= 3);
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(kept[i], Array.from(matmul(a, b.mul(i + 1)).data.subarray(0, 8)));
  }
  emptyStoragePool();
});
