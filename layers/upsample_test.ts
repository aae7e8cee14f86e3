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

Deno.test("Upsample bicubic matches PyTorch (scale, size, alignCorners, float32, 1-pixel edge)", () => {
  const file = "bicubic.json";
  checkLayerCase("upsample_bicubic_scale", new Upsample({ scaleFactor: 2, mode: "bicubic" }), file);
  checkLayerCase("upsample_bicubic_size", new Upsample({ size: [7, 3], mode: "bicubic" }), file);
  checkLayerCase(
    "upsample_bicubic_align",
    new Upsample({ size: [6, 9], mode: "bicubic", alignCorners: true }),
    file,
  );
  checkLayerCase("upsample_bicubic_f32", new Upsample({ scaleFactor: 2, mode: "bicubic" }), file);
  checkLayerCase("upsample_bicubic_1px", new Upsample({ scaleFactor: 3, mode: "bicubic" }), file);
  assert.throws(
    () => interpolate(zeros([1, 1, 2]), { size: 3, mode: "bicubic" }),
    /mode "bicubic" needs 2 spatial dimensions/,
  );
});

Deno.test("interpolate bicubic: constants stay constant, gradcheck in both modes", () => {
  const c = interpolate(zeros([1, 1, 3, 3]).add(2.5), { scaleFactor: 2, mode: "bicubic" });
  assert.ok((c.toArray() as number[][][][])[0][0].flat().every((v) => Math.abs(v - 2.5) < 1e-6));
  const x = randn([1, 1, 3, 2], { dtype: "float64" });
  gradcheck((t) => interpolate(t, { size: [5, 4], mode: "bicubic" }), [x], { mode: "both" });
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
    /Upsample: expected input \[N, C, \.\.\.spatial\]/,
  );
});
