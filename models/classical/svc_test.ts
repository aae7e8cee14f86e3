import assert from "node:assert/strict";
import { SVC } from "./svc.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();

Deno.test("SVC: support vectors, dual coefficients and decision values equal scikit-learn's", () => {
  const { x, y_binary, y_multi, query } = fx.svc_data;
  for (const c of fx.svc) {
    const y = c.target === "binary" ? y_binary : y_multi;
    const what = `${JSON.stringify(c.params)} ${c.target}`;
    const svm = new SVC({ ...c.params, tol: 1e-10, decisionFunctionShape: "ovo" }).fit(x, y);
    assert.deepEqual(Array.from(svm.supportIndices.data), c.support, `${what}: support`);
    assert.deepEqual(Array.from(svm.nSupport.data), c.n_support, `${what}: nSupport`);
    assertClose(svm.decisionFunction(query).data, c.decision_ovo, 1e-4, `${what}: decision`);
    assertClose(svm.intercept.data, c.intercept, 1e-4, `${what}: intercept`);
    // Kernel values are kept in float32 like libsvm's cache: with C = 10, float64 values moved α by 3e-4.
    assertClose(svm.dualCoef.data, c.dual_coef, 1e-4, `${what}: dualCoef`);
    assert.deepEqual(Array.from(svm.predict(query).data), c.predict, `${what}: predict`);
    const ovr = new SVC({ ...c.params, tol: 1e-10 }).fit(x, y);
    assertClose(ovr.decisionFunction(query).data, c.decision_ovr, 1e-4, `${what}: ovr shape`);
  }
});

Deno.test("SVC: the three kernel-row strategies (one GEMM, per problem, row cache) give one answer", () => {
  const { x, y_multi, query } = fx.svc_data;
  const ref = new SVC({ gamma: 0.5, tol: 1e-8 }).fit(x, y_multi);
  // 50 points: the full matrix needs 50²·12 B ≈ 29 KiB; a pair's 33²·12 B ≈ 13 KiB; rows alone below that.
  for (const cacheSize of [0.02, 0.005]) {
    const m = new SVC({ gamma: 0.5, tol: 1e-8, cacheSize }).fit(x, y_multi);
    assert.deepEqual(Array.from(m.supportIndices.data), Array.from(ref.supportIndices.data));
    assertClose(
      m.decisionFunction(query).data,
      ref.decisionFunction(query).data,
      1e-6,
      `cache ${cacheSize}`,
    );
  }
  const custom = new SVC({
    kernel: (a, b) => Math.exp(-0.5 * ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)),
    tol: 1e-8,
  })
    .fit(x, y_multi);
  assertClose(
    custom.decisionFunction(query).data,
    ref.decisionFunction(query).data,
    1e-5,
    "custom rbf",
  );
});

Deno.test("SVC: one-vs-rest training predicts with the largest of its class scores", () => {
  const { x, y_multi, query } = fx.svc_data;
  const m = new SVC({ multiClass: "ovr", gamma: 0.5 }).fit(x, y_multi);
  const d = m.decisionFunction(query);
  assert.deepEqual(d.shape, [query.length, 3]);
  const p = m.predict(query).data;
  for (let i = 0; i < query.length; i++) {
    const row = [0, 1, 2].map((c) => d.get(i, c));
    assert.equal(p[i], row.indexOf(Math.max(...row)));
  }
  assert.ok(m.score(x, y_multi) > 0.8);
});

Deno.test("SVC: bad input names the estimator and the value", () => {
  assert.throws(() => new SVC().fit([[0], [1]], [1, 1]), /SVC\.fit: y has a single class \(1\)/);
  assert.throws(
    () => new SVC().fit([[0], [1]], [0, 1, 1]),
    /SVC\.fit: y has 3 values but x has 2 rows/,
  );
  assert.throws(
    () => new SVC().fit([[0], [NaN]], [0, 1]),
    /SVC\.fit: x contains NaN at row 1, column 0/,
  );
  assert.throws(() => new SVC({ C: -1 }), /SVC: C must be a finite number >= /);
  assert.throws(() => new SVC({ gamma: "big" as "scale" }), /SVC: gamma must be/);
  assert.throws(
    () => new SVC().decisionFunction([[0]]),
    /SVC\.decisionFunction: this SVC is not fitted yet/,
  );
  const m = new SVC().fit([[0], [1]], [0, 1]);
  assert.throws(() => m.predict([[0, 1]]), /SVC\.predict: x has 2 features .* expected 1/);
});
