import assert from "node:assert/strict";
import { decode } from "fast-png";
import { imageGridPng } from "./_png.ts";

Deno.test("imageGridPng: images laid out in a grid, scaled, with fixed or per-image grey levels", () => {
  // Two 1×2 images: [0, 1] and [0.5, 0.5]; scale 2, gap 1, two columns.
  const png = decode(
    imageGridPng([0, 1, 0.5, 0.5], 2, {
      height: 1,
      width: 2,
      columns: 2,
      scale: 2,
      gap: 1,
      min: 0,
      max: 1,
      background: 7,
    }),
  );
  assert.equal(png.width, (2 * (2 + 1) + 1) * 2);
  assert.equal(png.height, (1 * (1 + 1) + 1) * 2);
  assert.equal(png.channels, 1);
  const at = (x: number, y: number) => png.data[y * png.width + x];
  assert.equal(at(0, 0), 7); // gap
  assert.deepEqual([at(2, 2), at(3, 3), at(4, 2), at(5, 3)], [0, 0, 255, 255]);
  assert.deepEqual([at(8, 2), at(10, 3)], [128, 128]);
  // Without min/max each image is stretched to its own range.
  const own = decode(imageGridPng([2, 4], 1, { height: 1, width: 2, scale: 1, gap: 0 }));
  assert.deepEqual(Array.from(own.data), [0, 255]);
});
