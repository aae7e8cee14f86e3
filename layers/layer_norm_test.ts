import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { randn, tensor, zeros } from "@nnc/autograd";
import { LayerNorm, layerNorm } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("LayerNorm matches PyTorch (affine float64, plain float32)", () => {
  checkLayerCase("layernorm", new LayerNorm([3, 4], f64));
  checkLayerCase("layernorm_noaffine_f32", new LayerNorm(5, { elementwiseAffine: false }));
});

Deno.test("LayerNorm follows the notes: per sample over the features, biased variance, δ inside the root", () => {
  // Row (1, 3): μ = 2, σ² = 1, with δ = 0.25: ±1/√1.25.
  const y = layerNorm(tensor([[1, 3]], f64), [2], null, null, 0.25);
  assert.deepEqual(y.toArray(), [[-1 / Math.sqrt(1.25), 1 / Math.sqrt(1.25)]]);
});

Deno.test("gradcheck passes for LayerNorm", () => {
  const rng = new Rng(8);
  const ln = new LayerNorm(3, f64);
  ln.weight!.data = randn([3], { ...f64, rng }).data;
  assert.ok(gradcheckModule(ln, [randn([2, 3], { ...f64, rng })]).ok);
});

Deno.test("LayerNorm reports the layer and the shapes; default parameters are ones and zeros", () => {
  assert.throws(() => new LayerNorm([3, 4]).forward(zeros([2, 4, 3])), {
    message: "LayerNorm([3, 4]): expected input [*, 3, 4], got [2, 4, 3]",
  });
  assert.throws(() => new LayerNorm(0), RangeError);
  const ln = new LayerNorm([2, 2]);
  assert.deepEqual(ln.weight!.toArray(), [[1, 1], [1, 1]]);
  assert.deepEqual(ln.bias!.toArray(), [[0, 0], [0, 0]]);
  assert.deepEqual(Object.keys(ln.stateDict()), ["weight", "bias"]);
});
