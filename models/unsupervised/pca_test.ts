import assert from "node:assert/strict";
import fc from "fast-check";
import { assertClose, Rng } from "@nnc/tensor";
import { PCA } from "./pca.ts";

// scikit-learn 1.2: PCA(n_components=2, svd_solver="full").fit(X8). nnc makes each component's largest
// entry positive, which flips both of scikit-learn's rows here.
const X8 = [
  [2.5, 2.4, 0.5],
  [0.5, 0.7, 1.5],
  [2.2, 2.9, -0.3],
  [1.9, 2.2, 0.1],
  [3.1, 3.0, 0.2],
  [2.3, 2.7, 0.9],
  [2, 1.6, 1.1],
  [1, 1.1, 2.0],
];
const SK_COMPONENTS = [[0.584953528816765, 0.6275609218435197, -0.5138060514432714], [
  0.5881475045836488,
  0.10800749869553523,
  0.8015091347436788,
]];
const SK_VARIANCE = [1.7890559438313558, 0.18400223468239768];
const SK_RATIO = [0.8885776749849748, 0.0913891365163128];
const SK_SINGULAR = [3.5388404325173366, 1.134907768400932];
const SK_Z = [[0.6614451724193922, 0.16555812471843176], [-2.089121503791393, -0.392840497487597]];

Deno.test("PCA: the notes' example C = XXᵀ = [[10, 6], [6, 10]], eigenvalues 16 and 4, projections ±2√2, 0, 0", () => {
  // spec: 002-part-b/G19
  const x = [[2, 2], [-2, -2], [1, -1], [-1, 1]];
  for (const method of ["svd", "eigh"] as const) {
    const pca = new PCA({ method }).fit(x);
    // explainedVariance uses n − 1 = 3; the notes' scatter matrix has no 1/n.
    assertClose(pca.explainedVariance.mul(3), [16, 4], { rtol: 1e-12 });
    assertClose(pca.components.get(0, 0), Math.SQRT1_2, { rtol: 1e-12 });
    assertClose(pca.components.get(0, 1), Math.SQRT1_2, { rtol: 1e-12 });
    assertClose(pca.transform(x).slice(null, 0), [2 * Math.SQRT2, -2 * Math.SQRT2, 0, 0], {
      atol: 1e-12,
      rtol: 0,
    });
  }
});

Deno.test("PCA: matches scikit-learn (components, variances, ratios, singular values, transform)", () => {
  for (const method of ["svd", "eigh"] as const) {
    const pca = new PCA({ nComponents: 2, method }).fit(X8);
    assertClose(pca.components, SK_COMPONENTS, { atol: 1e-12, rtol: 0 });
    assertClose(pca.explainedVariance, SK_VARIANCE, { rtol: 1e-12 });
    assertClose(pca.explainedVarianceRatio, SK_RATIO, { rtol: 1e-12 });
    assertClose(pca.singularValues, SK_SINGULAR, { rtol: 1e-12 });
    assertClose(pca.transform(X8.slice(0, 2)), SK_Z, { atol: 1e-12, rtol: 0 });
    assertClose(pca.mean, [1.9375, 2.075, 0.75], { rtol: 1e-15 });
  }
});

Deno.test("PCA: inverseTransform ∘ transform is the identity with all components, a projection with fewer", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
      const rng = new Rng(seed);
      const x = Array.from(
        { length: 12 },
        () => [rng.normal(), 2 * rng.normal(), rng.normal() - 3, rng.normal()],
      );
      // spec: 002-part-b/G7
      const full = new PCA().fit(x);
      assertClose(full.inverseTransform(full.transform(x)), x, { atol: 1e-10, rtol: 0 });
      const two = new PCA({ nComponents: 2 }).fit(x);
      const rec = two.inverseTransform(two.transform(x)).toArray() as number[][];
      // Squared reconstruction error = (n − 1) × the variance of the discarded components.
      const err = rec.reduce((s, r, i) => s + r.reduce((t, v, j) => t + (v - x[i][j]) ** 2, 0), 0);
      const all = full.explainedVariance.toArray() as number[];
      assertClose(err, 11 * (all[2] + all[3]), { rtol: 1e-9 });
      // Projecting twice changes nothing.
      assertClose(two.transform(rec), two.transform(x), { atol: 1e-10, rtol: 0 });
    }),
    { numRuns: 30 },
  );
});

Deno.test("PCA: svd and eigh agree on wide and tall data", () => {
  const rng = new Rng(8);
  for (const [n, d] of [[30, 5], [5, 9]]) {
    const x = Array.from(
      { length: n },
      () => Array.from({ length: d }, (_, j) => rng.normal() * (j + 1)),
    );
    const k = Math.min(n, d) - 1;
    const a = new PCA({ nComponents: k, method: "svd" }).fit(x);
    const b = new PCA({ nComponents: k, method: "eigh" }).fit(x);
    assertClose(a.explainedVariance, b.explainedVariance, { rtol: 1e-9 });
    assertClose(a.components, b.components, { atol: 1e-7, rtol: 0 });
  }
});

Deno.test("PCA: bad input is a clear error", () => {
  assert.throws(() => new PCA({ nComponents: 3 }).fit([[1, 2], [3, 4], [5, 7]]), {
    name: "RangeError",
    message: "PCA.fit: nComponents = 3 exceeds min(samples, features) = 2 for x of shape [3, 2]",
  });
  assert.throws(
    () => new PCA().fit([[1, 2]]),
    /PCA.fit: x has 1 sample\(s\) \(shape \[1, 2\]\); PCA needs at least 2/,
  );
  assert.throws(
    () => new PCA().fit([[1, NaN], [2, 3]]),
    /PCA.fit: x contains NaN at row 0, column 1/,
  );
  const p = new PCA({ nComponents: 1 }).fit([[1, 2], [3, 4], [5, 7]]);
  assert.throws(
    () => p.transform([[1, 2, 3]]),
    /PCA.transform: x has 3 features \(shape \[1, 3\]\), expected 2/,
  );
  assert.throws(
    () => p.inverseTransform([[1, 2]]),
    /PCA.inverseTransform: z has 2 columns \(shape \[1, 2\]\), expected 1 components/,
  );
  assert.throws(
    () => new PCA({ method: "qr" as "svd" }),
    /PCA: method must be one of "auto", "svd", "eigh", got "qr"/,
  );
  assert.throws(() => new PCA().components, {
    name: "TypeError",
    message: "PCA.components: this PCA is not fitted yet; call fit(x) first",
  });
});
