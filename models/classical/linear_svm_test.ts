import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { LinearSVM } from "./linear_svm.ts";
import { SVC } from "./svc.ts";
import { sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();

function primal(
  x: number[][],
  y: number[],
  w: ArrayLike<number>,
  b: number,
  lambda: number,
): number {
  let h = 0;
  x.forEach((r, i) => {
    const f = r.reduce((s, v, j) => s + v * w[j], b);
    h += Math.max(0, 1 - (y[i] ? 1 : -1) * f);
  });
  return 0.5 * lambda * Array.from(w).reduce((s, v) => s + v * v, 0) + h / x.length;
}

Deno.test("LinearSVM: SGD on the hinge reaches the primal optimum of the dual SVC with C = 1/(λn)", () => {
  const { x, y_binary } = fx.classification;
  const lambda = 0.05, n = x.length;
  const svc = new SVC({ kernel: "linear", C: 1 / (lambda * n), tol: 1e-10 }).fit(x, y_binary);
  // w of the dual: Σ y_i α_i x_i over the support vectors.
  const sv = svc.supportVectors, dc = svc.dualCoef;
  const w = [0, 0, 0];
  for (let s = 0; s < sv.shape[0]; s++) {
    for (let j = 0; j < 3; j++) w[j] += dc.get(0, s) * sv.get(s, j);
  }
  const best = primal(x, y_binary, w, svc.intercept.get(0), lambda);
  const sgd = new LinearSVM({ lambda, epochs: 300, rng: new Rng(1) }).fit(x, y_binary);
  const got = primal(x, y_binary, sgd.coef.data, sgd.intercept.get(0), lambda);
  assert.ok(got >= best - 1e-9, `SGD ${got} below the optimum ${best}?`);
  assert.ok(got <= best * 1.02, `SGD objective ${got} vs optimum ${best}`);
  assert.ok(sgd.lossHistory.at(-1)! < sgd.lossHistory[0]);
});

Deno.test("LinearSVM: separable blobs are classified perfectly; three classes one-vs-rest", () => {
  const rng = new Rng(3);
  const x: number[][] = [], y: number[] = [];
  const centres = [[0, 0], [5, 0], [0, 5]];
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    x.push([centres[c][0] + rng.normal() * 0.5, centres[c][1] + rng.normal() * 0.5]);
    y.push(c);
  }
  const m = new LinearSVM({ lambda: 0.01, epochs: 50 }).fit(x, y);
  assert.equal(m.score(x, y), 1);
  assert.deepEqual(m.coef.shape, [3, 2]);
  assert.throws(
    () => new LinearSVM().fit(x, y.map(() => 0)),
    /LinearSVM\.fit: y has a single class \(0\)/,
  );
  assert.throws(() => new LinearSVM({ lambda: 0 }), /LinearSVM: lambda must be/);
});
