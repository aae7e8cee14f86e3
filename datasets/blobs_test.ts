import assert from "node:assert/strict";
import { blobs } from "./blobs.ts";

Deno.test("blobs splits points evenly and centres them on the given centres with the given spread", () => {
  const { x, y, centers } = blobs({
    n: 3001,
    centers: [[0, 0, 0], [5, 5, 5], [-5, 10, 0]],
    std: [0.5, 1, 2],
    seed: 2,
  });
  assert.deepEqual(x.shape, [3001, 3]);
  assert.deepEqual(centers.toArray(), [[0, 0, 0], [5, 5, 5], [-5, 10, 0]]);
  const rows = x.toArray() as number[][];
  const labels = y.toArray() as number[];
  assert.deepEqual([0, 1, 2].map((j) => labels.filter((l) => l === j).length), [1001, 1000, 1000]);
  [[0, 0, 0, 0.5], [5, 5, 5, 1], [-5, 10, 0, 2]].forEach((c, j) => {
    const pts = rows.filter((_, i) => labels[i] === j);
    for (let d = 0; d < 3; d++) {
      const vals = pts.map((p) => p[d]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (vals.length - 1));
      assert.ok(
        Math.abs(mean - c[d]) < 4 * c[3] / Math.sqrt(vals.length),
        `blob ${j} dim ${d} mean ${mean}`,
      );
      assert.ok(Math.abs(sd / c[3] - 1) < 0.1, `blob ${j} dim ${d} sd ${sd}`);
    }
  });
});

Deno.test("blobs draws centres in the box when given a count, and is seeded", () => {
  const a = blobs({ n: 10, centers: 4, dim: 5, box: [0, 1], seed: 9 });
  assert.deepEqual(a.centers.shape, [4, 5]);
  assert.ok(a.centers.min().item() >= 0 && a.centers.max().item() < 1);
  assert.deepEqual(
    a.x.toArray(),
    blobs({ n: 10, centers: 4, dim: 5, box: [0, 1], seed: 9 }).x.toArray(),
  );
  // With std 0 every point sits on its centre: rows 0-2 on centre 0, 3-4 on 1, 5-6 on 2.
  const exact = blobs({ n: 7, centers: 3, std: 0, seed: 4 });
  const c = exact.centers.toArray() as number[][];
  assert.deepEqual(exact.x.toArray(), [0, 0, 0, 1, 1, 2, 2].map((j) => c[j].map(Math.fround)));
});

Deno.test("blobs validates its options", () => {
  assert.throws(() => blobs({ centers: [[0, 0], [1]] }), /centres differ in dimension/);
  assert.throws(() => blobs({ centers: [] }), /non-empty array/);
  assert.throws(() => blobs({ centers: [[0], [1]], std: [1] }), /std has 1 entries for 2 centres/);
  assert.throws(() => blobs({ std: -1 }), /std must be a finite number >= 0/);
  assert.throws(() => blobs({ box: [1, 0] }), /box must be \[low, high\]/);
});

Deno.test("blobs names itself for a std that is neither a number nor an array", () => {
  assert.throws(
    () => blobs({ n: 4, std: {} as never }),
    /^TypeError: blobs: std must be a number or an array of one per centre, got an object$/,
  );
});
