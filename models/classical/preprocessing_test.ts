import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { PolynomialFeatures } from "./polynomial_features.ts";
import { StandardScaler } from "./standard_scaler.ts";
import { LinearRegression } from "./linear_regression.ts";
import { assertClose, sklearnFixtures } from "./_fixtures_testing.ts";

const fx = sklearnFixtures();

Deno.test("PolynomialFeatures: scikit-learn's columns (degree 3; interactions only)", () => {
  assertClose(
    new PolynomialFeatures({ degree: 3 }).fitTransform(fx.poly.x).data,
    fx.poly.degree3,
    1e-12,
    "deg 3",
  );
  const inter = new PolynomialFeatures({ degree: 2, interactionOnly: true, includeBias: false });
  assertClose(inter.fitTransform(fx.poly.x).data, fx.poly.interaction, 1e-12, "interactions");
  // spec: 002-part-a/3a.L1826
  assert.equal(new PolynomialFeatures({ degree: 4 }).fit([[0]]).powers.shape[0], 5); // k + 1 parameters
  assert.throws(() => new PolynomialFeatures().transform([[1]]), /not fitted yet/);
  assert.throws(
    () => new PolynomialFeatures().fit([[1, 2]]).transform([[1]]),
    /has 1 features .* expected 2/,
  );
});

Deno.test("polynomial regression: degree 15 interpolates 16 points; the notes' underfit/overfit ordering", () => {
  // spec: 002-part-a/3a.L1866
  const t = Array.from({ length: 16 }, (_, i) => -1 + (2 * i) / 15);
  const y = t.map((v, i) => Math.sin(2.5 * v) + (i % 2 ? 0.1 : -0.1));
  const train = (deg: number) => {
    const p = new PolynomialFeatures({ degree: deg, includeBias: false });
    const m = new LinearRegression().fit(p.fitTransform(t.map((v) => [v])), y);
    const pred = m.predict(p.transform(t.map((v) => [v]))).data;
    return y.reduce((s, v, i) => s + (v - pred[i]) ** 2, 0) / y.length;
  };
  const [m1, m4, m15] = [train(1), train(4), train(15)];
  assert.ok(m1 > m4 && m4 > m15, `train MSE ${m1} > ${m4} > ${m15}`);
  assert.ok(m15 < 1e-12, "degree 15 through 16 points interpolates");
});

Deno.test("StandardScaler: scikit-learn's mean and (population) scale; round trip", () => {
  const s = new StandardScaler().fit(fx.regression.x);
  assertClose(s.mean.data, fx.scaler.mean, 1e-12, "mean");
  assertClose(s.scale.data, fx.scaler.scale, 1e-12, "scale");
  const z = s.transform(fx.regression.x);
  assertClose(s.inverseTransform(z).data, fx.regression.x, 1e-12, "round trip");
  const c = new StandardScaler().fit([[1, 5], [3, 5]]);
  assert.deepEqual(Array.from(c.scale.data), [1, 1]);
  assert.equal(
    new StandardScaler().fitTransform(array([[1], [3]], { dtype: "float32" })).dtype,
    "float32",
  );
});
