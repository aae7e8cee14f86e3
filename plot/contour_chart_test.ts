import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { contourChart, contourChartSpec, contourLines } from "./contour_chart.ts";
import { marks } from "./_test_marks.ts";

const sorted = (line: { x: number[]; y: number[] }) =>
  line.x.map((x, i) => [x, line.y[i]]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);

Deno.test("contourLines: a plane's level is one straight segment; crossings interpolate linearly", () => {
  // f(x, y) = x + y on [0, 1]², sampled at the corners only
  const [one] = contourLines([[0, 1], [1, 2]], { x: [0, 1], y: [0, 1] }, [1]);
  assert.equal(one.lines.length, 1);
  assert.deepEqual(sorted(one.lines[0]), [[0, 1], [1, 0]]);
  const [half] = contourLines(array([[0, 1], [1, 2]]), { x: [0, 2], y: [0, 4] }, [0.5]);
  assert.deepEqual(sorted(half.lines[0]), [[0, 2], [1, 0]]);
  // on an 11 × 11 grid the level runs from edge to edge as a single polyline, open at both ends
  const grid = Array.from(
    { length: 11 },
    (_, j) => Array.from({ length: 11 }, (_, i) => (i + j) / 10),
  );
  const [long] = contourLines(grid, { x: [0, 1], y: [0, 1] }, [0.55]);
  assert.equal(long.lines.length, 1);
  const line = long.lines[0];
  for (let k = 0; k < line.x.length; k++) assert.ok(Math.abs(line.x[k] + line.y[k] - 0.55) < 1e-12);
  const ends = [[line.x[0], line.y[0]], [line.x.at(-1)!, line.y.at(-1)!]].sort((p, q) =>
    p[0] - q[0]
  );
  assert.deepEqual(ends.map((p) => p.map((v) => Math.round(v * 100) / 100)), [[0, 0.55], [
    0.55,
    0,
  ]]);
});

Deno.test("contourLines: a circle closes on itself at the right radius", () => {
  const n = 41, h = 2 / (n - 1);
  const grid = Array.from(
    { length: n },
    (_, j) => Array.from({ length: n }, (_, i) => (-1 + i * h) ** 2 + (-1 + j * h) ** 2),
  );
  const [c] = contourLines(grid, { x: [-1, 1], y: [-1, 1] }, [0.25]);
  assert.equal(c.lines.length, 1);
  const { x, y } = c.lines[0];
  assert.deepEqual([x[0], y[0]], [x.at(-1), y.at(-1)]); // closed
  for (let k = 0; k < x.length; k++) assert.ok(Math.abs(Math.hypot(x[k], y[k]) - 0.5) < 0.01);
  assert.ok(x.length > 30);
});

Deno.test("contourLines: saddles follow the cell centre; non-finite cells are skipped", () => {
  // high corners at bottom-left and top-right; centre value 0.5 ≥ 0.5 joins them
  const [join] = contourLines([[1, 0], [0, 1]], { x: [0, 1], y: [0, 1] }, [0.5]);
  assert.deepEqual(join.lines.map(sorted).sort(), [[[0, 0.5], [0.5, 1]], [[0.5, 0], [1, 0.5]]]);
  const [split] = contourLines([[1, 0], [0, 1]], { x: [0, 1], y: [0, 1] }, [0.6]);
  assert.deepEqual(split.lines.map(sorted).sort(), [[[0, 0.4], [0.4, 0]], [[0.6, 1], [1, 0.6]]]);
  const [none] = contourLines([[0, NaN], [1, 2]], { x: [0, 1], y: [0, 1] }, [1]);
  assert.deepEqual(none.lines, []);
  assert.throws(
    () => contourLines([[1, 2]], { x: [0, 1], y: [0, 1] }, [1]),
    /contourLines: values need at least 2 × 2 grid points, got \[1, 2\]/,
  );
  assert.throws(
    () => contourLines([[1, 2], [3, 4]], { x: [0, 1], y: [0, 1] }, [NaN]),
    /levels must be an array of finite numbers/,
  );
});

Deno.test("contourChart: one path per contour line, coloured by level; paths with arrowheads", async () => {
  const bowl = (x: number, y: number) => x * x + y * y;
  const svg = await contourChart(bowl, {
    domain: { x: [-1, 1], y: [-1, 1] },
    resolution: 41,
    levels: [0.1, 0.4],
    paths: [{ name: "descent", x: [0.8, 0.4, 0.2], y: [0.6, 0.3, 0.15] }],
    title: "bowl",
  });
  const lines = marks(svg, "mark-line role-mark layer_0_marks");
  assert.equal(lines.length, 2); // two circles
  const strokes = lines.map((l) => /stroke="([^"]+)"/.exec(l.tag)?.[1]);
  assert.notEqual(strokes[0], strokes[1]);
  // layer 1 is the legend's carrier; the path is a line with dots at its vertices
  assert.equal(marks(svg, "mark-line role-mark layer_2_layer_0_marks").length, 1);
  assert.equal(marks(svg, "mark-symbol role-mark layer_2_layer_1_marks").length, 3);
  assert.equal(marks(svg, "mark-symbol role-mark layer_3_marks").length, 2); // its arrowheads
  for (const t of [">descent<", ">bowl<", ">f<"]) assert.ok(svg.includes(t), t);
});

Deno.test("contourChartSpec: level spacing, grids of values, validation", () => {
  const levelsOf = (spec: Record<string, unknown>) => {
    const rows = (spec.layer as { data: { values: { level: number }[] } }[])[0].data.values;
    return [...new Set(rows.map((r) => r.level))];
  };
  const ramp = (x: number) => x; // values 0 … 9 on a 10-point grid over [0, 9]
  const domain = { x: [0, 9], y: [0, 1] } as const;
  assert.deepEqual(levelsOf(contourChartSpec(ramp, { domain, resolution: 10, levels: 2 })), [3, 6]);
  const log = levelsOf(
    contourChartSpec((x) => 2 ** x, { domain, resolution: 10, levels: 2, levelSpacing: "log" }),
  );
  assert.deepEqual(log.map((v) => Math.round(v * 1e9) / 1e9), [8, 64]);
  assert.deepEqual(
    levelsOf(
      contourChartSpec(ramp, { domain, resolution: 10, levels: 1, levelSpacing: "quantile" }),
    ),
    [4],
  );
  // a grid [ny, nx] of values: x + y, three rows
  const grid = array([[0, 1, 2], [1, 2, 3], [2, 3, 4]]);
  assert.deepEqual(
    levelsOf(contourChartSpec(grid, { domain: { x: [0, 2], y: [0, 2] }, levels: [2] })),
    [2],
  );
  assert.throws(
    () => contourChartSpec(ramp, {} as never),
    /contourChartSpec: options.domain .* is required/,
  );
  assert.throws(
    () => contourChartSpec(() => "a" as never, { domain }),
    /contourChartSpec: f\(0, 0\) must return a number, got "a"/,
  );
  assert.throws(
    () => contourChartSpec((x) => x - 5, { domain, levelSpacing: "log", levels: 3, resolution: 3 }),
    /contourChartSpec: log-spaced levels need positive values/,
  );
  assert.throws(
    () => contourChartSpec(ramp, { domain, resolution: 1 }),
    /resolution must be an integer in \[2, 2000\], got 1/,
  );
  assert.throws(
    () => contourChartSpec(ramp, { domain, levelSpacing: "cubic" as never }),
    /levelSpacing must be one of "linear", "log", "quantile"/,
  );
});

Deno.test("contourChart and contourChartSpec name the function called in their errors", () => {
  assert.throws(
    () => contourChartSpec((x) => x, { domain: null as never }),
    /contourChartSpec: options.domain .* is required, got null/,
  );
  assert.throws(
    () => contourChart((x) => x, { domain: { x: [1, 1], y: [0, 1] } }),
    /contourChart: domain.x must be \[low, high\] with low < high/,
  );
});
