import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { randn } from "@nnc/autograd";
import {
  Conv2d,
  Linear,
  removeSpectralNorm,
  removeWeightNorm,
  spectralNorm,
  weightNorm,
} from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("weightNorm: PyTorch's state-dict names, shapes and order; outputs and gradients match", () => {
  const fc = weightNorm(new Linear(4, 3, f64));
  assert.deepEqual(Object.keys(fc.stateDict()), ["bias", "weight_g", "weight_v"]);
  assert.deepEqual(fc.stateDict().weight_g.shape, [3, 1]);
  checkLayerCase("weightnorm_linear", fc);
  const conv = weightNorm(new Conv2d(2, 3, 3, f64));
  assert.deepEqual(conv.stateDict().weight_g.shape, [3, 1, 1, 1]);
  checkLayerCase("weightnorm_conv2d", conv);
});

Deno.test("weightNorm keeps the function at creation and passes gradcheck in g and v", () => {
  const rng = new Rng(2);
  const fc = new Linear(3, 2, { ...f64, rng });
  const x = randn([4, 3], { ...f64, rng });
  const before = fc.forward(x).toArray();
  weightNorm(fc);
  const after = fc.forward(x).toArray() as number[][];
  (before as number[][]).forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - after[i][j]) < 1e-12))
  );
  assert.ok(gradcheckModule(fc, [x]).ok);
  const whole = weightNorm(new Linear(3, 2, f64), { dim: null });
  assert.deepEqual(whole.stateDict().weight_g.shape, [1, 1]);
  removeWeightNorm(fc);
  assert.deepEqual(Object.keys(fc.stateDict()), ["bias", "weight"]);
  const restored = fc.forward(x).toArray() as number[][];
  (before as number[][]).forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - restored[i][j]) < 1e-12))
  );
  assert.throws(() => weightNorm(weightNorm(new Linear(2, 2))), /already has weight norm/);
  assert.throws(
    () => weightNorm(new Linear(2, 2), { name: "gamma" }),
    /has no parameter field 'gamma'/,
  );
});

Deno.test("removeWeightNorm puts back the forward it wrapped: a spectral norm beneath keeps running", () => {
  const m = spectralNorm(new Linear(3, 2, { dtype: "float64", rng: new Rng(4) }), {
    rng: new Rng(5),
  });
  weightNorm(m, { name: "bias", dim: null });
  removeWeightNorm(m);
  const u = m.getBuffer("weight_u")!.data.clone();
  m.forward(randn([4, 3], { dtype: "float64" }));
  // The spectral norm's power iteration still ran (training mode), so u moved.
  assert.notDeepEqual(m.getBuffer("weight_u")!.toArray(), u.toArray());
  removeSpectralNorm(m);
  // Each removal re-registers its parameter last, as PyTorch does.
  assert.deepEqual(Object.keys(m.stateDict()), ["bias", "weight"]);
});
