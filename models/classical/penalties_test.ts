import assert from "node:assert/strict";
import { l1Penalty, l1PenaltySubgrad, l2Penalty, l2PenaltyGrad } from "./penalties.ts";
import { Ridge } from "./ridge.ts";
import { Lasso } from "./lasso.ts";
import { sklearnFixtures } from "./_fixtures_testing.ts";

Deno.test("penalties: the notes' per-weight values and totals", () => {
  // spec: 002-part-b/G1
  assert.deepEqual([1, 2, 0.1].map((w) => l2Penalty([w])), [1, 4, 0.1 * 0.1]);
  // spec: 002-part-b/G2
  assert.deepEqual([1, 0.5].map((w) => l1Penalty([w])), [1, 0.5]);
  // spec: 002-part-b/G27
  assert.ok(Math.abs(l2Penalty([1, 2, 0.1]) - 5.01) < 1e-15);
  assert.ok(Math.abs(l1Penalty([1, 2, 0.1]) - 3.1) < 1e-15);
  assert.deepEqual(Array.from(l2PenaltyGrad([1, 2, 0.1]).data), [2, 4, 0.2]);
  assert.deepEqual(Array.from(l1PenaltySubgrad([1, 0, -2]).data), [1, 0, -1]);
  assert.throws(() => l1Penalty([1, NaN]), /l1Penalty: theta\[1\] is NaN/);
});

Deno.test("penalties: Ridge and Lasso minimise their data term plus α times these penalties", () => {
  const { x, y } = sklearnFixtures().regression;
  const n = x.length;
  const rss = (w: ArrayLike<number>, b: number) =>
    x.reduce(
      (s: number, r: number[], i: number) =>
        s + (y[i] - b - r.reduce((t, v, j) => t + v * w[j], 0)) ** 2,
      0,
    );
  const ridge = new Ridge({ alpha: 3 }).fit(x, y),
    lasso = new Lasso({ alpha: 0.1, tol: 1e-12 }).fit(x, y);
  const ridgeObj = (w: number[]) => rss(w, ridge.intercept) + 3 * l2Penalty(w);
  const lassoObj = (w: number[]) => rss(w, lasso.intercept) / (2 * n) + 0.1 * l1Penalty(w);
  for (const [model, obj] of [[ridge, ridgeObj], [lasso, lassoObj]] as const) {
    const w = Array.from(model.coef.data);
    const best = obj(w);
    for (let j = 0; j < w.length; j++) {
      for (const h of [1e-3, -1e-3]) {
        const v = w.slice();
        v[j] += h;
        assert.ok(obj(v) > best, `moving w${j} by ${h} lowers the objective`);
      }
    }
  }
});
