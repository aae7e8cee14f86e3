import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { KNeighborsClassifier, KNeighborsRegressor } from "./knn.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();
const { x, y, y_reg, query } = fx.knn_data;

Deno.test("KNeighbors: predictions equal scikit-learn's exactly (k = 1, 5, 25; uniform and distance)", () => {
  for (const c of fx.knn) {
    const what = `k ${c.k} ${c.weights}`;
    const clf = new KNeighborsClassifier({ nNeighbors: c.k, weights: c.weights }).fit(x, y);
    assert.deepEqual(Array.from(clf.predict(query).data), c.predict, `${what} predict`);
    assertClose(clf.predictProba(query.slice(0, 5)).data, c.proba, 1e-12, `${what} proba`);
    const nb = clf.kneighbors(query.slice(0, 5));
    assert.deepEqual(Array.from(nb.indices.data), c.kneighbors_ind.flat(), `${what} indices`);
    assertClose(nb.distances.data, c.kneighbors_dist, 1e-12, `${what} distances`);
    const reg = new KNeighborsRegressor({ nNeighbors: c.k, weights: c.weights }).fit(x, y_reg);
    assertClose(reg.predict(query).data, c.regress, 1e-12, `${what} regression`);
  }
});

Deno.test("KNeighbors: float32 data gives the same neighbours; exact matches take all the weight", () => {
  const clf = new KNeighborsClassifier({ nNeighbors: 5 }).fit(array(x, { dtype: "float32" }), y);
  assert.deepEqual(
    Array.from(clf.predict(array(query, { dtype: "float32" })).data),
    fx.knn[2].predict,
  );
  const d = new KNeighborsClassifier({ nNeighbors: 3, weights: "distance" })
    .fit([[0], [1], [1], [5]], [0, 1, 1, 0]);
  assert.deepEqual(Array.from(d.predictProba([[1]]).data), [0, 1]);
  const r = new KNeighborsRegressor({ nNeighbors: 2, weights: "distance" }).fit([[0], [3]], [
    0,
    30,
  ]);
  assertClose(r.predict([[1]]).data, [10], 1e-12, "1/d weights: (0·1 + 30·½)/(1 + ½)");
});

Deno.test("KNeighbors: bad input names the estimator and the value", () => {
  assert.throws(
    () => new KNeighborsClassifier({ nNeighbors: 5 }).fit([[0], [1]], [0, 1]),
    /KNeighborsClassifier\.fit: nNeighbors = 5 exceeds the 2 training rows/,
  );
  assert.throws(
    () => new KNeighborsClassifier().fit(x, y.slice(1)),
    /KNeighborsClassifier\.fit: y has 299 values but x has 300 rows/,
  );
  assert.throws(
    () => new KNeighborsClassifier({ nNeighbors: 1 }).fit([[0], [1]], [3, 3]),
    /KNeighborsClassifier\.fit: y has a single class \(3\)/,
  );
  assert.throws(
    () => new KNeighborsRegressor({ nNeighbors: 1 }).fit([[0], [1]], [0, 1]).predict([[Infinity]]),
    /KNeighborsRegressor\.predict: x contains Infinity at row 0, column 0/,
  );
  assert.throws(
    () => new KNeighborsClassifier({ weights: "gauss" as "uniform" }),
    /weights must be one of/,
  );
});

Deno.test("KNeighbors: option errors name the estimator constructed", () => {
  assert.throws(
    () => new KNeighborsRegressor({ nNeighbors: 0 }),
    /^RangeError: KNeighborsRegressor: nNeighbors must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => new KNeighborsClassifier({ weights: "x" as "uniform" }),
    /^RangeError: KNeighborsClassifier: weights must be one of "uniform", "distance", got "x"/,
  );
});
