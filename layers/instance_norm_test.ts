import assert from "node:assert/strict";
import { randn, zeros } from "@nnc/autograd";
import { InstanceNorm1d, InstanceNorm2d } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("InstanceNorm matches PyTorch (affine; running statistics in train and eval)", () => {
  checkLayerCase("instancenorm2d", new InstanceNorm2d(3, { ...f64, affine: true }));
  checkLayerCase("instancenorm1d", new InstanceNorm1d(2, f64));
  for (const mode of ["train", "eval"]) {
    checkLayerCase(
      `instancenorm2d_track_${mode}`,
      new InstanceNorm2d(3, { ...f64, affine: true, trackRunningStats: true }),
    );
  }
});

Deno.test("InstanceNorm: PyTorch's state keys, gradcheck, shape errors", () => {
  assert.deepEqual(Object.keys(new InstanceNorm2d(3).stateDict()), []);
  assert.deepEqual(
    Object.keys(new InstanceNorm2d(3, { affine: true, trackRunningStats: true }).stateDict()),
    [
      "weight",
      "bias",
      "running_mean",
      "running_var",
      "num_batches_tracked",
    ],
  );
  assert.ok(
    gradcheckModule(new InstanceNorm2d(2, { ...f64, affine: true }), [randn([2, 2, 2, 2], f64)]).ok,
  );
  assert.throws(() => new InstanceNorm2d(3, { affine: true }).forward(zeros([2, 2, 4, 4])), {
    message: "InstanceNorm2d(3): expected input [N, 3, H, W], got [2, 2, 4, 4]",
  });
  assert.throws(
    () => new InstanceNorm2d(3).forward(zeros([2, 3, 1, 1])),
    /more than 1 spatial element/,
  );
});
