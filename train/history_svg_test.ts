import assert from "node:assert/strict";
import { History } from "./history.ts";
import { historySvg } from "./history_svg.ts";

Deno.test("historySvg: a panel per quantity, training and validation lines, lr and seconds left out", () => {
  const h = new History();
  for (let e = 1; e <= 3; e++) {
    h.record({ epoch: e, loss: 1 / e, valLoss: 2 / e, accuracy: e / 4, lr: 0.1, seconds: 1 });
  }
  const svg = historySvg(h);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="640" height="200"/);
  const titles = [...svg.matchAll(/font-weight="bold">([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(titles, ["loss", "accuracy"]);
  const lines = [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(" "));
  assert.equal(lines.length, 3);
  // valLoss spans the loss panel: its first point at the top left, its last at the bottom right.
  // The panel's plot area is x 52..308, y 24..166; the y range is [1/3, 2].
  assert.deepEqual(lines[1][0].split(",").map(Number), [52, 24]);
  const [x, y] = lines[1][2].split(",").map(Number);
  assert.equal(x, 308);
  assert.ok(Math.abs(y - (24 + (1 - (2 / 3 - 1 / 3) / (2 - 1 / 3)) * 142)) < 0.06);
  assert.ok(!svg.includes(">lr<") && !svg.includes(">seconds<"));
});

Deno.test("historySvg: one epoch draws points, empty history says so; History displays as SVG", () => {
  const one = historySvg(new History([{ epoch: 1, loss: 0.5 }]));
  assert.match(one, /<circle cx="[\d.]+" cy="[\d.]+" r="3"/);
  assert.match(historySvg(new History()), />empty history</);
  const h = new History([{ epoch: 1, valAccuracy: 0.5 }, { epoch: 2, valAccuracy: 0.7 }]);
  const bundle = (h as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assert.equal(bundle["text/plain"], h.toCsv());
  assert.equal(bundle["image/svg+xml"], historySvg(h));
  assert.match(bundle["image/svg+xml"], /font-weight="bold">accuracy</);
});

Deno.test("historySvg: anything but a history is a TypeError naming historySvg", () => {
  assert.throws(() => historySvg(null as never), /historySvg: expected a History/);
  assert.throws(
    () => historySvg({ epochs: [{ loss: 1 }] } as never),
    /historySvg: every epoch log/,
  );
});
