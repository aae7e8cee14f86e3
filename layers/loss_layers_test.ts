import assert from "node:assert/strict";
import { gradcheck, randn, tensor } from "@nnc/autograd";
import {
  bceLoss,
  bceWithLogits,
  BCEWithLogitsLoss,
  cosineEmbeddingLoss,
  crossEntropy,
  CrossEntropyLoss,
  hingeLoss,
  huberLoss,
  klDiv,
  MSELoss,
  mseLoss,
} from "./mod.ts";

Deno.test("losses pass gradcheck", () => {
  const f64 = { dtype: "float64" as const };
  const x = randn([3, 4], f64), y = randn([3, 4], f64);
  const t = tensor([0, 3, 1], { dtype: "int32" });
  assert.ok(gradcheck((a) => huberLoss(a, y, { delta: 0.7 }), [x]).ok);
  assert.ok(
    gradcheck(
      (a) => crossEntropy(a, t, { labelSmoothing: 0.1, weight: tensor([1, 2, 3, 4], f64) }),
      [x],
    ).ok,
  );
  assert.ok(
    gradcheck((a) => bceWithLogits(a, y.sigmoid(), { posWeight: tensor([2], f64) }), [x])
      .ok,
  );
  assert.ok(
    gradcheck((a) => klDiv(a.logSoftmax(1), y.softmax(1), { reduction: "batchmean" }), [x])
      .ok,
  );
  assert.ok(gradcheck((a) => hingeLoss(a, t, { power: 2 }), [x]).ok);
  assert.ok(
    gradcheck(
      (a, b) => cosineEmbeddingLoss(a, b, tensor([1, -1, 1], f64), { margin: -0.5 }),
      [
        x,
        y,
      ],
    ).ok,
  );
});

Deno.test("losses validate shapes, targets and options, naming both shapes", () => {
  // Options are checked when the loss is computed; toString shows any value.
  assert.match(new MSELoss({ reduction: {} as never }).toString(), /reduction=an object/);
  assert.throws(() => mseLoss(randn([3, 2]), randn([2, 3])), {
    message: "mseLoss: input [3, 2] and target [2, 3] must have the same shape",
  });
  assert.throws(
    () => crossEntropy(randn([3, 4]), tensor([0, 1], { dtype: "int32" })),
    /crossEntropy: input \[3, 4\] needs int32 class-index target \[3\], got \[2\]/,
  );
  assert.throws(
    () => crossEntropy(randn([2, 4]), tensor([0, 4], { dtype: "int32" })),
    /target 4 is out of range for 4 classes/,
  );
  assert.throws(
    () =>
      crossEntropy(randn([2, 4]), tensor([0, 1], { dtype: "int32" }), { weight: tensor([1, 2]) }),
    /weight must have shape \[4\]/,
  );
  assert.throws(
    () => mseLoss(randn([2]), randn([2]), { reduction: "avg" as "mean" }),
    /reduction must be/,
  );
  assert.throws(() => bceLoss(tensor([1.5]), tensor([1])), /probabilities in \[0, 1\]/);
  assert.throws(
    () => hingeLoss(randn([3, 4]), tensor([[1]], { dtype: "int32" })),
    /hingeLoss: expected a ±1 target/,
  );
});

Deno.test("loss modules keep options and expose class weights as PyTorch-named buffers", () => {
  const w = tensor([1, 2]);
  const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
  assert.deepEqual(Object.keys(ce.stateDict()), ["weight"]);
  const x = randn([3, 2]), t = tensor([0, 1, 1], { dtype: "int32" });
  assert.equal(
    ce.forward(x, t).item(),
    crossEntropy(x, t, { weight: w, labelSmoothing: 0.1 }).item(),
  );
  assert.deepEqual(Object.keys(new BCEWithLogitsLoss({ posWeight: tensor([3]) }).stateDict()), [
    "pos_weight",
  ]);
  assert.equal(
    new MSELoss({ half: true, reduction: "sum" }).forward(tensor([2]), tensor([0])).item(),
    2,
  );
});
