import assert from "node:assert/strict";
import { gradcheck, randn, tensor, zeros } from "@nnc/autograd";
import { interpolate, Upsample } from "./mod.ts";
import { checkLayerCase } from "./_testing.ts";

Deno.test("Upsample nearest matches PyTorch (scale factor and explicit size)", () => {
  checkLayerCase("upsample_nearest_scale", new Upsample({ scaleFactor: 2 }));
  checkLayerCase("upsample_nearest_size", new Upsample({ size: [5, 7] }));
});

Deno.test("Upsample bilinear matches PyTorch with and without alignCorners, float64 and float32", () => {
  checkLayerCase("upsample_bilinear", new Upsample({ scaleFactor: 2, mode: "bilinear" }));
  checkLayerCase(
    "upsample_bilinear_align",
    new Upsample({ size: [5, 3], mode: "bilinear", alignCorners: true }),
  );
  checkLayerCase("upsample_bilinear_f32", new Upsample({ scaleFactor: 1.5, mode: "bilinear" }));
  checkLayerCase("upsample_linear_1d", new Upsample({ size: 7, mode: "linear" }));
});

Deno.test("interpolate passes gradcheck in both modes", () => {
  const x = randn([1, 1, 3, 2], { dtype: "float64" });
  assert.ok(gradcheck((t) => interpolate(t, { size: [4, 5], mode: "bilinear" }), [x]).ok);
  assert.ok(gradcheck((t) => interpolate(t, { scaleFactor: 2 }), [x]).ok);
});

Deno.test("interpolate: hand-computed values and argument errors", () => {
  // align_corners=false, 2 → 4: source positions -0.25, 0.25, 0.75, 1.25 clamp/blend to 1, 1.5, 2.5, 3.
  assert.deepEqual(
    interpolate(tensor([[[1, 3]]], { dtype: "float64" }), { size: 4, mode: "linear" }).toArray(),
    [[[1, 1.5, 2.5, 3]]],
  );
  assert.throws(
    () => interpolate(zeros([1, 1, 2]), { size: 3, mode: "bilinear" }),
    /mode "bilinear" needs 2 spatial dimensions, got input \[1, 1, 2\]/,
  );
  assert.throws(
    () => interpolate(zeros([1, 1, 2]), { size: 3, scaleFactor: 2 }),
    /exactly one of size and scaleFactor/,
  );
  assert.throws(
    () => new Upsample({ scaleFactor: 2, mode: "bilinear" }).forward(zeros([2, 3])),
    /Upsample: interpolate: expected input \[N, C, \.\.\.spatial\]/,
  );
});
