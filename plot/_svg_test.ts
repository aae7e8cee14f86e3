import assert from "node:assert/strict";
import { lineChart, niceTicks, SvgPlot } from "./_svg.ts";

Deno.test("niceTicks: steps of 1, 2, 2.5 or 5 times a power of ten covering the range", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(-1.6, 1.6), [-1, 0, 1]);
  assert.deepEqual(niceTicks(-1.6, 1.6, 8), [-1.5, -1, -0.5, 0, 0.5, 1, 1.5]);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

Deno.test("SvgPlot: one marker per point, one polyline per line, cells on a grid, escaped text", () => {
  const p = new SvgPlot({ title: "a < b", xDomain: [0, 1], yDomain: [0, 1] });
  p.cells((x) => (x < 0.5 ? 0 : 1), 4);
  p.points([0.1, 0.2, 0.3], [0.5, 0.5, 0.5], { label: "pts" });
  p.line([0, 1], [0, 1], { label: "diag", dashed: true });
  const svg = p.render();
  assert.equal(svg.match(/<circle /g)?.length, 3 + 1); // three points and the legend marker
  assert.equal(svg.match(/<polyline /g)?.length, 1);
  assert.equal(
    svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#/g)?.length,
    16,
  );
  assert.ok(svg.includes("a &lt; b"));
  assert.ok(svg.startsWith("<svg") && svg.endsWith("</svg>"));
  // The diagonal runs from the bottom-left to the top-right corner of the plot area.
  const pts = svg.match(/<polyline points="([^"]+)"/)![1].split(" ").map((s) =>
    s.split(",").map(Number)
  );
  assert.ok(pts[0][0] < pts[1][0] && pts[0][1] > pts[1][1]);
  const log = lineChart([{ x: [0, 1, 2], y: [1, 10, 100] }], { logY: true }).render();
  assert.ok(log.includes(">1e0<") && log.includes(">1e2<"));
});
