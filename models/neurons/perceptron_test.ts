import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "@nnc/tensor";
import { Perceptron } from "./perceptron.ts";

Deno.test("Perceptron: hand-traced first pass on AND (a zero margin counts as a mistake)", () => {
  const p = new Perceptron();
  const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [-1, -1, -1, 1];
  // From θ = 0, b = 0: (0,0) has margin 0 → b = −1; (0,1), (1,0) fine; (1,1) margin −1 → θ = (1,1), b = 0.
  assert.deepEqual(x.map((xi, i) => p.step(xi, y[i])), [true, false, false, true]);
  assert.deepEqual(p.weights.toArray(), [1, 1]);
  assert.equal(p.bias, 0);
  p.fit(x, y);
  assert.equal(p.converged, true);
  assert.deepEqual(Array.from(p.predict(x).data), y);
  assert.equal(p.history[p.history.length - 1], 0);
  assert.equal(p.mistakes, 2 + p.history.reduce((a, b) => a + b, 0));
});

Deno.test("Perceptron: Novikov's bound (≤ γ⁻² mistakes) and the norm-growth lemma (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e6 }),
      fc.double({ min: 0.05, max: 0.4, noNaN: true }),
      (seed, gamma) => {
        const rng = new Rng(seed);
        const d = 3;
        const star = Array.from({ length: d }, () => rng.normal());
        const ns = Math.hypot(...star);
        const u = star.map((v) => v / ns);
        const x: number[][] = [], y: number[] = [];
        while (x.length < 60) {
          const v = Array.from({ length: d }, () => rng.uniform(-1, 1));
          const nv = Math.hypot(...v);
          if (nv > 1) continue;
          const m = v.reduce((s, vi, i) => s + vi * u[i], 0);
          if (Math.abs(m) < gamma) continue;
          x.push(v);
          y.push(m > 0 ? 1 : -1);
        }
        const p = new Perceptron({ bias: false }).fit(x, y, { epochs: 1000, shuffle: true, rng });
        assert.equal(p.converged, true);
        assert.ok(p.mistakes <= 1 / (gamma * gamma));
        // ‖θ‖² ≤ Σ over mistakes ‖x‖² ≤ mistakes (since ‖x‖ ≤ 1).
        const w = p.weights.toArray() as number[];
        assert.ok(w.reduce((s, v) => s + v * v, 0) <= p.mistakes + 1e-9);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("Perceptron: never converges on XOR; predict on the boundary is −1", () => {
  const p = new Perceptron().fit([[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, -1], { epochs: 50 });
  assert.equal(p.converged, false);
  assert.equal(p.history.length, 50);
  assert.ok(p.history.every((m) => m > 0));
  const z = new Perceptron({ weights: [1, -1], bias: false });
  assert.deepEqual(Array.from(z.predict([[1, 1], [2, 1]]).data), [-1, 1]);
});

Deno.test("Perceptron: bad input is a clear error", () => {
  assert.throws(() => new Perceptron().fit([[0, 1], [1, 0]], [1, 0]), {
    name: "RangeError",
    message: "Perceptron.fit: y[1] = 0, expected +1 or -1",
  });
  assert.throws(
    () => new Perceptron().fit([[0, 1], [1, 0]], [1]),
    /Perceptron.fit: y has 1 labels but x has 2 rows \(shape \[2, 2\]\)/,
  );
  assert.throws(
    () => new Perceptron({ weights: [1, 1] }).fit([[1, 2, 3]], [1]),
    /Perceptron.fit: x has 3 features \(shape \[1, 3\]\), expected 2/,
  );
  assert.throws(
    () => new Perceptron().fit([[NaN, 1]], [1]),
    /Perceptron.fit: x contains NaN at row 0, column 0/,
  );
  assert.throws(
    () => new Perceptron({ lr: 0 }),
    /Perceptron: lr must be a finite number >= 5e-324, got 0/,
  );
});
