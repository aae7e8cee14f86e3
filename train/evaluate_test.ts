import assert from "node:assert/strict";
import { arange, array, concat, type NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy, Dropout, Linear, mseLoss, Sequential } from "@nnc/layers";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { evaluate, predict, predictBatches } from "./evaluate.ts";
import { TopKAccuracy } from "./metrics.ts";

function doubler(): Linear {
  const m = new Linear(1, 1, { bias: false, dtype: "float64" });
  m.weight.data = array([[2]], { dtype: "float64" });
  return m;
}
const f64 = (x: number[][]) => array(x, { dtype: "float64" });

Deno.test("evaluate weights the loss of unequal batches by their sizes", async () => {
  // squared errors: batch 1 → 0, 1, 4 (mean 5/3); batch 2 → 9 (mean 9); overall mean (0+1+4+9)/4
  const data: [NDArray, NDArray][] = [
    [f64([[1], [2], [3]]), f64([[2], [5], [8]])],
    [f64([[4]]), f64([[11]])],
  ];
  const r = await evaluate(doubler(), data, { loss: mseLoss });
  assert.deepEqual(r, { loss: 14 / 4 });
});

Deno.test("evaluate computes metrics in eval mode and restores the training mode", async () => {
  const rng = new Rng(3);
  const net = new Sequential(new Linear(4, 3, { rng }), new Dropout(0.9, { rng }));
  const x = arange(40).reshape(10, 4).div(40),
    y = array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { dtype: "int32" });
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
  net.train();
  const r = await evaluate(net, loader, {
    loss: crossEntropy,
    metrics: ["accuracy", new TopKAccuracy(2)],
  });
  assert.equal(net.training, true);
  // reference: one forward pass without dropout over all rows
  net.eval();
  const out = noGrad(() => net.forward(new Tensor(x)));
  const expectedLoss = crossEntropy(out, new Tensor(y)).item();
  assert.ok(Math.abs(r.loss - expectedLoss) < 1e-6);
  const pred = out.data.argmax({ axis: 1 }).toArray() as number[];
  const ys = y.toArray() as number[];
  assert.equal(r.accuracy, pred.filter((p, i) => p === ys[i]).length / 10);
  assert.deepEqual(Object.keys(r), ["loss", "accuracy", "top2Accuracy"]);
});

Deno.test("evaluate validates", async () => {
  await assert.rejects(evaluate(doubler(), [], { loss: mseLoss }), {
    name: "RangeError",
    message: "evaluate: the data yielded no samples",
  });
  await assert.rejects(
    evaluate(doubler(), [[f64([[1]]), f64([[1]])]]),
    /nothing to compute: give a loss or metrics/,
  );
  await assert.rejects(
    evaluate(doubler(), 5 as never, { loss: mseLoss }),
    /evaluate: data must be a DataLoader/,
  );
});

Deno.test("predict in batches equals one forward pass", () => {
  const net = new Linear(3, 2, { rng: new Rng(1) });
  const x = arange(30).reshape(10, 3).div(10);
  const all = noGrad(() => net.forward(new Tensor(x))).data;
  const parts = predict(net, x, { batchSize: 4 });
  assert.deepEqual(parts.shape, [10, 2]);
  assert.deepEqual(parts.toArray(), all.toArray());
  assert.throws(
    () => predict(net, x, { batchSize: 0 }),
    /predict: batchSize must be an integer >= 1, got 0/,
  );
});

Deno.test("predictBatches concatenates outputs and targets in order", async () => {
  const x = f64([[1], [2], [3], [4], [5]]), y = array([5, 4, 3, 2, 1], { dtype: "int32" });
  const { outputs, targets } = await predictBatches(
    doubler(),
    new DataLoader(new TensorDataset(x, y), { batchSize: 2 }),
  );
  assert.deepEqual(outputs.toArray(), [[2], [4], [6], [8], [10]]);
  assert.deepEqual(targets.toArray(), [5, 4, 3, 2, 1]);
  assert.deepEqual(concat([targets], 0).shape, [5]);
});
