import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import {
  crossValScore,
  GridSearch,
  kFold,
  trainTestSplit,
  trainValTestSplit,
} from "./model_selection.ts";
import { LinearRegression } from "./linear_regression.ts";
import { PolynomialFeatures } from "./polynomial_features.ts";
import { Ridge } from "./ridge.ts";

Deno.test("kFold: scikit-learn's fold sizes; every row is tested exactly once", () => {
  const folds = kFold(10, { nSplits: 3 });
  assert.deepEqual(folds.map((f) => f.test.length), [4, 3, 3]);
  assert.deepEqual(Array.from(folds[1].test), [4, 5, 6]);
  assert.deepEqual(Array.from(folds[1].train), [0, 1, 2, 3, 7, 8, 9]);
  const shuffled = kFold(23, { nSplits: 4, shuffle: true, rng: new Rng(5) });
  const seen = shuffled.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
  for (const f of shuffled) assert.equal(new Set([...f.train, ...f.test]).size, 23);
  assert.throws(() => kFold(3, { nSplits: 4 }), /kFold: nSplits = 4 exceeds the 3 rows/);
});

Deno.test("splits: train/test and the notes' 70/20/10 train/validation/test", () => {
  // spec: 002-part-a/3a.L1939
  const x = Array.from({ length: 100 }, (_, i) => [i]);
  const y = x.map(([v]) => 2 * v);
  const s = trainValTestSplit(x, y, { rng: new Rng(2) });
  assert.deepEqual([s.xTrain.shape[0], s.xVal.shape[0], s.xTest.shape[0]], [70, 20, 10]);
  const all = [...s.xTrain.data, ...s.xVal.data, ...s.xTest.data].sort((a, b) => a - b);
  assert.deepEqual(all, x.map(([v]) => v));
  for (let i = 0; i < 70; i++) assert.equal(s.yTrain.get(i), 2 * s.xTrain.get(i, 0));
  const t = trainTestSplit(x, y, { testSize: 0.33 });
  assert.deepEqual([t.xTrain.shape[0], t.xTest.shape[0]], [67, 33]);
  assert.throws(
    () => trainValTestSplit(x, y, { fractions: [0.5, 0.2, 0.2] }),
    /fractions must sum to 1/,
  );
  assert.throws(
    () => trainTestSplit(x, y.slice(1)),
    /trainTestSplit: y has 99 values but x has 100 rows/,
  );
});

Deno.test("crossValScore and GridSearch: the polynomial degree chosen on held-out folds", () => {
  // Cubic data: degree 3 must beat 1 (underfit) and 9 (overfit) on held-out folds.
  // spec: 002-part-a/3a.L1866
  const rng = new Rng(11);
  const t = Array.from({ length: 40 }, () => rng.uniform(-1, 1));
  const y = t.map((v) => v ** 3 - v + 0.05 * rng.normal());
  const x = t.map((v) => [v]);
  const make = (p: { degree: number }) => {
    const poly = new PolynomialFeatures({ degree: p.degree, includeBias: false });
    const reg = new LinearRegression();
    return {
      fit: (a: Parameters<typeof poly.fitTransform>[0], b: Parameters<typeof reg.fit>[1]) =>
        reg.fit(poly.fitTransform(a), b),
      score: (a: Parameters<typeof poly.transform>[0], b: Parameters<typeof reg.score>[1]) =>
        reg.score(poly.transform(a), b),
    };
  };
  const gs = new GridSearch(make, { degree: [1, 3, 9] }, { cv: 5, shuffle: true, rng: new Rng(1) })
    .fit(x, y);
  assert.equal(gs.bestParams.degree, 3);
  const byDegree = Object.fromEntries(gs.results.map((r) => [r.params.degree, r.meanScore]));
  assert.ok(byDegree[3] > byDegree[1] && byDegree[3] > byDegree[9]);
  assert.equal(gs.results[1].scores.length, 5);
  const cv = crossValScore(() => make({ degree: 3 }), x, y, {
    cv: kFold(40, { nSplits: 5, shuffle: true, rng: new Rng(1) }),
  });
  assert.deepEqual(cv, gs.results[1].scores);
  const order = new GridSearch((p: { b: number; a: number }) => new Ridge({ alpha: p.a + p.b }), {
    b: [1, 2],
    a: [10, 20],
  })
    .candidates();
  assert.deepEqual(order, [{ a: 10, b: 1 }, { a: 10, b: 2 }, { a: 20, b: 1 }, { a: 20, b: 2 }]);
  assert.throws(
    () => new GridSearch(make, { degree: [] }),
    /GridSearch: grid\.degree must be a non-empty array/,
  );
});

Deno.test("kFold rejects more rows than an index array holds (found by the API fuzzer)", () => {
  // kFold(2^31) used to start filling an index array of 2^31 entries.
  assert.throws(
    () => kFold(2 ** 31),
    /^RangeError: kFold: n must be an integer in \[1, 2147483647\], got 2147483648/,
  );
});
