import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assertClose, NDArray, Rng } from "@nnc/tensor";
import { KMeans, kmeansPlusPlus, lloyd } from "./kmeans.ts";

const MOCK_Q1 = [[-0.01, 1], [1, 1], [0.01, -1], [-1, -1]];

interface SklearnCase {
  name: string;
  x: number[][];
  init: number[][];
  maxIter: number;
  tol: number;
  labels: number[];
  centers: number[][];
  inertia: number;
  nIter: number;
}

function fixtures(): SklearnCase[] {
  return JSON.parse(
    Deno.readTextFileSync(new URL("./fixtures/kmeans_sklearn.json", import.meta.url)),
  ).cases;
}

Deno.test("lloyd: mock final Q1 (a) from the second and third points ends at (±0.495, ±1)", () => {
  // spec: 001-004/G1
  const r = lloyd(MOCK_Q1, [[1, 1], [0.01, -1]]);
  assert.deepEqual(r.centers.toArray(), [[0.495, 1], [-0.495, -1]]);
  assert.deepEqual(Array.from(r.labels.data), [0, 0, 1, 1]);
  assert.equal(r.nIter, 2);
  assert.equal(r.converged, true);
  // Every point lies at squared distance 0.255025 from its centre: E = 1.0201.
  assertClose(r.inertia, 1.0201, { rtol: 1e-12 });
  assert.equal(r.history[0].changed, 4);
  assert.equal(r.history[1].changed, 0);
  assertClose(r.history[1].inertia, 1.0201, { rtol: 1e-12 });
});

Deno.test("lloyd: mock final Q1 (b) the partition {x1, x4}, {x2, x3} is a fixed point at (∓0.505, 0)", () => {
  // spec: 001-004/G1
  const r = lloyd(MOCK_Q1, [[-1, 0], [1, 0]]);
  assert.deepEqual(r.centers.toArray(), [[-0.505, 0], [0.505, 0]]);
  assert.deepEqual(Array.from(r.labels.data), [0, 1, 1, 0]);
  assertClose(r.inertia, 4.9801, { rtol: 1e-12 });
  // The notes' pitfall: starting at x1 and x4 does not give (b); it converges to (a).
  const pit = lloyd(MOCK_Q1, [MOCK_Q1[0], MOCK_Q1[3]]);
  assertClose(pit.centers, [[0.495, 1], [-0.495, -1]], { rtol: 1e-12 });
});

Deno.test("lloyd: inertia never increases over the iterations (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 5 }), (seed, k) => {
      const rng = new Rng(seed);
      const x = Array.from({ length: 40 }, () => [rng.normal() * 3, rng.normal(), rng.normal()]);
      const init = x.slice(0, k);
      const r = lloyd(x, init, { tol: 0, emptyCluster: "keep" });
      for (let i = 1; i < r.history.length; i++) {
        assert.ok(r.history[i].inertia <= r.history[i - 1].inertia * (1 + 1e-12) + 1e-12);
      }
      assert.ok(r.inertia <= r.history[r.history.length - 1].inertia * (1 + 1e-12) + 1e-12);
    }),
    { numRuns: 40 },
  );
});

for (const c of fixtures()) {
  Deno.test(`lloyd: matches scikit-learn 1.2 Lloyd iterations from the same centres (${c.name})`, () => {
    const r = lloyd(c.x, c.init, { maxIter: c.maxIter, tol: c.tol });
    assert.deepEqual(Array.from(r.labels.data), c.labels);
    assertClose(r.centers, c.centers, { atol: 1e-5, rtol: 0 });
    assertClose(r.inertia, c.inertia, { rtol: 1e-9 });
    assert.equal(r.nIter, c.nIter);
  });
}

Deno.test("lloyd: float32 data runs in float32 and agrees with float64", () => {
  const c = fixtures()[0];
  const x32 = array(c.x, { dtype: "float32" });
  const r = lloyd(x32, c.init);
  assert.equal(r.centers.dtype, "float32");
  assert.deepEqual(Array.from(r.labels.data), c.labels);
  assertClose(r.centers, c.centers, { atol: 1e-4, rtol: 0 });
});

Deno.test("lloyd: empty-cluster policies", () => {
  const x = [[0, 0], [0, 1], [5, 5], [6, 5]];
  const init = [[0, 0.5], [5.5, 5], [100, 100]];
  const keep = lloyd(x, init, { emptyCluster: "keep" });
  assert.deepEqual(keep.centers.toArray(), [[0, 0.5], [5.5, 5], [100, 100]]);
  assert.equal(keep.history[0].empty, 1);
  // Farthest: every point is 0.5 from its centre; the first of them (x0) moves to the empty cluster.
  const far = lloyd(x, init, { emptyCluster: "farthest" });
  assert.deepEqual(far.centers.toArray(), [[0, 1], [5.5, 5], [0, 0]]);
  assert.deepEqual(Array.from(far.labels.data), [2, 0, 1, 1]);
  assert.throws(
    () => lloyd(x, init, { emptyCluster: "error" }),
    /lloyd: 1 cluster\(s\) became empty at iteration 1/,
  );
});

Deno.test("lloyd: maxIter stops early and relabels to the final centres", () => {
  const r = lloyd([[0], [1], [2], [10], [11]], [[0], [1]], { maxIter: 1 });
  assert.equal(r.nIter, 1);
  assert.equal(r.converged, false);
  // After one step the centres are 0 and 6 (mean of 1, 2, 10, 11); 2 is now nearer 0.
  assert.deepEqual(r.centers.toArray(), [[0], [6]]);
  assert.deepEqual(Array.from(r.labels.data), [0, 0, 0, 1, 1]);
  assert.equal(r.inertia, 0 + 1 + 4 + 16 + 25);
});

Deno.test("kmeansPlusPlus: picks existing points, one per well-separated group, reproducibly", () => {
  const rng = new Rng(3);
  const groups = [[0, 0], [50, 0], [0, 50], [50, 50]];
  const x = groups.flatMap(([a, b]) =>
    Array.from({ length: 25 }, () => [a + rng.normal(), b + rng.normal()])
  );
  const c1 = kmeansPlusPlus(x, 4, { rng: new Rng(9) });
  const c2 = kmeansPlusPlus(x, 4, { rng: new Rng(9) });
  assert.deepEqual(c1.toArray(), c2.toArray());
  const rows = c1.toArray() as number[][];
  const keys = x.map((r) => r.join());
  for (const r of rows) assert.ok(keys.includes(r.join()));
  const cells = new Set(rows.map(([a, b]) => `${Math.round(a / 50)},${Math.round(b / 50)}`));
  assert.equal(cells.size, 4);
});

Deno.test("KMeans: k-means++ with restarts finds the four groups; predict/transform/score agree", () => {
  const rng = new Rng(11);
  const centres = [[0, 0], [8, 0], [0, 8], [8, 8]];
  const x = centres.flatMap(([a, b]) =>
    Array.from({ length: 30 }, () => [a + rng.normal(), b + rng.normal()])
  );
  const km = new KMeans({ nClusters: 4, nInit: 3, rng: new Rng(2) }).fit(x);
  const found = (km.centers.toArray() as number[][]).map(([a, b]) =>
    `${Math.round(a / 8)},${Math.round(b / 8)}`
  );
  assert.deepEqual(found.sort(), ["0,0", "0,1", "1,0", "1,1"]);
  assert.deepEqual(Array.from(km.predict(x).data), Array.from(km.labels.data));
  const d = km.transform(x).toArray() as number[][];
  const c = km.centers.toArray() as number[][];
  assertClose(d[5][2], Math.hypot(x[5][0] - c[2][0], x[5][1] - c[2][1]), { rtol: 1e-9 });
  const sq = km.transform(x, { squared: true }).toArray() as number[][];
  const inertia = sq.reduce((s, row, i) => s + row[km.labels.data[i]], 0);
  assertClose(inertia, km.inertia, { rtol: 1e-9 });
  assertClose(km.score(x), -km.inertia, { rtol: 1e-12 });
  assert.deepEqual(Array.from(km.fitPredict(x).data), Array.from(km.labels.data));
});

Deno.test("KMeans: random init with nInit keeps the best run", () => {
  const x = [[0], [1], [2], [10], [11], [12], [30], [31]];
  const one = new KMeans({ nClusters: 3, init: "random", nInit: 1, rng: new Rng(4) }).fit(x);
  const many = new KMeans({ nClusters: 3, init: "random", nInit: 20, rng: new Rng(4) }).fit(x);
  assert.ok(many.inertia <= one.inertia);
  // The best of 20 random starts finds the optimum: groups {0,1,2}, {10,11,12}, {30,31}.
  assertClose(many.inertia, 2 + 2 + 0.5, { rtol: 1e-12 });
});

Deno.test("KMeans: bad input is a clear error naming the learner, the value and the expectation", () => {
  assert.throws(() => new KMeans({ nClusters: 5 }).fit(MOCK_Q1), {
    name: "RangeError",
    message: "KMeans.fit: nClusters = 5 exceeds the number of samples 4; expected nClusters <= 4",
  });
  assert.throws(() => new KMeans({ nClusters: 2 }).fit([[0, 1], [NaN, 2], [3, 4]]), {
    name: "RangeError",
    message: "KMeans.fit: x contains NaN at row 1, column 0; expected finite values",
  });
  const km = new KMeans({ nClusters: 2, init: [[1, 1], [0.01, -1]] }).fit(MOCK_Q1);
  assert.throws(() => km.predict([[1, 2, 3]]), {
    name: "RangeError",
    message: "KMeans.predict: x has 3 features (shape [1, 3]), expected 2",
  });
  assert.throws(
    () => new KMeans({ nClusters: 2, init: [[1, 1, 1], [0, 0, 0]] }).fit(MOCK_Q1),
    /init centres have shape \[2, 3\], expected 2 features/,
  );
  assert.throws(
    () => new KMeans({ nClusters: 3, init: [[1, 1], [0, 0]] }).fit(MOCK_Q1),
    /init has 2 centres .* expected nClusters = 3/,
  );
  assert.throws(() => new KMeans({ nClusters: 0 }), {
    name: "RangeError",
    message: "KMeans: nClusters must be an integer >= 1, got 0",
  });
  assert.throws(
    () => new KMeans({ nClusters: 2, init: "kmeans" as "random" }),
    /KMeans: init must be one of "k-means\+\+", "random", got "kmeans"/,
  );
  assert.throws(
    () => new KMeans({ nClusters: 2, init: [[0, 0], [1, 1]], nInit: 3 }),
    /nInit = 3 with explicit initial centres/,
  );
  assert.throws(() => new KMeans({ nClusters: 2 }).predict(MOCK_Q1), {
    name: "TypeError",
    message: /not fitted yet/,
  });
  assert.throws(() => lloyd([1, 2, 3] as unknown as number[][], [[1]]), { name: "TypeError" });
  assert.throws(
    () => lloyd(NDArray.fromTyped(new Float64Array(3), [3]), [[1]]),
    /lloyd: x must be 2-d \[samples, features\], got shape \[3\]/,
  );
  assert.throws(
    () => lloyd(MOCK_Q1, [[1, 1]], { maxIter: 0 }),
    /lloyd: maxIter must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => lloyd(MOCK_Q1, [[1, 1]], { tol: -1 }),
    /lloyd: tol must be a finite number >= 0, got -1/,
  );
});

Deno.test("lloyd: data far from the origin (float32, offset 1e4) is centred, so assignments stay exact", () => {
  const rng = new Rng(12);
  const rows = Array.from(
    { length: 200 },
    (_, i) => [1e4 + (i % 2) + 0.05 * rng.normal(), 1e4 + 0.05 * rng.normal()],
  );
  const x = array(rows, { dtype: "float32" });
  const r = lloyd(x, [rows[0], rows[1]]);
  assert.deepEqual(Array.from(r.labels.data), rows.map((_, i) => i % 2));
  const c = r.centers.toArray() as number[][];
  assertClose(c[1][0] - c[0][0], 1, { atol: 0.02, rtol: 0 });
  // Every point is about 0.05·√2 from its centre: inertia ≈ 200 · 0.005.
  assertClose(r.inertia, 1, { rtol: 0.2 });
});

Deno.test("KMeans: predict, transform and score on data far from the origin use the training centring", () => {
  const rows = Array.from(
    { length: 100 },
    (_, i) => [1e4 + (i % 2) + 0.01 * Math.sin(i), 1e4 + 0.01 * Math.cos(i)],
  );
  const x = array(rows, { dtype: "float32" });
  const km = new KMeans({ nClusters: 2, init: [rows[0], rows[1]] }).fit(x);
  assert.deepEqual(Array.from(km.predict(x).data), Array.from(km.labels.data));
  const t = km.transform(array([[1e4, 1e4]], { dtype: "float32" })).toArray() as number[][];
  const c = km.centers.toArray() as number[][];
  assertClose(t[0], c.map((ci) => Math.hypot(ci[0] - 1e4, ci[1] - 1e4)), { atol: 1e-3, rtol: 0 });
  assertClose(km.score(x), -km.inertia, { rtol: 1e-3 });
});

Deno.test("lloyd names itself when its options are not an object", () => {
  assert.throws(
    () => lloyd([[0, 0], [1, 1]], [[0, 0]], null as never),
    /^TypeError: lloyd: options must be an object, got null$/,
  );
});
