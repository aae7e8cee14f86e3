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

Deno.test("MiniBatchKMeans: HW7's η = 4.4928 (b = 64) balances the bias² and variance of C ← (1 − η/5)C + (η/5)m", () => {
  // spec: 001-004/G15
  /** Weight of the batch mean s steps back in the centre, s = 0 … lags − 1 (the impulse response). */
  const weights = (eta: number, lags: number): number[] => {
    const m = new MiniBatchKMeans({ nClusters: 1, init: [[0]], learningRate: eta / 5 });
    const w: number[] = [];
    for (let s = 0; s < lags; s++) {
      m.partialFit([[s === 0 ? 1 : 0]]);
      w.push(m.centers.get(0, 0));
    }
    return w;
  };
  // The notes' unrolled sum C(T) ≈ Σ α(1 − α)^(T−t) m(t), α = η/5.
  assertClose(weights(4.5, 5), [0.9, 0.09, 0.009, 0.0009, 0.00009], { atol: 1e-15, rtol: 0 });
  // Batch means that drift by a = 1 per step back (m_t = M + a(T − t)) leave C behind by (1 − α)/α.
  const drift = new MiniBatchKMeans({ nClusters: 1, init: [[0]], learningRate: 0.9 });
  for (let t = 1; t <= 400; t++) drift.partialFit([[400 - t]]);
  assertClose(drift.centers.get(0, 0), 0.1 / 0.9, { rtol: 1e-12 });
  // Noise a/√b per batch mean leaves the variance (a²/b)·Σ w² = (a²/b)·α²/(1 − (1 − α)²).
  const biasAndVariance = (eta: number, b: number) => {
    const w = weights(eta, 400);
    return {
      bias: w.reduce((sum, ws, s) => sum + s * ws, 0),
      variance: w.reduce((sum, ws) => sum + ws * ws, 0) / b,
    };
  };
  const at45 = biasAndVariance(4.5, 64);
  assertClose(at45.bias, 0.1 / 0.9, { rtol: 1e-12 });
  assertClose(at45.variance, 0.81 / (1 - 0.01) / 64, { rtol: 1e-12 });
  // Balance bias² = variance: η = 4.4928 for b = 64 (the notes' "around 4.5"), 4.9798 for b = 60000 (≈ 5, Lloyd).
  const gap = (eta: number, b: number) => {
    const { bias, variance } = biasAndVariance(eta, b);
    return bias ** 2 - variance;
  };
  assert.ok(gap(4.4927, 64) > 0 && gap(4.4929, 64) < 0);
  assert.ok(gap(4.9797, 60000) > 0 && gap(4.9798, 60000) < 0);
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
