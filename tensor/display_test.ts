import assert from "node:assert/strict";
import { decode } from "npm:fast-png@8.0.0";
import { array, full, zeros } from "./creation.ts";
import { NDArray } from "./ndarray.ts";
import { displayData } from "./display.ts";
import { base64, encodePng } from "./_png.ts";

function pngOf(b64: string): ReturnType<typeof decode> {
  return decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

const display = (a: NDArray) =>
  (a as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

Deno.test("displayData: values under a header with kind, dtype and shape, HTML-escaped", () => {
  const b = display(array([[1, 2], [3, 4]], { dtype: "int32" }));
  assert.equal(b["text/plain"], "array([[1, 2],\n       [3, 4]], dtype=int32)");
  assert.match(b["text/html"], /NDArray int32 \[2, 2\]<\/div><pre>array\(\[\[1, 2\],/);
  assert.ok(!("image/png" in b));
  const t = displayData(zeros([1]), { kind: "Tensor", notes: ["<grad>"], text: "a<b" });
  assert.match(t["text/html"], /Tensor float32 \[1\] &lt;grad&gt;<\/div><pre>a&lt;b<\/pre>/);
});

Deno.test("displayData: a [1, H, W] array in [0, 1] becomes a grey PNG with v → round(255 v)", () => {
  const data = new Float32Array(8 * 10);
  for (let i = 0; i < data.length; i++) data[i] = (i % 17) / 16;
  const b = displayData(NDArray.fromTyped(data, [1, 8, 10]));
  const img = pngOf(b["image/png"]);
  assert.equal(img.width, 10);
  assert.equal(img.height, 8);
  assert.equal(img.channels, 1);
  assert.deepEqual([...img.data], [...data].map((v) => Math.round(v * 255)));
  assert.match(b["text/html"], /<img src="data:image\/png;base64,/);
});

Deno.test("displayData: RGB [3, H, W] keeps [0, 255] values; a batch is drawn side by side", () => {
  const a = full([3, 8, 8], 200, { dtype: "int32" });
  a.data[64] = 17; // channel 1, pixel (0, 0)
  const img = pngOf(displayData(a)["image/png"]);
  assert.equal(img.channels, 3);
  assert.deepEqual([...img.data.slice(0, 6)], [200, 17, 200, 200, 200, 200]);

  const batch = zeros([3, 1, 8, 8]);
  const grid = pngOf(displayData(batch)["image/png"]);
  assert.equal(grid.width, 3 * 8 + 2 * 2); // 2-pixel white gaps
  assert.equal(grid.data[8], 255);
  assert.equal(grid.data[7], 0);
});

Deno.test("displayData: no PNG for small sides, other ranges, non-finite values or image: false", () => {
  assert.ok(!("image/png" in displayData(zeros([4, 4]))));
  assert.ok(!("image/png" in displayData(full([16, 16], -1))));
  const nan = zeros([16, 16]);
  nan.data[3] = NaN;
  assert.ok(!("image/png" in displayData(nan, { image: true })));
  assert.ok(!("image/png" in displayData(zeros([16, 16]), { image: false })));
  assert.ok(!("image/png" in displayData(zeros([2, 16, 16]))));
  // image: true scales any finite range to its extent
  const forced = full([8, 8], -3);
  forced.data[0] = 5;
  const img = pngOf(displayData(forced, { image: true })["image/png"]);
  assert.equal(img.data[0], 255);
  assert.equal(img.data[1], 0);
});

Deno.test("encodePng: stored deflate blocks split at 65535 bytes decode exactly", () => {
  const w = 300, h = 300; // 90,300 raw bytes: two stored blocks
  const pixels = new Uint8Array(w * h * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31) & 0xff;
  const img = decode(encodePng(pixels, w, h, 3));
  assert.deepEqual(img.data, pixels);
  assert.equal(base64(new Uint8Array([1, 2, 3])), "AQID");
});

Deno.test("displayData: bad arguments are TypeErrors naming displayData", () => {
  assert.throws(
    () => displayData([1, 2] as unknown as NDArray),
    /displayData: expected an NDArray/,
  );
  assert.throws(() => displayData(zeros([2]), { kind: 3 } as never), /displayData: kind must be/);
  assert.throws(() => displayData(zeros([2]), { notes: [1] } as never), /displayData: notes must/);
  assert.throws(
    () => displayData(zeros([2]), { image: "yes" } as never),
    /displayData: image must/,
  );
});
