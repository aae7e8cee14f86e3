import assert from "node:assert/strict";
import { assertClose, Rng } from "@nnc/tensor";
import { MiniBatchKMeans } from "./minibatch_kmeans.ts";
import { KMeans, lloyd } from "./kmeans.ts";

Deno.test("MiniBatchKMeans: a single batch holding every point with count steps is one Lloyd step", () => {
  const rng = new Rng(1);
  const x = Array.from({ length: 50 }, () => [rng.normal() * 3, rng.normal()]);
  const init = x.slice(0, 3);
  const m = new MiniBatchKMeans({ nClusters: 3, init, batchSize: 50 }).fit(x, {
    epochs: 1,
    shuffle: false,
  });
  assertClose(m.centers, lloyd(x, init, { maxIter: 1 }).centers, { atol: 1e-12, rtol: 0 });
});

Deno.test("MiniBatchKMeans: count rule keeps each centre at the running mean of its points", () => {
  const m = new MiniBatchKMeans({ nClusters: 2, init: [[0, 0], [10, 10]], batchSize: 2 });
  m.partialFit([[1, 0], [9, 10]]);
  // Each centre's first point replaces it (count 1).
  assert.deepEqual(m.centers.toArray(), [[1, 0], [9, 10]]);
  m.partialFit([[3, 2], [11, 12]]);
  assert.deepEqual(m.centers.toArray(), [[2, 1], [10, 11]]);
  assert.deepEqual(m.history.map((h) => h.batchInertia), [(1 + 1) / 2, (8 + 8) / 2]);
});

Deno.test("MiniBatchKMeans: the notes' HW7 rule C ← (1 − α)C + α·m with α = η/5", () => {
  const alpha = 4.5 / 5;
  const m = new MiniBatchKMeans({ nClusters: 2, init: [[0, 0], [10, 10]], learningRate: alpha });
  m.partialFit([[1, 0], [3, 2], [9, 10]]);
  assertClose(m.centers, [[alpha * 2, alpha * 1], [(1 - alpha) * 10 + alpha * 9, 10]], {
    atol: 1e-12,
    rtol: 0,
  });
  // A centre with no point in the batch does not move.
  m.partialFit([[1, 1]]);
  assertClose(m.centers.slice(1), [(1 - alpha) * 10 + alpha * 9, 10], { atol: 1e-12, rtol: 0 });
});

Deno.test("MiniBatchKMeans: on separated blobs it lands close to full k-means", () => {
  const rng = new Rng(5);
  const means = [[0, 0], [6, 0], [0, 6]];
  const x = means.flatMap(([a, b]) =>
    Array.from({ length: 400 }, () => [a + rng.normal(), b + rng.normal()])
  );
  const full = new KMeans({ nClusters: 3, rng: new Rng(1) }).fit(x);
  const mb = new MiniBatchKMeans({ nClusters: 3, batchSize: 64, rng: new Rng(1) }).fit(x, {
    epochs: 5,
  });
  assert.ok(mb.inertia(x) < full.inertia * 1.01, `${mb.inertia(x)} vs ${full.inertia}`);
  assert.deepEqual(
    Array.from(mb.predict(means).data).sort(),
    [0, 1, 2],
  );
});

Deno.test("MiniBatchKMeans: bad input is a clear error", () => {
  assert.throws(() => new MiniBatchKMeans({ nClusters: 5 }).fit([[1], [2]]), {
    name: "RangeError",
    message:
      "MiniBatchKMeans.fit: nClusters = 5 exceeds the number of samples 2; expected nClusters <= 2",
  });
  assert.throws(
    () => new MiniBatchKMeans({ nClusters: 2, learningRate: 1.5 }),
    /MiniBatchKMeans: learningRate must be a number in \[5e-324, 1\], got 1.5/,
  );
  const m = new MiniBatchKMeans({ nClusters: 1, init: [[0, 0]] }).partialFit([[1, 1]]);
  assert.throws(
    () => m.partialFit([[1, 1, 1]]),
    /MiniBatchKMeans.partialFit: x has 3 features \(shape \[1, 3\]\), expected 2/,
  );
  assert.throws(
    () => m.partialFit([[1, NaN]]),
    /MiniBatchKMeans.partialFit: batch contains NaN at row 0, column 1/,
  );
  assert.throws(
    () => new MiniBatchKMeans({ nClusters: 2, init: [[0, 0]] }).partialFit([[1, 1]]),
    /init has shape \[1, 2\], expected \[2, 2\]/,
  );
});
