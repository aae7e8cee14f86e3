import assert from "node:assert/strict";
import { LogisticRegression } from "./logistic_regression.ts";
import { logisticLoss, sigmoidDerivative, sigmoidSquaredLoss } from "./logistic_loss.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();
const { x, y_binary, y_multi } = fx.classification;

Deno.test("LogisticRegression: binary and multinomial fits equal scikit-learn's to 1e-4", () => {
  for (const c of fx.logistic) {
    const b = new LogisticRegression({ C: c.C, tol: 1e-10 }).fit(x, y_binary);
    assertClose(b.coef.data, c.binary.coef, 1e-4, `C ${c.C} binary coef`);
    assertClose(b.intercept.data, c.binary.intercept, 1e-4, `C ${c.C} binary intercept`);
    assertClose(b.predictProba(x.slice(0, 5)).data, c.binary.proba, 1e-4, `C ${c.C} proba`);
    const nb = new LogisticRegression({ C: c.C, solver: "newton", tol: 1e-12 }).fit(x, y_binary);
    assertClose(nb.coef.data, c.binary.coef, 1e-4, `C ${c.C} newton coef`);
    const m = new LogisticRegression({ C: c.C, tol: 1e-10 }).fit(x, y_multi);
    assertClose(m.coef.data, c.multinomial.coef, 1e-4, `C ${c.C} multinomial coef`);
    assertClose(m.intercept.data, c.multinomial.intercept, 1e-4, `C ${c.C} multinomial intercept`);
    assertClose(m.predictProba(x.slice(0, 5)).data, c.multinomial.proba, 1e-4, `C ${c.C} softmax`);
  }
  const o = new LogisticRegression({ multiClass: "ovr", tol: 1e-10 }).fit(x, y_multi);
  assertClose(o.coef.data, fx.logistic_ovr.coef, 1e-4, "ovr coef");
  assertClose(o.intercept.data, fx.logistic_ovr.intercept, 1e-4, "ovr intercept");
  assertClose(o.predictProba(x.slice(0, 5)).data, fx.logistic_ovr.proba, 1e-4, "ovr proba");
});

Deno.test("LogisticRegression: gradient descent reaches the L-BFGS solution", () => {
  const ref = new LogisticRegression({ C: 1, tol: 1e-10 }).fit(x, y_multi);
  const gd = new LogisticRegression({ C: 1, solver: "gd", lr: 1, tol: 1e-12, maxIter: 50000 })
    .fit(x, y_multi);
  assertClose(gd.coef.data, ref.coef.data, 1e-6, "coef");
  assert.ok(gd.lossHistory[0] > gd.lossHistory.at(-1)!);
  // The notes' summed loss with a step scaled by 1/n takes the same path.
  const sum = new LogisticRegression({
    C: 1,
    solver: "gd",
    lr: 1 / 60,
    reduction: "sum",
    tol: 1e-12,
    maxIter: 50000,
  })
    .fit(x, y_multi);
  assertClose(sum.coef.data, ref.coef.data, 1e-6, "sum coef");
});

Deno.test("LogisticRegression: labels of any value, predict, score; bad input names the estimator", () => {
  const labels = y_binary.map((v: number) => (v ? 7 : -3));
  const m = new LogisticRegression().fit(x, labels);
  assert.deepEqual(Array.from(m.classes.data), [-3, 7]);
  const p = m.predict(x);
  const manual = Array.from(m.decisionFunction(x).data).map((z) => (z > 0 ? 7 : -3));
  assert.deepEqual(Array.from(p.data), manual);
  assert.ok(m.score(x, labels) > 0.8);
  assert.throws(
    () => new LogisticRegression().fit(x, x.map(() => 1)),
    /LogisticRegression\.fit: y has a single class \(1\)/,
  );
  assert.throws(
    () => new LogisticRegression().fit([[1], [NaN]], [0, 1]),
    /LogisticRegression\.fit: x contains NaN at row 1/,
  );
  assert.throws(
    () => new LogisticRegression({ solver: "newton" }).fit(x, y_multi),
    /solver "newton" handles two classes/,
  );
  assert.throws(() => new LogisticRegression({ C: 0 }), /LogisticRegression: C must be/);
});

Deno.test("logisticLoss: the notes' worked values", () => {
  // spec: 002-part-a/3b.logreg
  const r = logisticLoss([[1], [2]], [1, 0], [0], 0);
  assertClose(r.loss, 1.3862943611198906, 1e-15, "loss");
  assertClose(r.grad.data, [0.5], 1e-15, "∂l/∂a");
  assertClose(r.gradIntercept, 0, 1e-15, "∂l/∂b");
  // spec: 000-003/003.logistic
  const s = logisticLoss([[1, 1], [0, 2], [-1, 0.5]], [1, 0, 0], [2, -1], 0);
  assertClose(s.probabilities.data, [0.7310585786, 0.1192029220, 0.0758581800], 1e-10, "p");
  assertClose(s.loss, 0.5190794329, 1e-10, "NLL");
  assertClose(s.grad.data, [-0.3447996014, 0.0073935127], 1e-10, "Xᵀ(p − y)");
});

Deno.test("sigmoid: derivative σ(1 − σ) and the non-convex squared loss", () => {
  // spec: 002-part-a/3b.sigmoid-deriv
  assertClose(1 / (1 + Math.exp(-2)), 0.8807970779778823, 1e-16, "σ(2)");
  assertClose(sigmoidDerivative(2), 0.10499358540350662, 1e-16, "σ'(2)");
  const l = (a: number) => sigmoidSquaredLoss([[1]], [1], [a]).loss;
  // spec: 002-part-a/3b.nonconvex
  assertClose(l(-10), 0.9999092, 1e-7, "l(−10)");
  assertClose(l(0), 0.25, 1e-15, "l(0)");
  assertClose((l(-10) + l(0)) / 2, 0.6249546, 1e-7, "mean");
  assertClose(l(-5), 0.9866591, 1e-7, "l(−5)");
  assert.ok((l(-10) + l(0)) / 2 < l(-5), "Jensen's inequality fails: not convex");
  // Its gradient against a central difference.
  const g = sigmoidSquaredLoss([[1.5], [-0.5]], [1, 0], [0.3], 0.2);
  const h = 1e-6;
  const fd = (sigmoidSquaredLoss([[1.5], [-0.5]], [1, 0], [0.3 + h], 0.2).loss -
    sigmoidSquaredLoss([[1.5], [-0.5]], [1, 0], [0.3 - h], 0.2).loss) / (2 * h);
  assertClose(g.grad.get(0), fd, 1e-8, "gradient");
});
