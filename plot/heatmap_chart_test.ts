import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import {
  confusionMatrixChart,
  confusionMatrixChartSpec,
  heatmapChart,
  heatmapChartSpec,
} from "./heatmap_chart.ts";
import { marks } from "./_test_marks.ts";

type Cell = { row: number; col: number; v: number; value: number; text?: string; dark?: boolean };
const cellsOf = (spec: Record<string, unknown>) => (spec.data as { values: Cell[] }).values;
const colourOf = (spec: Record<string, unknown>) =>
  (spec.layer as { encoding: { color: { scale: { scheme: string; domain: number[] } } } }[])[0]
    .encoding.color.scale;

Deno.test("heatmapChart: one cell per value, row 0 on top, repeated token labels, annotations", async () => {
  const tokens = ["the", "cat", "the"];
  const w = [[0.5, 0.25, 0.25], [0, 1, 0], [0.125, 0.125, 0.75]];
  const svg = await heatmapChart(w, { xLabels: tokens, yLabels: tokens, annotate: true });
  const rects = marks(svg, "mark-rect role-mark layer_0_marks");
  assert.equal(rects.length, 9);
  const texts = marks(svg, "mark-text role-mark layer_1_marks").map((m) => m.text);
  assert.deepEqual(texts, ["0.50", "0.25", "0.25", "0.00", "1.00", "0.00", "0.13", "0.13", "0.75"]);
  // the label "the" is written on both axes twice (columns 0 and 2, rows 0 and 2)
  assert.equal(svg.split(">the</text>").length - 1, 4);
  // the darkest cell (1.00) is written in white, the lightest in black
  const ink = marks(svg, "mark-text role-mark layer_1_marks").map((m) =>
    /fill="([^"]+)"/.exec(m.tag)?.[1]
  );
  assert.equal(ink[4], "white");
  assert.equal(ink[3], "black");
  // row 0 is above row 2: the first rect's y translation is smaller
  const ys = rects.map((r) => Number(/d="M[\d.]+,([\d.]+)/.exec(r.tag)?.[1]));
  assert.ok(ys[0] < ys[6], `${ys[0]} < ${ys[6]}`);
});

Deno.test("heatmapChartSpec: colour scale by sign, explicit domain, blank non-finite cells", () => {
  const pos = heatmapChartSpec(array([[1, 2], [3, 4]]));
  assert.deepEqual(colourOf(pos), { scheme: "blues", domain: [1, 4], clamp: true });
  const mixed = heatmapChartSpec([[-1, 3], [0.5, 2]]);
  assert.deepEqual(colourOf(mixed), { scheme: "redblue", domain: [-3, 3], clamp: true });
  const fixed = heatmapChartSpec([[1, NaN]], { domain: [0, 10], scheme: "viridis" });
  assert.deepEqual(colourOf(fixed), { scheme: "viridis", domain: [0, 10], clamp: true });
  assert.deepEqual(cellsOf(fixed), [{ row: 0, col: 0, v: 1, value: 1 }]);
  // integers are written plainly; a format can be given
  assert.deepEqual(cellsOf(heatmapChartSpec([[3, 14]], { annotate: true })).map((c) => c.text), [
    "3",
    "14",
  ]);
  assert.deepEqual(
    cellsOf(heatmapChartSpec([[0.5, 0.125]], { annotate: true, format: ".1%" })).map((c) => c.text),
    ["50.0%", "12.5%"],
  );
  // default size: 40-pixel cells for a small matrix
  assert.deepEqual([pos.width, pos.height], [80, 80]);
});

Deno.test("confusionMatrixChart: counts in the cells, rows coloured by share, class names", async () => {
  const cm = array([[8, 2], [1, 9]], { dtype: "int32" });
  const spec = confusionMatrixChartSpec(cm, { classNames: ["cat", "dog"] });
  assert.deepEqual(cellsOf(spec).map((c) => [c.text, c.v]), [
    ["8", 0.8],
    ["2", 0.2],
    ["1", 0.1],
    ["9", 0.9],
  ]);
  assert.deepEqual(colourOf(spec).domain, [0, 1]);
  const raw = confusionMatrixChartSpec(cm, { normalize: false });
  assert.deepEqual(cellsOf(raw).map((c) => c.v), [8, 2, 1, 9]);
  const svg = await confusionMatrixChart(cm, { classNames: ["cat", "dog"], title: "pets" });
  for (const t of [">cat<", ">dog<", ">predicted<", ">true class<", ">pets<", ">9<"]) {
    assert.ok(svg.includes(t), t);
  }
});

Deno.test("heatmapChart and confusionMatrixChart validate", () => {
  assert.throws(
    () => heatmapChartSpec(array([1, 2])),
    /heatmapChartSpec: values must be 2-d, got \[2\]/,
  );
  assert.throws(
    () => heatmapChartSpec([[1, 2], [3]]),
    /values must be a 2-d array of numbers with rows of equal length; row 1 is an array of length 1/,
  );
  assert.throws(() => heatmapChartSpec([]), /heatmapChartSpec: values are empty/);
  assert.throws(
    () => heatmapChartSpec([[1, 2]], { xLabels: ["a"] }),
    /heatmapChartSpec: xLabels must be an array of 2 strings, got an array of length 1/,
  );
  assert.throws(
    () => heatmapChartSpec([[1, 2]], { domain: [1, 1] }),
    /domain must be \[low, high\] with low < high/,
  );
  assert.throws(
    () => confusionMatrixChartSpec([[1, 2]]),
    /confusionMatrixChartSpec: a confusion matrix is square, got \[1, 2\]/,
  );
  assert.throws(
    () => confusionMatrixChartSpec([[1]], { classNames: ["a", "b"] }),
    /classNames must be an array of 1 strings/,
  );
});

Deno.test("heatmap and confusion-matrix charts and specs name the function called in their errors", () => {
  assert.throws(
    () => heatmapChartSpec(Symbol() as never),
    /heatmapChartSpec: values must be an NDArray or a Tensor, got a symbol/,
  );
  assert.throws(() => heatmapChart([[1], [1, 2]]), /heatmapChart: values must be a 2-d array/);
  assert.throws(
    () => confusionMatrixChartSpec([[1, 2]]),
    /confusionMatrixChartSpec: a confusion matrix is square, got \[1, 2\]/,
  );
  assert.throws(
    () => confusionMatrixChart([[1, 2]]),
    /confusionMatrixChart: a confusion matrix is square/,
  );
});
