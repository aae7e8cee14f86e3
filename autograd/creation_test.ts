import assert from "node:assert/strict";
import { array, Rng } from "@nnc/tensor";
import * as ag from "./mod.ts";

Deno.test("tensor(): from nested arrays, typed arrays and NDArrays, with dtype and requiresGrad", () => {
  const a = ag.tensor([[1, 2], [3, 4]], { dtype: "float64", requiresGrad: true });
  assert.deepEqual([a.shape, a.dtype, a.requiresGrad, a.isLeaf], [[2, 2], "float64", true, true]);
  const buf = new Float32Array([1, 2, 3, 4, 5, 6]);
  const b = ag.tensor(buf, { shape: [2, 3] });
  assert.equal(b.data.data, buf); // wrapped, not copied
  const nd = array([1, 2]);
  assert.equal(ag.tensor(nd).data, nd);
  assert.equal(ag.tensor(nd, { dtype: "float64" }).dtype, "float64");
  assert.equal(ag.tensor(3).item(), 3);
});

Deno.test("filled, range and random creation", () => {
  assert.deepEqual(ag.zeros([2], { requiresGrad: true }).toArray(), [0, 0]);
  assert.deepEqual(ag.ones([2, 1]).toArray(), [[1], [1]]);
  assert.deepEqual(ag.full([2], 7, { dtype: "int32" }).toArray(), [7, 7]);
  assert.deepEqual(ag.arange(3).toArray(), [0, 1, 2]);
  assert.deepEqual(ag.linspace(0, 1, 3).toArray(), [0, 0.5, 1]);
  assert.deepEqual(ag.eye(2).toArray(), [[1, 0], [0, 1]]);
  const x = ag.tensor([1, 2], { dtype: "float64" });
  assert.deepEqual([ag.zerosLike(x).dtype, ag.onesLike(x).toArray(), ag.fullLike(x, 2).toArray()], [
    "float64",
    [1, 1],
    [2, 2],
  ]);
  assert.deepEqual(
    ag.randn([3], { rng: new Rng(1) }).toArray(),
    ag.randn([3], { rng: new Rng(1) }).toArray(),
  );
  assert.ok(
    (ag.rand([50], { rng: new Rng(2), low: 2, high: 3 }).toArray() as number[]).every((v) =>
      v >= 2 && v < 3
    ),
  );
  assert.equal(ag.randint(0, 4, [5], { rng: new Rng(3) }).dtype, "int32");
  assert.equal(ag.empty([2, 3]).size, 6);
});

Deno.test("creation errors", () => {
  assert.throws(
    () => ag.zeros([2], { dtype: "int32", requiresGrad: true }),
    /zeros: only float32 and float64 tensors can require gradients/,
  );
  assert.throws(
    () => ag.tensor(ag.tensor([1]) as unknown as number[]),
    /tensor: data is already a Tensor/,
  );
  assert.throws(() => ag.zeros([-1]), /zeros: invalid shape/);
});

Deno.test("creation functions name themselves for int tensors that require grad, bad values, shapes", () => {
  for (
    const [name, make] of [
      ["zeros", () => ag.zeros([2], { dtype: "int32", requiresGrad: true })],
      ["ones", () => ag.ones([2], { dtype: "int32", requiresGrad: true })],
      ["empty", () => ag.empty([2], { dtype: "int32", requiresGrad: true })],
      ["full", () => ag.full([2], 1, { dtype: "int32", requiresGrad: true })],
      ["eye", () => ag.eye(2, 2, { dtype: "int32", requiresGrad: true })],
      ["arange", () => ag.arange(0, 3, 1, { dtype: "int32", requiresGrad: true })],
      ["zerosLike", () => ag.zerosLike(ag.tensor([1], { dtype: "int32" }), { requiresGrad: true })],
      ["onesLike", () => ag.onesLike(ag.tensor([1], { dtype: "int32" }), { requiresGrad: true })],
    ] as const
  ) {
    assert.throws(
      make,
      new RegExp(
        `^TypeError: ${name}: only float32 and float64 tensors can require gradients, got int32$`,
      ),
    );
  }
  assert.throws(
    () => ag.fullLike(ag.zeros([2]), (() => 1) as never),
    /fullLike: value must be a number, got a function/,
  );
  assert.throws(
    () => ag.tensor(array([1, 2, 3, 4]), { shape: [1, 3] }),
    /tensor: cannot reshape array of size 4 into shape \[1, 3\]/,
  );
  assert.throws(
    () => ag.full([1], 0, { dtype: 3n as never }),
    /full: unknown dtype 3; expected one of/,
  );
});
