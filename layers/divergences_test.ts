import assert from "node:assert/strict";
import fc from "fast-check";
import { gradcheck, tensor } from "@nnc/autograd";
import {
  bernoulliKlDivergence,
  entropy,
  gaussianKlDivergence,
  jsDivergence,
  klDivergence,
} from "./divergences.ts";

const f64 = (v: number[] | number[][]) => tensor(v, { dtype: "float64" });
const close = (a: number, b: number, tol = 1e-7) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} differs from ${b} by more than ${tol}`);

Deno.test("gaussianKlDivergence: the notes' values of KL(N(μ, σ²) ‖ N(0, 1))", () => {
  // spec: 002-part-b/G20
  close(gaussianKlDivergence(f64([0]), f64([0])).item(), 0);
  close(gaussianKlDivergence(f64([1]), f64([0])).item(), 0.5);
  close(gaussianKlDivergence(f64([0]), f64([Math.LN2])).item(), 0.1534264);
});

Deno.test("gaussianKlDivergence sums over the last axis and matches the general two-Gaussian form", () => {
  const mu = f64([[0.3, -1.2], [2, 0.5]]), lv = f64([[-0.4, 0.7], [0.1, -2]]);
  const per = gaussianKlDivergence(mu, lv).toArray() as number[];
  const terms = gaussianKlDivergence(mu, lv, { axis: null }).toArray() as number[][];
  per.forEach((v, i) => close(v, terms[i][0] + terms[i][1], 1e-14));
  // KL(N(μ, σ²) ‖ N(μ₀, σ₀²)) = log(σ₀/σ) + (σ² + (μ − μ₀)²)/(2σ₀²) − ½
  const m0 = 0.7, lv0 = -0.3;
  const got = gaussianKlDivergence(mu, lv, { priorMu: m0, priorLogvar: lv0, axis: null })
    .toArray() as number[][];
  (mu.toArray() as number[][]).forEach((row, i) =>
    row.forEach((m, j) => {
      const l = (lv.toArray() as number[][])[i][j];
      const want = (lv0 - l) / 2 + (Math.exp(l) + (m - m0) ** 2) / (2 * Math.exp(lv0)) - 0.5;
      close(got[i][j], want, 1e-12);
    })
  );
  assert.throws(() => gaussianKlDivergence(f64([1, 2]), f64([1])), /mu \[2\] and logvar \[1\]/);
});

Deno.test("klDivergence, jsDivergence and entropy: the notes' asymmetry example", () => {
  const p = f64([0.5, 0.5]), q = f64([0.9, 0.1]);
  // spec: 002-part-b/G21
  close(klDivergence(p, q).item(), 0.5108256);
  close(klDivergence(q, p).item(), 0.3680642);
  close(jsDivergence(p, q).item(), 0.1017492);
  close(entropy(p).item(), 0.6931472);
  close(entropy(q).item(), 0.3250830);
  close(jsDivergence(f64([1, 0]), f64([0, 1])).item(), 0.6931472);
});

Deno.test("jsDivergence is 0 exactly for equal distributions and positive otherwise", () => {
  // spec: 002-part-b/G10
  assert.equal(jsDivergence(f64([0.2, 0.3, 0.5]), f64([0.2, 0.3, 0.5])).item(), 0);
  const dist = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })
    .filter((v) => v.reduce((a, b) => a + b) > 1e-3)
    .map((v) => {
      const s = v.reduce((a, b) => a + b);
      return v.map((x) => x / s);
    });
  fc.assert(
    fc.property(dist, dist, (a, b) => {
      const js = jsDivergence(f64(a), f64(b)).item();
      const differs = a.some((v, i) => Math.abs(v - b[i]) > 1e-6);
      assert.ok(js >= -1e-15 && js <= Math.LN2 + 1e-12);
      assert.ok(Math.abs(js - jsDivergence(f64(b), f64(a)).item()) < 1e-12, "symmetric");
      if (differs) assert.ok(js > 0);
      // Gibbs: KL ≥ 0, and KL(p‖q) = H(p, q) − H(p) with H(p, q) = −Σ p log q
      const kl = klDivergence(f64(a), f64(b)).item();
      assert.ok(kl >= -1e-12);
      if (b.every((v) => v > 0)) {
        const cross = -a.reduce((s, v, i) => s + (v > 0 ? v * Math.log(b[i]) : 0), 0);
        assert.ok(Math.abs(kl - (cross - entropy(f64(a)).item())) < 1e-9);
      }
    }),
    { numRuns: 100, seed: 14 },
  );
});

Deno.test("klDivergence: zero terms, +Infinity where q = 0 < p, rows along an axis", () => {
  assert.equal(klDivergence(f64([1, 0]), f64([0.5, 0.5])).item(), Math.LN2);
  assert.equal(klDivergence(f64([0.5, 0.5]), f64([1, 0])).item(), Infinity);
  const rows = klDivergence(f64([[1, 0], [0.5, 0.5]]), f64([[0.5, 0.5], [0.5, 0.5]]));
  assert.deepEqual(rows.toArray(), [Math.LN2, 0]);
  const cols = klDivergence(f64([[1, 0.5], [0, 0.5]]), f64([[0.5, 0.5], [0.5, 0.5]]), { axis: 0 });
  assert.deepEqual(cols.toArray(), [Math.LN2, 0]);
  assert.throws(() => klDivergence(f64([1]), f64([0.5, 0.5])), /klDivergence: p \[1\] and q \[2\]/);
  assert.throws(() => klDivergence(f64([1]), f64([1]), { axis: 3 }), /axis must be an integer/);
});

Deno.test("bernoulliKlDivergence is the two-outcome klDivergence", () => {
  const rhoHat = f64([0.1, 0.5, 0.95]);
  const got = bernoulliKlDivergence(0.2, rhoHat).toArray() as number[];
  [0.1, 0.5, 0.95].forEach((r, i) =>
    close(got[i], klDivergence(f64([0.2, 0.8]), f64([r, 1 - r])).item(), 1e-14)
  );
  assert.throws(
    () => bernoulliKlDivergence(1.5, rhoHat),
    /bernoulliKlDivergence: rho must be a number in \[0, 1\], got 1\.5/,
  );
});

Deno.test("divergences: gradients by gradcheck (reverse and forward mode)", () => {
  const p = tensor([0.2, 0.3, 0.5], { dtype: "float64", requiresGrad: true });
  const q = tensor([0.6, 0.1, 0.3], { dtype: "float64", requiresGrad: true });
  gradcheck((a, b) => klDivergence(a, b), [p, q], { mode: "both" });
  gradcheck((a, b) => jsDivergence(a, b), [p, q], { mode: "both" });
  gradcheck((a) => entropy(a), [p], { mode: "both" });
  gradcheck((a) => bernoulliKlDivergence(0.05, a), [q], { mode: "both" });
  const mu = tensor([[0.3, -1]], { dtype: "float64", requiresGrad: true });
  const lv = tensor([[0.2, -0.5]], { dtype: "float64", requiresGrad: true });
  gradcheck((m, l) => gaussianKlDivergence(m, l), [mu, lv], { mode: "both" });
  gradcheck((m, l) => gaussianKlDivergence(m, l, { priorMu: 0.5, priorLogvar: 0.3 }), [mu, lv], {
    mode: "both",
  });
  // p with a zero entry: the gradient stays finite.
  const p0 = tensor([0, 0.4, 0.6], { dtype: "float64", requiresGrad: true });
  klDivergence(p0, q.detach()).backward();
  assert.ok((p0.grad!.toArray() as number[]).every(Number.isFinite));
});
