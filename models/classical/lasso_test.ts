import assert from "node:assert/strict";
import { Lasso, softThreshold } from "./lasso.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();
const { x, y } = fx.regression;

Deno.test("Lasso: coordinate descent and proximal GD equal scikit-learn's coefficients to 1e-6", () => {
  for (const r of fx.lasso) {
    for (const solver of ["cd", "proximal"] as const) {
      const m = new Lasso({ alpha: r.alpha, solver, tol: 1e-14, maxIter: 200000 }).fit(x, y);
      assertClose(m.coef.data, r.coef, 1e-6, `${solver} alpha ${r.alpha}`);
      assertClose(m.intercept, r.intercept, 1e-6, `${solver} alpha ${r.alpha} intercept`);
      assert.ok(m.dualGap >= -1e-12 && m.dualGap < 1e-10, `gap ${m.dualGap}`);
    }
  }
});

Deno.test("Lasso: large α zeroes every weight (sparsity), and the intercept is then ȳ", () => {
  const m = new Lasso({ alpha: 100 }).fit(x, y);
  assert.deepEqual(Array.from(m.coef.data), [0, 0, 0, 0, 0]);
  const mean = y.reduce((s: number, v: number) => s + v, 0) / y.length;
  assertClose(m.intercept, mean, 1e-12, "intercept");
  // With α = 0.5 the weak feature (true weight 0.05) and the irrelevant one are exactly 0.
  const s = new Lasso({ alpha: 0.5, tol: 1e-12 }).fit(x, y);
  assert.equal(s.coef.get(2), 0);
  assert.equal(s.coef.get(4), 0);
});

Deno.test("Lasso: soft thresholding is the L1 proximal map", () => {
  assert.equal(softThreshold(3, 1), 2);
  assert.equal(softThreshold(-3, 1), -2);
  assert.equal(softThreshold(0.5, 1), 0);
  assert.throws(() => new Lasso({ solver: "lars" as "cd" }), /Lasso: solver must be one of/);
  assert.throws(
    () => new Lasso().fit([[1], [2]], [1]),
    /Lasso\.fit: y has 1 values but x has 2 rows/,
  );
});

Deno.test("softThreshold names itself when its arguments are not numbers", () => {
  assert.throws(
    () => softThreshold(Symbol() as never, 1),
    /softThreshold: v and t must be numbers, got a symbol and 1/,
  );
});
