import assert from "node:assert/strict";
import { assertClose, Rng } from "@nnc/tensor";
import { Oja } from "./oja.ts";
import { Sanger } from "./sanger.ts";
import { PCA } from "./pca.ts";

/** Centred Gaussian samples with standard deviations `sd` along a rotated basis. */
function gaussian(n: number, sd: number[], seed: number): number[][] {
  const rng = new Rng(seed);
  const d = sd.length;
  // A fixed rotation: Householder reflection by v = (1, 2, …, d)/‖v‖.
  const v = Array.from({ length: d }, (_, i) => i + 1);
  const nv = Math.hypot(...v);
  const rows = Array.from({ length: n }, () => {
    const z = sd.map((s) => s * rng.normal());
    const dot = z.reduce((s, zi, i) => s + zi * v[i], 0) / nv;
    return z.map((zi, i) => zi - (2 * dot * v[i]) / nv);
  });
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  return rows.map((r) => r.map((x, j) => x - mean[j]));
}

const cosine = (a: number[], b: number[]) =>
  a.reduce((s, x, i) => s + x * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));

Deno.test("Oja: converges to PCA's first component with unit norm", () => {
  // spec: 001-004/B4.12
  const x = gaussian(2000, [3, 1.5, 0.5, 0.2], 1);
  const pc1 = (new PCA({ nComponents: 1 }).fit(x).components.toArray() as number[][])[0];
  const oja = new Oja({ lr: (t) => 0.01 / (1 + t / 4000), rng: new Rng(2) }).fit(x, { epochs: 10 });
  const w = oja.weights.toArray() as number[];
  assert.ok(Math.abs(cosine(w, pc1)) > 0.999, `|cos| = ${Math.abs(cosine(w, pc1))}`);
  assertClose(Math.hypot(...w), 1, { rtol: 5e-3 });
  assert.equal(oja.steps, 20000);
});

Deno.test("Oja: one small step equals the normalised Hebb step up to O(η²)", () => {
  const w0 = [0.6, 0.8], x = [1.5, -0.5];
  for (const eta of [1e-2, 1e-3]) {
    const oja = new Oja({ weights: w0, lr: eta });
    const y = oja.step(x);
    const hebb = w0.map((w, i) => w + eta * y * x[i]);
    const norm = Math.hypot(...hebb);
    const diff = Math.hypot(
      ...(oja.weights.toArray() as number[]).map((w, i) => w - hebb[i] / norm),
    );
    assert.ok(diff < 5 * eta * eta, `η = ${eta}: difference ${diff}`);
  }
});

Deno.test("Sanger: rows converge to PCA's first three components, in order, orthonormal", () => {
  const x = gaussian(3000, [4, 2, 1, 0.3, 0.1], 4);
  const pcs = new PCA({ nComponents: 3 }).fit(x).components.toArray() as number[][];
  const gha = new Sanger({ nComponents: 3, lr: (t) => 0.002 / (1 + t / 20000), rng: new Rng(5) })
    .fit(x, { epochs: 20 });
  const w = gha.components.toArray() as number[][];
  for (let i = 0; i < 3; i++) {
    assert.ok(
      Math.abs(cosine(w[i], pcs[i])) > 0.999,
      `component ${i}: |cos| = ${Math.abs(cosine(w[i], pcs[i]))}`,
    );
    assertClose(Math.hypot(...w[i]), 1, { rtol: 1e-2 });
    for (let j = 0; j < i; j++) assert.ok(Math.abs(cosine(w[i], w[j])) < 0.03);
  }
  // Sanger's first row follows Oja's rule exactly.
  const init = [[0.6, 0.8, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0]];
  const s = new Sanger({ nComponents: 3, weights: init, lr: 0.01 });
  const o = new Oja({ weights: init[0], lr: 0.01 });
  for (const row of x.slice(0, 50)) {
    s.step(row);
    o.step(row);
  }
  assertClose((s.components.toArray() as number[][])[0], o.weights, { atol: 1e-14, rtol: 0 });
  assertClose(
    gha.transform(x.slice(0, 2)),
    x.slice(0, 2).map((r) => w.map((c) => c.reduce((t, v, j) => t + v * r[j], 0))),
    { atol: 1e-12, rtol: 0 },
  );
});

Deno.test("Oja and Sanger: bad input is a clear error", () => {
  assert.throws(() => new Oja({ lr: -1 }), {
    name: "RangeError",
    message: "Oja: lr must be a positive number or a function of the step, got -1",
  });
  assert.throws(
    () => new Oja({ weights: [1, 0] }).fit([[1, 2, 3]]),
    /Oja.fit: x has 3 features \(shape \[1, 3\]\), expected 2/,
  );
  assert.throws(
    () => new Oja({ weights: [1, 0], lr: () => NaN }).step([1, 1]),
    /Oja: lr schedule returned NaN at step 0, expected a finite number/,
  );
  assert.throws(() => new Oja().weights, { name: "TypeError" });
  assert.throws(
    () => new Sanger({ nComponents: 2, weights: [[1, 0]] }),
    /Sanger: weights have shape \[1, 2\], expected 2 rows \(nComponents\)/,
  );
  assert.throws(
    () => new Sanger({ nComponents: 0 }),
    /Sanger: nComponents must be an integer in \[1, 2147483647\], got 0/,
  );
  assert.throws(
    () => new Sanger({ nComponents: 1 }).fit([[1, NaN]]),
    /Sanger.fit: x contains NaN at row 0, column 1/,
  );
});
