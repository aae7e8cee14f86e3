import assert from "node:assert/strict";
import fc from "fast-check";
import { LinearRegression } from "./linear_regression.ts";
import { Ridge } from "./ridge.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();
const { x, y } = fx.regression;

Deno.test("LinearRegression: coefficients equal scikit-learn's to 1e-6 (lstsq and normal equations)", () => {
  for (const solver of ["lstsq", "normal"] as const) {
    const m = new LinearRegression({ solver }).fit(x, y);
    assertClose(m.coef.data, fx.linear.coef, 1e-6, `${solver} coef`);
    assertClose(m.intercept, fx.linear.intercept, 1e-6, `${solver} intercept`);
    const m0 = new LinearRegression({ solver, fitIntercept: false }).fit(x, y);
    assertClose(m0.coef.data, fx.linear_no_intercept.coef, 1e-6, `${solver} no intercept`);
    assert.equal(m0.intercept, 0);
  }
});

Deno.test("LinearRegression: the notes' closed-form examples", () => {
  // spec: 002-part-a/3b.linreg
  const a = new LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
  assertClose(a.coef.data, [2], 1e-12, "a");
  assertClose(a.intercept, 1, 1e-12, "b");
  const b = new LinearRegression({ solver: "normal" }).fit([[0], [1], [2]], [0, 1, 1]);
  assertClose(b.coef.data, [0.5], 1e-12, "a");
  assertClose(b.intercept, 1 / 6, 1e-12, "b");
});

Deno.test("LinearRegression: gradient descent reaches the closed form (sum and mean reductions)", () => {
  const exact = new LinearRegression().fit(x, y);
  // Sum reduction needs α < 1/σ_max(X̃)² ≈ 1/(n·λ_max); mean allows α near 1.
  for (const [reduction, lr] of [["mean", 0.3], ["sum", 0.005]] as const) {
    const gd = new LinearRegression({ solver: "gd", lr, reduction, maxIter: 20000, tol: 1e-13 })
      .fit(x, y);
    assertClose(gd.coef.data, exact.coef.data, 1e-8, `${reduction} coef`);
    assertClose(gd.intercept, exact.intercept, 1e-8, `${reduction} intercept`);
    assert.ok(gd.lossHistory[0] > gd.lossHistory.at(-1)!, "loss decreases");
  }
  assert.throws(
    () => new LinearRegression({ solver: "gd", lr: 5, maxIter: 5000 }).fit(x, y),
    /LinearRegression\.fit: gradient descent diverged .* lr = 5 is too large/,
  );
});

Deno.test("LinearRegression: R² of the fit equals 1 − SSres/SStot; predictions are Xw + b", () => {
  const m = new LinearRegression().fit(x, y);
  const p = m.predict(x).data;
  let ssr = 0, sst = 0;
  const mean = y.reduce((s: number, v: number) => s + v, 0) / y.length;
  y.forEach((v: number, i: number) => {
    ssr += (v - p[i]) ** 2;
    sst += (v - mean) ** 2;
  });
  assertClose(m.score(x, y), 1 - ssr / sst, 1e-12, "R²");
});

Deno.test("LinearRegression: property — the residual is orthogonal to every column and to 1", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 3 }), {
        minLength: 6,
        maxLength: 12,
      }),
      fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 12, maxLength: 12 }),
      (rows, t) => {
        // Well-posed designs only: the centred Gram matrix must be far from singular.
        const n = rows.length;
        const mean = [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[j], 0) / n);
        const g = [0, 1, 2].map((a) =>
          [0, 1, 2].map((b) => rows.reduce((s, r) => s + (r[a] - mean[a]) * (r[b] - mean[b]), 0))
        );
        const det = g[0][0] * (g[1][1] * g[2][2] - g[1][2] * g[2][1]) -
          g[0][1] * (g[1][0] * g[2][2] - g[1][2] * g[2][0]) +
          g[0][2] * (g[1][0] * g[2][1] - g[1][1] * g[2][0]);
        fc.pre(det > 1);
        const yy = t.slice(0, n);
        const m = new LinearRegression().fit(rows, yy);
        const p = m.predict(rows).data;
        const r = yy.map((v, i) => v - p[i]);
        assert.ok(Math.abs(r.reduce((s, v) => s + v, 0)) < 1e-9);
        for (let j = 0; j < 3; j++) {
          assert.ok(Math.abs(r.reduce((s, v, i) => s + v * rows[i][j], 0)) < 1e-9);
        }
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("LinearRegression: singular designs, mismatched labels and NaN are clear errors", () => {
  const dup = [[1, 2], [2, 4], [3, 6]];
  assert.throws(
    () => new LinearRegression({ solver: "normal" }).fit(dup, [1, 2, 3]),
    /LinearRegression\.fit: XᵀX \(2×2\) is .*singular/,
  );
  // lstsq gives the minimum-norm solution instead, as scikit-learn does.
  const mn = new LinearRegression({ fitIntercept: false }).fit(dup, [1, 2, 3]);
  assertClose(mn.coef.data, [0.2, 0.4], 1e-12, "minimum norm");
  assert.throws(
    () => new LinearRegression().fit([[1], [2]], [1, 2, 3]),
    /LinearRegression\.fit: y has 3 values but x has 2 rows/,
  );
  assert.throws(
    () => new LinearRegression().fit([[1], [NaN]], [1, 2]),
    /LinearRegression\.fit: x contains NaN at row 1, column 0/,
  );
  assert.throws(() => new LinearRegression().predict([[1]]), /not fitted yet/);
  assert.throws(
    () => new LinearRegression().fit([[1], [2]], [1, 2]).predict([[1, 2]]),
    /LinearRegression\.predict: x has 2 features .* expected 1/,
  );
  assert.throws(() => new LinearRegression({ solver: "qr" as "lstsq" }), /solver must be one of/);
});

Deno.test("Ridge: coefficients equal scikit-learn's to 1e-6 for three penalties; GD agrees", () => {
  for (const r of fx.ridge) {
    const m = new Ridge({ alpha: r.alpha }).fit(x, y);
    assertClose(m.coef.data, r.coef, 1e-6, `alpha ${r.alpha}`);
    assertClose(m.intercept, r.intercept, 1e-6, `alpha ${r.alpha} intercept`);
    const gd = new Ridge({
      alpha: r.alpha,
      solver: "gd",
      reduction: "sum",
      lr: 0.004,
      tol: 1e-13,
      maxIter: 50000,
    })
      .fit(x, y);
    assertClose(gd.coef.data, r.coef, 1e-7, `alpha ${r.alpha} gd`);
  }
});

Deno.test("Ridge: penalty makes a duplicated-column design solvable and splits the weight", () => {
  const m = new Ridge({ alpha: 0.1 }).fit([[1, 1], [2, 2], [3, 3]], [1, 2, 3]);
  assertClose(m.coef.get(0), m.coef.get(1), 1e-12, "equal weights");
  assert.throws(() => new Ridge({ alpha: -1 }), /Ridge: alpha must be a finite number >= 0/);
  assert.throws(
    () => new Ridge({ alpha: 0 }).fit([[1, 1], [2, 2], [3, 3]], [1, 2, 3]),
    /Ridge\.fit: XᵀX \+ αI \(2×2\) is .*singular/,
  );
});
