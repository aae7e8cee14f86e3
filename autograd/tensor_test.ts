import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { type Tensor, Tensor as TensorClass, tensor } from "./mod.ts";

Deno.test("Tensor wraps an NDArray: shape, dtype, item, toArray, get", () => {
  const t = new TensorClass(array([[1, 2], [3, 4]], { dtype: "float64" }));
  assert.deepEqual([t.shape, t.dtype, t.ndim, t.size], [[2, 2], "float64", 2, 4]);
  assert.deepEqual(t.toArray(), [[1, 2], [3, 4]]);
  assert.equal(t.get(1, 0), 3);
  assert.equal(t.sum().item(), 10);
  assert.deepEqual(t.T.toArray(), [[1, 3], [2, 4]]);
});

Deno.test("requiresGrad: leaves only, floats only; isLeaf, gradFn, detach", () => {
  const x = tensor([1, 2]);
  assert.equal(x.requiresGrad, false);
  x.requiresGrad = true;
  const y = x.mul(2);
  assert.ok(y.requiresGrad && !y.isLeaf && x.isLeaf);
  assert.equal(y.gradFn?.name, "mul");
  assert.throws(
    () => (y.requiresGrad = false),
    /requiresGrad: can only be changed on leaf tensors; this one was made by 'mul'/,
  );
  assert.throws(
    () => tensor([1], { dtype: "int32" }).requiresGrad_(),
    { message: "requiresGrad_: only float32 and float64 tensors can require gradients, got int32" },
  );
  assert.throws(() => new TensorClass(array([1]), null as never), {
    name: "TypeError",
    message: "Tensor: options must be an object, got null",
  });
  assert.throws(
    () => new TensorClass(array([1], { dtype: "int32" }), { requiresGrad: true }),
    { message: "Tensor: only float32 and float64 tensors can require gradients, got int32" },
  );
  const d = y.detach();
  assert.ok(d.isLeaf && !d.requiresGrad && d.data === y.data);
  assert.equal(tensor([1]).mul(2).requiresGrad, false);
});

Deno.test("toString shows requiresGrad and gradFn like PyTorch", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  assert.match(x.toString(), /^tensor\(\[1\.?, 2\.?\].*requiresGrad=true\)$/);
  assert.match(x.add(1).toString(), /gradFn=add\)$/);
  assert.doesNotMatch(tensor([1]).toString(), /requiresGrad/);
});

Deno.test("methods mirror the free functions", () => {
  const x = tensor([[1, -2], [3, 4]], { dtype: "float64", requiresGrad: true });
  const y: Tensor = x.abs().sqrt().exp().log().mul(x.sigmoid()).sum({ axis: 1 }).softmax().max();
  y.backward();
  assert.ok(x.grad !== null && x.grad.shape.join() === "2,2");
  assert.deepEqual(x.split(1, 1).map((p) => p.shape), [[2, 1], [2, 1]]);
  assert.deepEqual(x.chunk(2).map((p) => p.shape), [[1, 2], [1, 2]]);
  assert.deepEqual(x.pad([1, 0]).shape, [2, 3]);
  assert.deepEqual(x.flatten().shape, [4]);
  assert.equal(x.astype("float32").dtype, "float32");
  assert.equal(x.argmax().item(), 3);
});

Deno.test("Tensor constructor errors", () => {
  assert.throws(
    () => new TensorClass([1, 2] as unknown as ReturnType<typeof array>),
    /Tensor: data must be an NDArray, got an array of length 2/,
  );
  assert.throws(() => tensor([1]).retainGrad(), /retainGrad: the tensor does not require grad/);
});

Deno.test("Tensor.dispose gives its values' memory back; a graph that saved them then throws", async () => {
  const { emptyStoragePool, rand, Rng, storagePoolStats } = await import("@nnc/tensor");
  emptyStoragePool();
  const rng = new Rng(2);
  const w = tensor(rand([256, 128], { rng }), { requiresGrad: true });
  const x = tensor(rand([256, 128], { rng }));
  const want = w.mul(x).sum().item();
  let seen: Tensor | null = null;
  for (let i = 0; i < 3; i++) {
    using y = w.detach().mul(x); // 128 KiB each, reused by the next iteration
    assert.equal(y.sum().item(), want);
    seen = y;
  }
  assert.ok(seen!.data.disposed);
  assert.ok(storagePoolStats().hits >= 2);
  const saved = x.mul(2); // saved by the product below for w's gradient
  const loss = w.mul(saved).sum();
  assert.equal(saved.dispose(), true);
  assert.throws(() => loss.backward(), /given back/);
  emptyStoragePool();
});
