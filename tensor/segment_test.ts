import assert from "node:assert/strict";
import fc from "fast-check";
import { segmentArgReduce, segmentCount, segmentReduce, segmentSoftmax } from "./segment.ts";
import { NDArray } from "./ndarray.ts";
import { array, zeros } from "./creation.ts";

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  width: fc.integer({ min: 1, max: 3 }),
  rows: fc.array(
    fc.tuple(fc.nat(), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 })),
    {
      maxLength: 25,
    },
  ),
}).map(({ n, width, rows }) => ({
  n,
  width,
  index: rows.map(([s]) => s % n),
  // Small integers make ties common: the first extreme must win.
  src: rows.flatMap(([, v]) => v.slice(0, width)),
}));

/** The reduction the long way: one list of values per (segment, column). */
function naive(c: { n: number; width: number; index: number[]; src: number[] }, reduce: string) {
  const values: number[] = [], args: number[] = [];
  for (let i = 0; i < c.n; i++) {
    for (let j = 0; j < c.width; j++) {
      const rows = c.index.flatMap((s, e) => (s === i ? [e] : []));
      const xs = rows.map((e) => c.src[e * c.width + j]);
      if (xs.length === 0) {
        values.push(0);
        args.push(-1);
        continue;
      }
      const sum = xs.reduce((a, b) => a + b, 0);
      const best = reduce === "max" ? Math.max(...xs) : Math.min(...xs);
      values.push(reduce === "sum" ? sum : reduce === "mean" ? sum / xs.length : best);
      args.push(rows[xs.indexOf(best)]);
    }
  }
  return { values, args };
}

Deno.test("segmentReduce sum/mean/max/min equal the naive reduction (ties: the first row wins)", () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const src = NDArray.fromTyped(Float64Array.from(c.src), [c.index.length, c.width]);
      for (const reduce of ["sum", "mean", "max", "min"] as const) {
        const want = naive(c, reduce);
        const got = segmentReduce(src, c.index, c.n, reduce);
        assert.deepEqual(got.shape, [c.n, c.width]);
        got.data.forEach((v, i) =>
          assert.ok(Math.abs(v - want.values[i]) < 1e-12, `${reduce} ${i}`)
        );
        if (reduce === "max" || reduce === "min") {
          const { indices } = segmentArgReduce(src, c.index, c.n, reduce);
          assert.deepEqual([...indices.data], want.args);
        }
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("segmentReduce keeps trailing axes, takes int32 for sum/max/min, and counts rows", () => {
  const src = array([[[1, 2]], [[3, 4]], [[5, 6]]]); // [3, 1, 2]
  assert.deepEqual(segmentReduce(src, array([1, 1, 0], { dtype: "int32" }), 2).toArray(), [
    [[5, 6]],
    [[4, 6]],
  ]);
  const ints = array([7, -2, 4], { dtype: "int32" });
  assert.deepEqual(segmentReduce(ints, [0, 0, 0], 1, "max").toArray(), [7]);
  assert.equal(segmentReduce(ints, [0, 0, 0], 1, "sum").dtype, "int32");
  assert.deepEqual(segmentCount([3, 3, 0], 4).toArray(), [1, 0, 0, 2]);
  assert.deepEqual(segmentReduce(zeros([0, 2]), [], 2, "max").toArray(), [[0, 0], [0, 0]]);
});

Deno.test("segment maxima: NaN wins over numbers and is kept", () => {
  const { values, indices } = segmentArgReduce(array([1, NaN, 5, 2]), [0, 0, 0, 1], 2, "max");
  assert.ok(Number.isNaN(values.data[0]));
  assert.deepEqual([...indices.data], [1, 3]);
});

Deno.test("segmentSoftmax sums to 1 in each segment and equals a softmax of each segment", () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const src = NDArray.fromTyped(Float64Array.from(c.src), [c.index.length, c.width]);
      const p = segmentSoftmax(src, c.index, c.n);
      for (let i = 0; i < c.n; i++) {
        for (let j = 0; j < c.width; j++) {
          const rows = c.index.flatMap((s, e) => (s === i ? [e] : []));
          const z = rows.map((e) => Math.exp(c.src[e * c.width + j]));
          const total = z.reduce((a, b) => a + b, 0);
          rows.forEach((e, r) =>
            assert.ok(Math.abs(p.data[e * c.width + j] - z[r] / total) < 1e-12)
          );
        }
      }
    }),
    { numRuns: 100 },
  );
  // Large scores do not overflow: the segment maximum is subtracted first.
  assert.deepEqual(segmentSoftmax(array([1000, 1000]), [0, 0], 1).toArray(), [0.5, 0.5]);
});

Deno.test("segment ops name the offending index and shape", () => {
  const src = zeros([3, 2]);
  assert.throws(
    () => segmentReduce(src, [0, 5, 0], 3),
    /segmentReduce: index\[1\] = 5 is outside 0\.\.2 \(numSegments 3\)/,
  );
  assert.throws(() => segmentReduce(src, [0, -1, 0], 3), /index\[1\] = -1 is outside/);
  assert.throws(() => segmentReduce(src, [0, 0.5, 0], 3), /index\[1\] = 0\.5 is not an integer/);
  assert.throws(
    () => segmentReduce(src, [0, 0], 3),
    /index has 2 entries but src has 3 rows \(shape \[3, 2\]\)/,
  );
  assert.throws(
    () => segmentReduce(src, [0, 0, 0], -1),
    /numSegments must be an integer in \[0, 2147483647\], got -1/,
  );
  assert.throws(
    () => segmentReduce(src, [0, 0, 0], 3, "prod" as "sum"),
    /reduce must be "sum", "mean", "max" or "min"/,
  );
  assert.throws(
    () => segmentReduce(array([1], { dtype: "int32" }), [0], 1, "mean"),
    /src must be float32 or float64/,
  );
  assert.throws(() => segmentSoftmax(array(1), [0], 1), /src must be at least 1-d/);
  assert.throws(() => segmentCount([0, 2], 2), /segmentCount: index\[1\] = 2 is outside 0\.\.1/);
});
