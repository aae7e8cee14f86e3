import assert from "node:assert/strict";
import { decode } from "fast-png";
import { array, NDArray } from "@nnc/tensor";
import { tensor } from "@nnc/autograd";
import { imageGrid, saveImageGrid } from "./image_grid.ts";

function pixels(
  png: Uint8Array,
): { width: number; height: number; channels: number; rows: number[][] } {
  const img = decode(png);
  const rows: number[][] = [];
  const w = img.width * img.channels;
  for (let y = 0; y < img.height; y++) rows.push([...img.data.slice(y * w, (y + 1) * w)]);
  return { width: img.width, height: img.height, channels: img.channels, rows };
}

Deno.test("imageGrid lays out grey images with padding and a fixed range", () => {
  // three 2×2 images, two per row, padding 1 of grey 100
  const images = array([
    [[0, 1], [0.5, 0.25]],
    [[1, 1], [0, 0]],
    [[2, -1], [0.5, 0.5]], // clamped to the range
  ]);
  const p = pixels(imageGrid(images, { columns: 2, padding: 1, background: 100, range: [0, 1] }));
  assert.equal(p.channels, 1);
  assert.deepEqual([p.width, p.height], [7, 7]);
  const B = 100;
  assert.deepEqual(p.rows, [
    [B, B, B, B, B, B, B],
    [B, 0, 255, B, 255, 255, B],
    [B, 128, 64, B, 0, 0, B],
    [B, B, B, B, B, B, B],
    [B, 255, 0, B, B, B, B],
    [B, 128, 128, B, B, B, B],
    [B, B, B, B, B, B, B],
  ]);
});

Deno.test("imageGrid ranges: per image (default) and over the grid", () => {
  const images = array([[[0, 2]], [[10, 30]]]); // two 1×2 images
  const per = pixels(imageGrid(images, { padding: 0, columns: 2 }));
  assert.deepEqual(per.rows, [[0, 255, 0, 255]]);
  const grid = pixels(imageGrid(images, { padding: 0, columns: 2, range: "grid" }));
  assert.deepEqual(grid.rows, [[0, Math.round(2 / 30 * 255), 85, 255]]);
  const flat = pixels(imageGrid(array([[5, 5]]), { padding: 0, imageShape: [1, 2] }));
  assert.deepEqual(flat.rows, [[0, 0]]); // empty range is black
});

Deno.test("imageGrid scales pixels and accepts [N, 1, H, W] tensors", () => {
  const p = pixels(imageGrid(tensor([[[[0, 1]]]]), { scale: 2, padding: 0, range: [0, 1] }));
  assert.deepEqual(p.rows, [[0, 0, 255, 255], [0, 0, 255, 255]]);
});

Deno.test("imageGrid encodes [N, 3, H, W] as RGB", () => {
  // one 1×2 image: pixel 0 red, pixel 1 cyan
  const rgb = NDArray.fromTyped(new Float32Array([1, 0, 0, 1, 0, 1]), [1, 3, 1, 2]);
  const p = pixels(imageGrid(rgb, { padding: 1, background: 7, range: [0, 1] }));
  assert.equal(p.channels, 3);
  assert.deepEqual([p.width, p.height], [4, 3]);
  assert.deepEqual(p.rows[1], [7, 7, 7, 255, 0, 0, 0, 255, 255, 7, 7, 7]);
  assert.deepEqual(p.rows[0], Array(12).fill(7));
});

Deno.test("imageGrid captions: the column widens to the text, centred under the image", () => {
  // one 2×2 image, caption "I" (5 font pixels wide, 9 high, plus 2 pixels either side) under a
  // 2-pixel gap
  const p = pixels(imageGrid(array([[[1, 1], [1, 1]]]), { padding: 0, captions: ["I"] }));
  assert.deepEqual([p.width, p.height], [2 + 5 + 2, 2 + 2 + 9]);
  const W = 255;
  assert.deepEqual(p.rows.slice(0, 4), [
    [W, W, W, 0, 0, W, W, W, W], // the image is black (an empty range), centred in the column
    [W, W, W, 0, 0, W, W, W, W],
    [W, W, W, W, W, W, W, W, W],
    [W, W, W, W, W, W, W, W, W],
  ]);
  assert.deepEqual(p.rows[4], [W, W, W, 0, 0, 0, W, W, W]); // "I": .###.
  assert.deepEqual(p.rows[5], [W, W, W, W, 0, W, W, W, W]); //      ..#..
  assert.deepEqual(p.rows[10], [W, W, W, 0, 0, 0, W, W, W]); //     .###.
  assert.deepEqual(p.rows[11], Array(9).fill(W));
  // two lines, scaled ×2, white ink on a dark background; an empty caption draws nothing
  const two = pixels(
    imageGrid(array([[[0]], [[1]]]), {
      columns: 2,
      padding: 1,
      background: 0,
      captions: ["-\n-", ""],
      captionScale: 2,
      range: [0, 1],
    }),
  );
  const cell = (2 + 5 + 2) * 2, strip = (2 * 11 - 2) * 2 + 2 * 2;
  assert.deepEqual([two.width, two.height], [1 + 2 * (cell + 1), 1 + 1 + strip + 1]);
  const ink = (x0: number, y: number) => two.rows[y].slice(x0, x0 + cell).join();
  const line = [...Array(6).fill(0), ...Array(6).fill(255), ...Array(6).fill(0)].join(); // .###.
  assert.equal(ink(1, 1 + 1 + 4 + 3 * 2), line); // first line
  assert.equal(ink(1, 1 + 1 + 4 + 3 * 2 + 1), line);
  assert.equal(ink(1, 1 + 1 + 4 + (11 + 3) * 2), line); // second line
  assert.equal(ink(1 + cell + 1, 1 + 1 + 4 + 3 * 2), Array(cell).fill(0).join());
  assert.equal(two.rows[1][1 + cell + 1 + Math.floor((cell - 1) / 2)], 255); // image 2 is white
});

Deno.test("imageGrid validates", () => {
  assert.throws(
    () => imageGrid(array([[[1]], [[2]]]), { captions: ["a"] }),
    /imageGrid: captions must be an array of 2 strings \(one per image\), got an array of length 1/,
  );
  assert.throws(
    () => imageGrid(array([[[1]]]), { captions: ["a"], captionScale: 0 }),
    /captionScale must be an integer in \[1, 16\], got 0/,
  );
  assert.throws(
    () => imageGrid(array([1, 2])),
    /images must be \[N, H, W\], \[N, 1\|3, H, W\] or \[N, H·W\] with imageShape, got \[2\]/,
  );
  assert.throws(
    () => imageGrid(array([[1, 2, 3]])),
    /need imageShape \[height, width\] with height·width = 3/,
  );
  assert.throws(
    () => imageGrid(array([[[1]]]), { scale: 0 }),
    /scale must be an integer in \[1, 64\], got 0/,
  );
  assert.throws(
    () => imageGrid(array([[[1]]]), { range: [0] as never }),
    /range must be \[black, white\]/,
  );
  assert.throws(
    () => imageGrid(array([[[1]]]), { range: "auto" as never }),
    /range must be "image", "grid" or \[black, white\]/,
  );
  assert.throws(
    () => imageGrid(NDArray.fromTyped(new Float32Array(0), [0, 2, 2])),
    /no images to draw/,
  );
});

Deno.test("saveImageGrid writes a decodable PNG, creating folders", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await saveImageGrid(`${dir}/x/y.png`, array([[[0, 1], [1, 0]]]), { padding: 0 });
    const p = pixels(await Deno.readFile(`${dir}/x/y.png`));
    assert.deepEqual(p.rows, [[0, 255], [255, 0]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
