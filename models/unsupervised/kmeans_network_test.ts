import assert from "node:assert/strict";
import { assertClose, Rng } from "@nnc/tensor";
import { KMeansNetwork } from "./kmeans_network.ts";
import { KMeans } from "./kmeans.ts";

function data(seed: number, n: number, d: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.uniform(0, 1)));
}

Deno.test("KMeansNetwork: the hand-written gradient (through the softmax) matches finite differences", () => {
  const x = data(1, 7, 4);
  const centers = data(2, 3, 4);
  for (const reduction of ["sumFeatures", "mean"] as const) {
    for (const beta of [1, 5]) {
      const g = new KMeansNetwork({ centers, beta, reduction }).gradient(x).toArray() as number[][];
      const h = 1e-6;
      for (let j = 0; j < 3; j++) {
        for (let t = 0; t < 4; t++) {
          const plus = centers.map((r) => [...r]), minus = centers.map((r) => [...r]);
          plus[j][t] += h;
          minus[j][t] -= h;
          const lp = new KMeansNetwork({ centers: plus, beta, reduction }).forward(x).loss;
          const lm = new KMeansNetwork({ centers: minus, beta, reduction }).forward(x).loss;
          assertClose(g[j][t], (lp - lm) / (2 * h), { atol: 1e-8, rtol: 1e-5 });
        }
      }
    }
  }
});

Deno.test("KMeansNetwork: with a sharp softmax one step is C_i ← (1 − 2η|V_i|/b)C_i + (2η|V_i|/b)m_i (HW7)", () => {
  const x = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11]];
  const centers = [[0.5, 0.5], [9, 9]];
  const eta = 0.3;
  const net = new KMeansNetwork({ centers, beta: 200, lr: eta });
  const loss = net.step(x);
  const b = 5;
  const a0 = (2 * eta * 3) / b, a1 = (2 * eta * 2) / b;
  assertClose(net.centers, [
    [(1 - a0) * 0.5 + a0 * (1 / 3), (1 - a0) * 0.5 + a0 * (1 / 3)],
    [(1 - a1) * 9 + a1 * 10, (1 - a1) * 9 + a1 * 10.5],
  ], { atol: 1e-12, rtol: 0 });
  // Loss = mean over the batch of ‖x − nearest centre‖².
  assertClose(loss, (0.5 + 0.5 + 0.5 + 2 + 5) / b, { rtol: 1e-12 });
  // PyTorch's MSELoss scaling divides the step by d.
  const mean = new KMeansNetwork({ centers, beta: 200, lr: eta * 2, reduction: "mean" });
  mean.step(x);
  assertClose(mean.centers, net.centers, { atol: 1e-12, rtol: 0 });
});

Deno.test("KMeansNetwork: SGD reaches k-means' centres on separated blobs; predict = nearest centre", () => {
  const rng = new Rng(3);
  const means = [[0.2, 0.2], [0.8, 0.3], [0.5, 0.9]];
  const x = means.flatMap(([a, b]) =>
    Array.from({ length: 200 }, () => [a + 0.03 * rng.normal(), b + 0.03 * rng.normal()])
  );
  const init = [[0.3, 0.3], [0.7, 0.4], [0.5, 0.7]];
  const net = new KMeansNetwork({ centers: init, lr: 0.25, beta: 200 });
  const losses = net.fit(x, { epochs: 10, batchSize: 64, rng: new Rng(4) });
  assert.ok(losses[9] < losses[0]);
  const km = new KMeans({ nClusters: 3, init }).fit(x);
  assertClose(net.centers, km.centers, { atol: 0.01, rtol: 0 });
  assert.deepEqual(Array.from(net.predict(x).data), Array.from(km.labels.data));
});

Deno.test("KMeansNetwork: bad input is a clear error", () => {
  const net = new KMeansNetwork({ centers: [[0, 0], [1, 1]] });
  assert.throws(() => net.step([[1, 2, 3]]), {
    name: "RangeError",
    message: "KMeansNetwork.step: x has 3 features (shape [1, 3]), expected 2",
  });
  assert.throws(() => net.fit([[1, NaN]]), /KMeansNetwork.fit: x contains NaN at row 0, column 1/);
  assert.throws(
    () => new KMeansNetwork({ centers: [[0, 0]], beta: 0 }),
    /KMeansNetwork: beta must be a finite number >= 5e-324, got 0/,
  );
  assert.throws(
    () => new KMeansNetwork({ centers: [[0, 0]], reduction: "sum" as "mean" }),
    /reduction must be one of "sumFeatures", "mean", got "sum"/,
  );
});
