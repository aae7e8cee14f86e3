import assert from "node:assert/strict";
import { array, NDArray } from "@nnc/tensor";
import { lineChart, lineChartSpec } from "./line_chart.ts";
import { historyChart, historyChartSpec } from "./history_chart.ts";
import { decisionRuns, scatterChart } from "./scatter_chart.ts";
import { renderVegaLite, saveSvg } from "./vega.ts";

const count = (s: string, needle: string) => s.split(needle).length - 1;

Deno.test("lineChart draws one line mark per series with titles and legend", async () => {
  const svg = await lineChart(
    [{ name: "train", y: [1, 0.5, 0.25] }, {
      name: "test",
      x: [1, 2, 3],
      y: [1.2, NaN, 0.4],
      dashed: true,
    }],
    { title: "Loss curves", xLabel: "epoch", yLabel: "loss" },
  );
  assert.ok(svg.startsWith("<svg"));
  assert.equal(count(svg, 'class="mark-line role-mark'), 2);
  assert.equal(count(svg, 'aria-roledescription="line mark"'), 2);
  for (const text of [">Loss curves<", ">epoch<", ">loss<", ">train<", ">test<"]) {
    assert.ok(svg.includes(text), text);
  }
  assert.ok(svg.includes('stroke-dasharray="6,4"')); // the dashed series
  // NaN points are left out of the data
  const rows =
    (lineChartSpec([{ name: "a", y: [1, NaN, 3] }]).data as { values: unknown[] }).values;
  assert.deepEqual(rows, [{ x: 1, y: 1, series: "a", dash: "solid" }, {
    x: 3,
    y: 3,
    series: "a",
    dash: "solid",
  }]);
});

Deno.test("lineChart validates", () => {
  assert.throws(() => lineChartSpec([]), /lineChart: series must be a non-empty array/);
  assert.throws(
    () => lineChartSpec([{ name: "a", y: [1] }, { name: "a", y: [2] }]),
    /series name 'a' is used twice/,
  );
  assert.throws(
    () => lineChartSpec([{ name: "a", y: [1, 2], x: [1] }]),
    /has 2 y values but x is an array of length 1/,
  );
  assert.throws(
    () => lineChartSpec([{ name: "a", y: [1] }], { width: 3 }),
    /width must be an integer in \[10, 10000\], got 3/,
  );
});

const LOG = [
  { epoch: 1, loss: 0.9, accuracy: 0.6, valLoss: 1.0, valAccuracy: 0.55, lr: 0.1, seconds: 2 },
  { epoch: 2, loss: 0.5, accuracy: 0.8, valLoss: 0.7, valAccuracy: 0.75, lr: 0.05, seconds: 2 },
  { epoch: 3, loss: 0.4, accuracy: 0.85, valLoss: 0.72, valAccuracy: 0.74, lr: 0.025, seconds: 2 },
];

Deno.test("historyChart: a panel per quantity, training and validation lines in each", async () => {
  const svg = await historyChart({ epochs: LOG }, { title: "run A" });
  assert.equal(count(svg, 'class="mark-line role-mark concat_0_marks"'), 2);
  assert.equal(count(svg, 'class="mark-line role-mark concat_1_marks"'), 2);
  assert.equal(count(svg, 'class="mark-line role-mark concat_2'), 0); // lr and seconds are left out
  for (const text of [">run A<", ">loss<", ">accuracy<", ">training<", ">validation<", ">epoch<"]) {
    assert.ok(svg.includes(text), text);
  }
  const spec = historyChartSpec(LOG, { keys: ["lr"] });
  const panels = spec.hconcat as {
    title: string;
    data: { values: { y: number; series: string }[] };
  }[];
  assert.equal(panels.length, 1);
  assert.deepEqual(panels[0].data.values.map((r) => [r.series, r.y]), [
    ["training", 0.1],
    ["training", 0.05],
    ["training", 0.025],
  ]);
  const only = await historyChart(LOG, { keys: ["accuracy"] });
  assert.equal(count(only, 'class="mark-line role-mark'), 2);
  assert.ok(!only.includes(">loss<"));
});

Deno.test("historyChart validates", () => {
  assert.throws(() => historyChartSpec([]), {
    name: "RangeError",
    message: "historyChart: the history has no epochs",
  });
  assert.throws(
    () => historyChartSpec(LOG, { keys: ["f1"] }),
    /'f1' was not logged \(logged: loss, accuracy, valLoss/,
  );
  assert.throws(
    () => historyChartSpec({} as never),
    /expected a History or an array of epoch logs/,
  );
});

/** Class 1 strictly below the diagonal y < x, as a classifier of grid points. */
const diagonal = (p: NDArray) => {
  const a = p.toArray() as number[][];
  return NDArray.fromTyped(Int32Array.from(a, ([x, y]) => (y < x ? 1 : 0)));
};

Deno.test("decisionRuns merges each grid row into runs of one class", () => {
  const runs = decisionRuns(diagonal, { x: [0, 1], y: [0, 1] }, 4);
  assert.deepEqual(runs, [
    { x: 0, x2: 0.25, y: 0, y2: 0.25, cls: 0 },
    { x: 0.25, x2: 1, y: 0, y2: 0.25, cls: 1 },
    { x: 0, x2: 0.5, y: 0.25, y2: 0.5, cls: 0 },
    { x: 0.5, x2: 1, y: 0.25, y2: 0.5, cls: 1 },
    { x: 0, x2: 0.75, y: 0.5, y2: 0.75, cls: 0 },
    { x: 0.75, x2: 1, y: 0.5, y2: 0.75, cls: 1 },
    { x: 0, x2: 1, y: 0.75, y2: 1, cls: 0 },
  ]);
  // scores are read by arg-max, like model logits
  const logits = (p: NDArray) => diagonal(p).astype("float32").reshape([-1, 1]).mul(2).sub(1);
  assert.deepEqual(
    decisionRuns((p) => logits(p).mul(-1).astype("float32"), { x: [0, 1], y: [0, 1] }, 2).length,
    3,
  );
  assert.throws(
    () => decisionRuns(diagonal, { x: [1, 0], y: [0, 1] }, 4),
    /domain.x must be \[low, high\] with low < high/,
  );
  assert.throws(
    () => decisionRuns(() => NDArray.fromTyped(new Int32Array(3)), { x: [0, 1], y: [0, 1] }, 2),
    /classify returned 3 predictions for 4 points/,
  );
});

Deno.test("scatterChart draws the region runs under one circle per point, coloured by class", async () => {
  const pts = array([[0.1, 0.9], [0.2, 0.6], [0.8, 0.1], [0.9, 0.3], [0.6, 0.2]]);
  const labels = array([0, 0, 1, 1, 1], { dtype: "int32" });
  const svg = await scatterChart(pts, labels, {
    classify: diagonal,
    resolution: 4,
    domain: { x: [0, 1], y: [0, 1] },
    classNames: ["above", "below"],
    title: "diagonal",
  });
  assert.equal(count(svg, 'aria-roledescription="rect mark"'), 7);
  assert.equal(count(svg, 'aria-roledescription="circle"'), 5);
  // tableau10: class 0 blue, class 1 orange; 3 region runs and 3 points are class 1
  assert.equal(count(svg, 'fill="#f58518" stroke-width="0" opacity="0.3"'), 3);
  assert.equal(count(svg, 'class: below"'), 3 + 3);
  for (const text of [">diagonal<", ">above<", ">below<"]) assert.ok(svg.includes(text), text);
  const plain = await scatterChart(pts);
  assert.equal(count(plain, 'aria-roledescription="rect mark"'), 0);
  assert.equal(count(plain, 'aria-roledescription="circle"'), 5);
});

Deno.test("scatterChart validates", async () => {
  await assert.rejects(
    async () => await scatterChart(array([[1, 2, 3]])),
    /points must be \[N, 2\], got \[1, 3\]/,
  );
  await assert.rejects(
    async () => await scatterChart(array([[1, 2]]), array([0, 1], { dtype: "int32" })),
    /1 points but 2 labels/,
  );
  await assert.rejects(
    async () =>
      await scatterChart(array([[1, 2]]), array([2], { dtype: "int32" }), { classNames: ["a"] }),
    /classNames must name all 3 classes/,
  );
});

Deno.test("renderVegaLite rejects invalid specs; saveSvg writes files", async () => {
  await assert.rejects(
    renderVegaLite(null as never),
    /renderVegaLite: spec must be an object, got null/,
  );
  await assert.rejects(renderVegaLite({ mark: "nonsense" }), /renderVegaLite: invalid spec/);
  const dir = await Deno.makeTempDir();
  try {
    await saveSvg(`${dir}/a/b.svg`, await lineChart([{ name: "s", y: [1, 2] }]));
    assert.ok((await Deno.readTextFile(`${dir}/a/b.svg`)).includes("mark-line"));
    await assert.rejects(
      saveSvg(`${dir}/c.svg`, "hello"),
      /saveSvg: expected an SVG document string/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lineChart and historyChart place the legend where asked", async () => {
  const legendOf = (spec: Record<string, unknown>) =>
    (spec.encoding as { color: { legend: Record<string, unknown> | null } }).color.legend;
  assert.deepEqual(legendOf(lineChartSpec([{ name: "a", y: [1] }])), {
    title: null,
    labelLimit: 400,
  });
  assert.equal(legendOf(lineChartSpec([{ name: "a", y: [1] }], { legend: "none" })), null);
  assert.equal(
    legendOf(lineChartSpec([{ name: "a", y: [1] }], { legend: "top-left" }))?.orient,
    "top-left",
  );
  const panels = historyChartSpec(LOG, { legend: "bottom-right" }).hconcat as Record<
    string,
    unknown
  >[];
  assert.equal(legendOf(panels[0])?.orient, "bottom-right");
  assert.throws(
    () => lineChartSpec([{ name: "a", y: [1] }], { legend: "middle" as never }),
    /lineChart: legend must be one of right, top-left, top-right, bottom-left, bottom-right, none, got "middle"/,
  );
  const svg = await lineChart([{ name: "a", y: [1, 2] }], { legend: "none" });
  assert.ok(!svg.includes('aria-roledescription="legend"'));
});
