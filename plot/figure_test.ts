import assert from "node:assert/strict";
import { decode } from "fast-png";
import { zeros } from "@nnc/tensor";
import { Figure, imageGrid, show } from "./mod.ts";

const display = (f: Figure) =>
  (f as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]();

Deno.test("Figure: SVG text displays as image/svg+xml, PNG bytes as base64 image/png", async () => {
  const svg = "<svg xmlns='http://www.w3.org/2000/svg'/>";
  assert.equal(display(new Figure(svg))["image/svg+xml"], svg);
  const png = imageGrid(zeros([2, 1, 3, 3]));
  const fig = await show(Promise.resolve(png));
  assert.equal(fig.mimeType, "image/png");
  const bytes = Uint8Array.from(atob(display(fig)["image/png"]), (c) => c.charCodeAt(0));
  assert.deepEqual(bytes, png);
  assert.equal(decode(bytes).width, decode(png).width);
});

Deno.test("Figure: anything else is a TypeError naming what was expected", () => {
  assert.throws(() => new Figure("hello"), /Figure: expected an SVG document/);
  assert.throws(() => new Figure(new Uint8Array([1, 2, 3])), /not a PNG file/);
  assert.throws(() => new Figure(42 as unknown as string), /SVG text or PNG bytes, got 42/);
});

Deno.test("show: a promise of anything but SVG or PNG rejects with a TypeError naming show", async () => {
  await assert.rejects(show(Promise.resolve("oops")), /show: expected an SVG document/);
});
