import assert from "node:assert/strict";
import fc from "fast-check";
import { array } from "@nnc/tensor";
import { histogram, histogramChart, histogramChartSpec } from "./histogram_chart.ts";
import { marks } from "./_test_marks.ts";

Deno.test("histogram: equal bins, the last one closed, NumPy's convention", () => {
  assert.deepEqual(histogram([0, 0.5, 1, 1.5, 2], { bins: 2 }), {
    edges: [0, 1, 2],
    counts: [2, 3],
  });
  // values outside the range and non-finite values are not counted
  assert.deepEqual(histogram([-1, 0.2, 0.7, 3, NaN], { bins: 2, range: [0, 1] }).counts, [1, 1]);
  // density: count / (n · width); n counts every finite value, in range or not
  assert.deepEqual(
    histogram(array([0.1, 0.2, 0.6, 5]), { bins: 2, range: [0, 1], density: true }),
    {
      edges: [0, 0.5, 1],
      counts: [2 / (4 * 0.5), 1 / (4 * 0.5)],
    },
  );
  // an NDArray of any shape is flattened; a single value gets a unit-wide range
  assert.deepEqual(histogram(array([[3, 3], [3, 3]]), { bins: 1 }), {
    edges: [2.5, 3.5],
    counts: [4],
  });
  assert.throws(
    () => histogram([1], { bins: 0 }),
    /histogram: bins must be an integer in \[1, 100000\]/,
  );
  assert.throws(() => histogram("abc" as never), /histogram: values must be an array of numbers/);
});

Deno.test("histogram: every finite value in range lands in exactly one bin", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 50 }),
      (vs, bins) => {
        const h = histogram(vs, { bins });
        assert.equal(h.counts.reduce((a, b) => a + b, 0), vs.length);
        assert.equal(h.edges.length, bins + 1);
        const lowest = Math.min(...vs) === Math.max(...vs) ? vs[0] - 0.5 : Math.min(...vs);
        // `+ 0` turns -0 into 0: an edge at -0 and one at 0 are the same edge.
        assert.equal(h.edges[0] + 0, lowest + 0);
      },
    ),
  );
});

Deno.test("histogramChart: bars per non-empty bin for each series, curves on top, one legend", async () => {
  const svg = await histogramChart(
    [{ name: "a", values: [0, 0, 1, 3] }, { name: "b", values: [2, 2.5] }],
    {
      bins: 3,
      range: [0, 3],
      curves: [{ name: "guide", x: [0, 3], y: [1, 1], dashed: true }],
      title: "hist",
    },
  );
  // layer 0: bars of a (bins [0,1): 2, [1,2): 1, [2,3]: 1); layer 1: bars of b (one bin)
  const a = marks(svg, "mark-rect role-mark layer_0_marks"),
    b = marks(svg, "mark-rect role-mark layer_1_marks");
  assert.equal(a.length, 3);
  assert.equal(b.length, 1);
  assert.match(a[0].tag, /fill="#4c78a8"/);
  assert.match(b[0].tag, /fill="#f58518"/);
  assert.equal(marks(svg, "mark-line role-mark layer_3_marks").length, 1); // after the legend carrier
  for (const t of [">a<", ">b<", ">guide<", ">hist<", ">count<"]) assert.ok(svg.includes(t), t);
  // the tallest bar (2) and the curve (1) fit under the top of the y axis
  const spec = histogramChartSpec([1, 1, 2], { bins: 2, density: true });
  const enc =
    (spec.layer as { encoding: { y: { title: string; scale: { domain: number[] } } } }[])[0]
      .encoding;
  assert.equal(enc.y.title, "density");
  assert.deepEqual(enc.y.scale.domain, [0, (2 / (3 * 0.5)) * 1.05]);
});

Deno.test("histogramChart validates", () => {
  assert.throws(() => histogramChartSpec([]), /histogramChartSpec: series must not be empty/);
  assert.throws(
    () => histogramChartSpec([{ name: "a", values: [1] }, { name: "a", values: [2] }]),
    /series name 'a' is used twice/,
  );
  assert.throws(
    () => histogramChartSpec([{ values: [1] } as never]),
    /series\[0\] must be \{ name, values \}/,
  );
  assert.throws(
    () => histogramChartSpec([1, 2], { opacity: 2 }),
    /opacity must be a number in \[0, 1\]/,
  );
  assert.throws(
    () => histogramChartSpec([1, 2], { curves: [{ name: "c", y: [1, 2] }] }),
    /histogramChartSpec: layers\[0\] has 0 x but 2 y coordinates/,
  );
});

Deno.test("histogramChart and histogramChartSpec name the function called in their errors", () => {
  assert.throws(
    () => histogramChartSpec([{ name: "a", values: [1, {}] as never }]),
    /histogramChartSpec: series\[0\]\.values\[1\] must be a number, got an object/,
  );
  assert.throws(() => histogramChart([]), /histogramChart: series must not be empty/);
});
