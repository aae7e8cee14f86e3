import assert from "node:assert/strict";
import { array, type NDArray, randn } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { BatchNorm1d, Linear, Sequential } from "@nnc/layers";
import { updateBatchNorm } from "./update_batch_norm.ts";

const values = (x: NDArray): number[] => Array.from(x.flatten().toArray() as number[]);

/** Per-column mean and unbiased variance of a row-major [n, c] array, in float64. */
function columnStats(x: NDArray): { mean: number[]; variance: number[] } {
  const [n, c] = x.shape;
  const v = values(x);
  const mean = Array.from({ length: c }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i * c + j];
    return s / n;
  });
  const variance = mean.map((m, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (v[i * c + j] - m) ** 2;
    return s / (n - 1);
  });
  return { mean, variance };
}

Deno.test("updateBatchNorm: the running statistics are the plain average of the batches' statistics", async () => {
  const bn = new BatchNorm1d(2, { momentum: 0.3 });
  const model = new Sequential(bn).eval();
  const batches = [randn([3, 2]), randn([5, 2]).mul(3), randn([4, 2]).add(1)];
  const seen = await updateBatchNorm(model, batches.map((x) => [x, array([0])] as const));
  assert.equal(seen, 12);
  const stats = batches.map(columnStats);
  const mean = [0, 1].map((j) => stats.reduce((s, t) => s + t.mean[j], 0) / 3);
  const variance = [0, 1].map((j) => stats.reduce((s, t) => s + t.variance[j], 0) / 3);
  values(bn.runningMean!.data).forEach((m, j) => assert.ok(Math.abs(m - mean[j]) < 1e-5));
  values(bn.runningVar!.data).forEach((v, j) => assert.ok(Math.abs(v - variance[j]) < 1e-4));
  assert.equal(bn.numBatchesTracked!.data.item(), 3);
  // Momentum and the evaluation mode are as they were.
  assert.equal(bn.momentum, 0.3);
  assert.equal(model.training, false);
  assert.equal(bn.training, false);
});

Deno.test("updateBatchNorm takes bare inputs and Tensors, and forgets the statistics it replaces", async () => {
  const bn = new BatchNorm1d(1);
  const linear = new Linear(1, 1);
  const model = new Sequential(linear, bn);
  await updateBatchNorm(model, [randn([6, 1]).mul(50)]);
  const x = array([[1], [2], [3]]);
  await updateBatchNorm(model, [new Tensor(x)]);
  // One batch after a reset: exactly that batch's statistics of the Linear's outputs.
  const out = linear.forward(new Tensor(x)).data;
  const { mean, variance } = columnStats(out);
  assert.ok(Math.abs(values(bn.runningMean!.data)[0] - mean[0]) < 1e-5);
  assert.ok(Math.abs(values(bn.runningVar!.data)[0] - variance[0]) < 1e-4);
  assert.equal(bn.numBatchesTracked!.data.item(), 1);
});

Deno.test("updateBatchNorm restores momentum and modes when a batch fails, naming the batch", async () => {
  const bn = new BatchNorm1d(2, { momentum: 0.05 });
  const model = new Sequential(bn).eval();
  await assert.rejects(
    updateBatchNorm(model, [[randn([3, 2])], ["junk" as unknown as NDArray]]),
    /updateBatchNorm: batch 2 inputs/,
  );
  assert.equal(bn.momentum, 0.05);
  assert.equal(model.training, false);
});

Deno.test("updateBatchNorm leaves a model without batch norm alone and rejects bad arguments", async () => {
  assert.equal(await updateBatchNorm(new Linear(2, 2), [randn([3, 2])]), 0);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    updateBatchNorm({} as any, []),
    /updateBatchNorm: model must be a Module/,
  );
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    updateBatchNorm(new BatchNorm1d(2), 5 as any),
    /updateBatchNorm: data must be a DataLoader or an iterable/,
  );
});
