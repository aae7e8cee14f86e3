import assert from "node:assert/strict";
import { SVC } from "./svc.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_test_helpers.ts";

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
    // libsvm keeps kernel values in float32; with C = 10 the dual is flat enough that α moves by ~1e-4.
    assertClose(svm.dualCoef.data, c.dual_coef, 1e-3, `${what}: dualCoef`);
    assert.deepEqual(Array.from(svm.predict(query).data), c.predict, `${what}: predict`);
    const ovr = new SVC({ ...c.params, tol: 1e-10 }).fit(x, y);
    assertClose(ovr.decisionFunction(query).data, c.decision_ovr, 1e-4, `${what}: ovr shape`);
  }
});
