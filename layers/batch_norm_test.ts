import assert from "node:assert/strict";
import { assertClose, Rng, variance } from "@nnc/tensor";
import { randn, tensor, zeros } from "@nnc/autograd";
import { batchNorm, BatchNorm1d, BatchNorm2d } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

for (const mode of ["train", "eval"]) {
  Deno.test(`BatchNorm1d/2d match PyTorch in ${mode} mode (output, gradients, running statistics)`, () => {
    checkLayerCase(`batchnorm1d_${mode}`, new BatchNorm1d(4, f64));
    checkLayerCase(`batchnorm1d_3d_${mode}`, new BatchNorm1d(3, { ...f64, momentum: 0.3 }));
    checkLayerCase(`batchnorm2d_${mode}`, new BatchNorm2d(3, f64));
    checkLayerCase(`batchnorm2d_f32_${mode}`, new BatchNorm2d(3));
  });
}

Deno.test("BatchNorm: cumulative average (momentum null), no affine, no running statistics", () => {
  checkLayerCase("batchnorm1d_cumulative_train", new BatchNorm1d(2, { ...f64, momentum: null }));
  const noAffine = new BatchNorm2d(2, { ...f64, affine: false });
  assert.deepEqual(Object.keys(noAffine.stateDict()), [
    "running_mean",
    "running_var",
    "num_batches_tracked",
  ]);
  checkLayerCase("batchnorm2d_noaffine_train", noAffine);
  const noTrack = new BatchNorm2d(2, { ...f64, trackRunningStats: false });
  assert.deepEqual(Object.keys(noTrack.stateDict()), ["weight", "bias"]);
  checkLayerCase("batchnorm2d_notrack_eval", noTrack);
});

Deno.test("BatchNorm follows the notes' formula: batch mean, biased variance, δ inside the root", () => {
  const bn = new BatchNorm1d(1, { ...f64, eps: 0.25 });
  // z = (1, 3): μ = 2, σ² = 1 (biased), ẑ = (z − μ)/√(1 + 0.25).
  const y = bn.forward(tensor([[1], [3]], f64));
  assert.deepEqual(y.toArray(), [[-1 / Math.sqrt(1.25)], [1 / Math.sqrt(1.25)]]);
  // Running: mean 0.9·0 + 0.1·2, variance 0.9·1 + 0.1·2 (unbiased: 2/(2−1)·1).
  assert.ok(
    Math.abs(bn.runningMean!.get(0) - 0.2) < 1e-15 && Math.abs(bn.runningVar!.get(0) - 1.1) < 1e-15,
  );
  assert.equal(bn.numBatchesTracked!.item(), 1);
  bn.resetRunningStats();
  assert.equal(bn.numBatchesTracked!.item(), 0);
});

Deno.test("gradcheck passes for BatchNorm in training mode (through the batch statistics) and eval mode", () => {
  const rng = new Rng(4);
  const bn = new BatchNorm2d(2, f64);
  bn.weight!.data = randn([2], { ...f64, rng }).data;
  assert.ok(gradcheckModule(bn, [randn([3, 2, 2, 2], { ...f64, rng })]).ok);
  bn.eval();
  assert.ok(gradcheckModule(bn, [randn([3, 2, 2, 2], { ...f64, rng })]).ok);
});

Deno.test("BatchNorm rejects wrong shapes and single-value batches in training", () => {
  assert.throws(() => new BatchNorm2d(16).forward(zeros([8, 3, 4, 4])), {
    message: "BatchNorm2d(16): expected input [N, 16, H, W], got [8, 3, 4, 4]",
  });
  assert.throws(() => new BatchNorm1d(4).forward(zeros([2, 4, 3, 3])), {
    message: "BatchNorm1d(4): expected input [N, 4] or [N, 4, L], got [2, 4, 3, 3]",
  });
  assert.throws(() => new BatchNorm1d(4).forward(zeros([2, 4], { dtype: "int32" })), {
    name: "TypeError",
    message: "BatchNorm1d(4): expected a float32 or float64 input, got int32",
  });
  assert.throws(
    () => new BatchNorm1d(4).forward(zeros([1, 4])),
    /expected more than 1 value per channel when training, got input \[1, 4\]/,
  );
  assert.deepEqual(new BatchNorm1d(4).eval().forward(zeros([1, 4])).shape, [1, 4]);
  assert.throws(() => new BatchNorm1d(4, { momentum: 2 }), RangeError);
  // The momentum is settable (PyTorch's habit), checked like the option.
  const settable = new BatchNorm1d(4);
  settable.momentum = null;
  assert.equal(settable.momentum, null);
  settable.momentum = 0.25;
  assert.equal(settable.momentum, 0.25);
  assert.throws(() => settable.momentum = -1, /BatchNorm1d: momentum must be .*-1/);
  assert.equal(settable.momentum, 0.25);
});

Deno.test("BatchNorm of the notes' batches (1, 2, 3, 4) and [1, 2, 3]: biased variance, ε inside the root", () => {
  const column = (v: number[]) => tensor(v.map((x) => [x]), f64);
  const flat = (t: ReturnType<typeof tensor>) => t.data.reshape(-1);
  // spec: 000-003/003.batchnorm
  // Variance 1.25 (biased); the unbiased 5/3 would give ±1.1618915, ±0.3872972 instead.
  assertClose(
    flat(new BatchNorm1d(1, f64).forward(column([1, 2, 3, 4]))),
    [-1.3416354, -0.4472118, 0.4472118, 1.3416354],
    { atol: 5e-8, rtol: 0 },
  );
  // spec: 002-part-b/G18
  // μ = 2, σ² = 2/3: x̂ = ∓√1.5 with ε = 0, ∓1.2247357 with ε = 1e-5.
  assertClose(
    flat(new BatchNorm1d(1, { ...f64, eps: 0 }).forward(column([1, 2, 3]))),
    [-1.2247449, 0, 1.2247449],
    { atol: 5e-8, rtol: 0 },
  );
  assertClose(
    flat(new BatchNorm1d(1, { ...f64, eps: 1e-5 }).forward(column([1, 2, 3]))),
    [-1.2247357, 0, 1.2247357],
    { atol: 5e-8, rtol: 0 },
  );
});

Deno.test("BatchNorm outputs mean 0 and variance 1 per feature; γ = std and β = mean restore the input", () => {
  // spec: 002-part-b/G6
  const rng = new Rng(31);
  const x = randn([50, 3], { ...f64, rng }).mul(tensor([0.5, 3, 10], f64)).add(
    tensor([-4, 0.2, 7], f64),
  );
  const bn = new BatchNorm1d(3, { ...f64, eps: 0 });
  const y = bn.forward(x);
  assertClose(y.mean({ axis: 0 }).data, [0, 0, 0], { atol: 1e-14, rtol: 0 });
  assertClose(variance(y.data, { axis: 0, correction: 0 }), [1, 1, 1], { atol: 1e-13, rtol: 0 });
  bn.weight!.data = x.data.std({ axis: 0, correction: 0 });
  bn.bias!.data = x.data.mean({ axis: 0 });
  assertClose(bn.forward(x).data, x.data, { atol: 1e-12, rtol: 0 });
  // Images: one mean and one variance per channel, over (N, H, W).
  const img = randn([4, 2, 3, 3], { ...f64, rng }).mul(5).add(1);
  const z = new BatchNorm2d(2, { ...f64, eps: 0 }).forward(img).data;
  assertClose(z.mean({ axis: [0, 2, 3] }), [0, 0], { atol: 1e-14, rtol: 0 });
  assertClose(variance(z, { axis: [0, 2, 3], correction: 0 }), [1, 1], { atol: 1e-13, rtol: 0 });
});

Deno.test("batchNorm names itself for per-channel tensors without one entry per channel", () => {
  assert.throws(
    () => batchNorm(zeros([3, 3]), { weight: zeros([3, 3]), training: true }),
    /^RangeError: batchNorm: weight must have one entry per channel \(C = 3\), got shape \[3, 3\]$/,
  );
  assert.throws(
    () => batchNorm(zeros([2, 3, 4]), { runningMean: zeros([3]), runningVar: zeros([3, 4]) }),
    /^RangeError: batchNorm: runningVar must have one entry per channel \(C = 3\), got shape \[3, 4\]$/,
  );
});
