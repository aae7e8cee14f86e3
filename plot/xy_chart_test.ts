import assert from "node:assert/strict";
import fc from "fast-check";
import { array, NDArray } from "@nnc/tensor";
import { voronoiCells, xyChart, xyChartSpec, type XYLayer } from "./xy_chart.ts";
import { marks } from "./_test_marks.ts";

type Layer = {
  data: { values: Record<string, unknown>[] };
  mark: Record<string, unknown>;
  encoding: Record<string, { scale?: { domain?: unknown; range?: unknown } }>;
};

Deno.test("xyChart: polygons, grouped points, labels, arrows and one legend in order", async () => {
  const layers: XYLayer[] = [
    { type: "polygon", x: [0, 1, 0], y: [0, 0, 1], name: "A" },
    { type: "polygon", x: [1, 1, 0], y: [0, 1, 1], name: "B", outline: true },
    {
      type: "points",
      x: [0.2, 0.8, 0.7],
      y: [0.2, 0.9, 0.6],
      groups: ["A", "B", "B"],
      labels: ["p1", "p2", "p3"],
    },
    { type: "points", x: [0.5], y: [0.5], shape: "diamond", name: "centre", color: "#111111" },
    { type: "line", x: [0, 0.5, 0.5, 1], y: [0, 0, 0.5, 0.5], name: "path", arrows: true },
    { type: "text", x: [0.9], y: [0.1], text: ["note <1>"] },
  ];
  const svg = await xyChart(layers, { domain: { x: [0, 1], y: [0, 1] }, title: "xy" });
  // layer 0 is the legend's invisible carrier: one point per entry
  assert.equal(marks(svg, "mark-symbol role-mark layer_0_marks").length, 4);
  assert.equal(marks(svg, "mark-line role-mark layer_1_marks").length, 1);
  assert.equal(marks(svg, "mark-line role-mark layer_2_marks").length, 1);
  const points = marks(svg, "mark-symbol role-mark layer_3_marks");
  assert.equal(points.length, 3);
  assert.deepEqual(marks(svg, "mark-text role-mark layer_4_marks").map((m) => m.text), [
    "p1",
    "p2",
    "p3",
  ]);
  assert.equal(marks(svg, "mark-symbol role-mark layer_5_marks").length, 1);
  assert.equal(marks(svg, "mark-line role-mark layer_6_marks").length, 1);
  // three segments, three arrowheads
  assert.equal(marks(svg, "mark-symbol role-mark layer_7_marks").length, 3);
  assert.deepEqual(marks(svg, "mark-text role-mark layer_8_marks").map((m) => m.text), [
    "note &lt;1&gt;",
  ]);
  // a point of group A has the fill of polygon A (the first palette colour)
  assert.match(points[0].tag, /fill="#4c78a8"/);
  assert.match(points[1].tag, /fill="#f58518"/);
  assert.match(marks(svg, "mark-symbol role-mark layer_5_marks")[0].tag, /fill="#111111"/);
  const legend = svg.slice(svg.indexOf('aria-roledescription="legend"'));
  const order = ["A", "B", "centre", "path"].map((n) => legend.indexOf(`>${n}<`));
  assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1])), String(order));
});

Deno.test("xyChartSpec: arrowheads point along the path; equalAspect widens the short side", () => {
  const spec = xyChartSpec(
    [{ type: "line", x: [0, 1, 1], y: [0, 0, -1], arrows: true, color: "red" }],
    { domain: { x: [0, 1], y: [-1, 0] }, width: 200, height: 200 },
  );
  const [line, heads] = spec.layer as Layer[];
  assert.equal(line.mark.color, "red");
  assert.deepEqual(heads.data.values, [
    { x: 0.5, y: 0, angle: 90, series: null }, // rightwards
    { x: 1, y: -0.5, angle: 180, series: null }, // downwards
  ]);
  const x = xyChartSpec([{ type: "points", x: [0], y: [0], shape: "x" }]);
  assert.match(String((x.layer as Layer[])[0].mark.shape), /^M-1,-0\.7L/); // a filled diagonal cross
  const wide = xyChartSpec([{ type: "points", x: [0, 1], y: [0, 1] }], {
    domain: { x: [0, 1], y: [0, 1] },
    width: 400,
    height: 200,
    equalAspect: true,
  });
  const enc = (wide.layer as Layer[])[0].encoding;
  assert.deepEqual(enc.x.scale?.domain, [-0.5, 1.5]);
  assert.deepEqual(enc.y.scale?.domain, [0, 1]);
  // without a domain the coordinates are fitted with a 5 % margin
  const fitted = (xyChartSpec([{ type: "points", x: [0, 10], y: [5, 5] }]).layer as Layer[])[0];
  assert.deepEqual(fitted.encoding.x.scale?.domain, [-0.5, 10.5]);
  assert.deepEqual(fitted.encoding.y.scale?.domain, [4, 6]);
});

Deno.test("xyChart: decision regions tile the area in faded legend colours, no seams", async () => {
  const quadrant = (p: NDArray) => {
    const a = p.toArray() as number[][];
    return NDArray.fromTyped(Int32Array.from(a, ([x, y]) => (x * y > 0 ? 1 : 0)));
  };
  const spec = xyChartSpec(
    [{ type: "regions", classify: quadrant, resolution: 4, names: ["odd", "even"], opacity: 0.5 }],
    { domain: { x: [-1, 1], y: [-1, 1] } },
  );
  const rows = (spec.layer as Layer[])[1].data.values;
  // rows of 4 cells, 2 runs each; each run reaches half a cell (0.25) into the next run and row
  assert.equal(rows.length, 8);
  assert.deepEqual(rows[0], {
    x: -1,
    x2: 0.25,
    y: -1,
    y2: -0.25,
    series: "even",
    fill: "#fac28c",
  });
  assert.deepEqual(rows[7], { x: 0, x2: 1, y: 0.5, y2: 1, series: "even", fill: "#fac28c" });
  assert.equal(rows[1].fill, "#a6bcd4"); // #4c78a8 half-way to white
  const svg = await xyChart(
    [{ type: "regions", classify: quadrant, resolution: 4 }],
    { domain: { x: [-1, 1], y: [-1, 1] } },
  );
  assert.equal(marks(svg, "mark-rect role-mark layer_1_marks").length, 8);
  assert.ok(svg.includes(">0<") && svg.includes(">1<")); // default class names in the legend
});

Deno.test("xyChart validates its layers and options", () => {
  const spec = (layers: unknown, options = {}) => () => xyChartSpec(layers as XYLayer[], options);
  assert.throws(spec({}), /xyChartSpec: layers must be an array/);
  assert.throws(
    spec([{ type: "bars", x: [1], y: [1] }]),
    /layers\[0\]\.type must be one of "points", "line", "text", "polygon", "regions", got "bars"/,
  );
  assert.throws(
    spec([{ type: "line", x: [1, 2], y: [1] }]),
    /xyChartSpec: layers\[0\] has 2 x but 1 y coordinates/,
  );
  assert.throws(
    spec([{ type: "points", x: [1, 2], y: [1, 2], groups: ["a"] }]),
    /layers\[0\]\.groups must be an array of 2 strings/,
  );
  assert.throws(
    spec([{ type: "points", x: [1], y: [1], shape: "hexagon" }]),
    /layers\[0\]\.shape must be one of circle, square/,
  );
  assert.throws(
    spec([{ type: "polygon", x: [1, 2], y: [1, 2] }]),
    /layers\[0\] needs at least 3 vertices, got 2/,
  );
  assert.throws(spec([{ type: "regions" }]), /layers\[0\]\.classify must be a function/);
  assert.throws(
    spec([{ type: "text", x: ["a"], y: [1], text: ["t"] }]),
    /layers\[0\]\.x\[0\] must be a number, got "a"/,
  );
  assert.throws(
    spec([{ type: "points", x: [1], y: [1] }], { logY: true, domain: { y: [-1, 1] } }),
    /a logarithmic y axis needs domain.y above 0/,
  );
  assert.throws(
    spec([{ type: "points", x: [1], y: [1] }], { legend: "left" }),
    /xyChartSpec: legend must be one of right, top-left/,
  );
  assert.throws(
    spec([{ type: "points", x: [1], y: [1] }], { domain: { x: [1, 0] } }),
    /domain.x must be \[low, high\] with low < high/,
  );
});

/** Whether p is inside (or on) the convex counter-clockwise polygon. */
function inside(poly: { x: number[]; y: number[] }, p: [number, number]): boolean {
  const n = poly.x.length;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const cross = (poly.x[j] - poly.x[i]) * (p[1] - poly.y[i]) -
      (poly.y[j] - poly.y[i]) * (p[0] - poly.x[i]);
    if (cross < -1e-9) return false;
  }
  return true;
}

function area(poly: { x: number[]; y: number[] }): number {
  let s = 0;
  for (let i = 0; i < poly.x.length; i++) {
    const j = (i + 1) % poly.x.length;
    s += poly.x[i] * poly.y[j] - poly.x[j] * poly.y[i];
  }
  return s / 2;
}

Deno.test("voronoiCells: two centres split the box on their bisector", () => {
  const [a, b] = voronoiCells(array([[-1, 0], [1, 0]]), { x: [-2, 2], y: [-1, 1] });
  assert.deepEqual(a, { x: [-2, 0, 0, -2], y: [-1, -1, 1, 1] });
  assert.deepEqual(b, { x: [0, 2, 2, 0], y: [-1, -1, 1, 1] });
  // a centre whose cell misses the box
  const [, far] = voronoiCells([[0, 0], [10, 0]], { x: [-1, 1], y: [-1, 1] });
  assert.deepEqual(far, { x: [], y: [] });
  assert.throws(
    () => voronoiCells([[0, 0, 0]] as never, { x: [0, 1], y: [0, 1] }),
    /voronoiCells: centres\[0\] must be \[x, y\]/,
  );
  assert.throws(
    () => voronoiCells(array([[1, 2, 3]]), { x: [0, 1], y: [0, 1] }),
    /voronoiCells: centres must be \[k, 2\], got \[1, 3\]/,
  );
});

Deno.test("voronoiCells: the cells tile the box and each holds the points nearest its centre", () => {
  const coord = fc.double({ min: -1, max: 1, noNaN: true });
  const tenth = fc.integer({ min: -10, max: 10 }).map((v) => v / 10); // centres apart, or equal
  fc.assert(
    fc.property(
      fc.array(fc.tuple(tenth, tenth), { minLength: 1, maxLength: 8 }),
      fc.array(fc.tuple(coord, coord), { minLength: 1, maxLength: 10 }),
      (centres, probes) => {
        const cells = voronoiCells(centres, { x: [-1, 1], y: [-1, 1] });
        const distinct = new Set(centres.map((c) => c.join())).size === centres.length;
        if (distinct) {
          const total = cells.reduce((s, c) => s + area(c), 0);
          assert.ok(Math.abs(total - 4) < 1e-6, `areas add up to ${total}`);
        }
        for (const p of probes) {
          const d = centres.map((c) => (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2);
          const best = d.indexOf(Math.min(...d));
          assert.ok(inside(cells[best], p), `probe ${p} in the cell of centre ${best}`);
        }
      },
    ),
  );
});

Deno.test("xyChart and xyChartSpec name the function called in their errors", () => {
  assert.throws(
    () => xyChartSpec(Symbol() as never),
    /xyChartSpec: layers must be an array, got a symbol/,
  );
  assert.throws(
    () => xyChart([], { width: {} as never }),
    /xyChart: width must be an integer in \[10, 10000\], got an object/,
  );
});
