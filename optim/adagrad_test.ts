import assert from "node:assert/strict";
import { Adagrad } from "./mod.ts";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { param, setGrad, squareRun } from "./_scalar_testing.ts";

registerTrajectoryTests("Adagrad");

Deno.test("Adagrad: the notes' 3-step run on f(θ)=θ² (ε=0.1, δ=1e-7 outside the root)", () => {
  // spec: 000-003/003.optimisers
  const xs = squareRun((p) => new Adagrad(p, { lr: 0.1, variant: "notes" }));
  [0.900000005, 0.8331035341, 0.7804561901].forEach((e, k) => {
    assert.ok(Math.abs(xs[k] - e) < 1e-10, `θ${k + 1} = ${xs[k]}, expected ${e}`);
  });
  // PyTorch's form is the same with δ = 1e-7.
  assert.deepEqual(squareRun((p) => new Adagrad(p, { lr: 0.1, eps: 1e-7 })), xs);
  assert.equal(new Adagrad([param([1])]).defaults.eps, 1e-10);
});

Deno.test("Adagrad: the first step is exactly −η·g/(|g| + δ) (≈ −η·sign g), as the notes say", () => {
  // spec: 001-004/A3.nesterov-adam
  for (const g of [3, -0.25, 1e-3, -40]) {
    for (const variant of ["notes", "torch"] as const) {
      const w = param([0]);
      const opt = new Adagrad([w], { lr: 0.1, eps: 1e-7, variant });
      setGrad(w, [g]);
      opt.step();
      const expected = (-0.1 * g) / (Math.abs(g) + 1e-7);
      assert.ok(Math.abs(w.item() - expected) <= 1e-15 * Math.abs(expected), `${variant} g=${g}`);
      // ≈ −η·sign g: off by η·δ/(|g| + δ) < η·δ/|g|.
      assert.ok(Math.abs(w.item() + 0.1 * Math.sign(g)) < (0.1 * 1e-7) / Math.abs(g));
    }
  }
});

Deno.test("Adagrad: lrDecay and initialAccumulatorValue by hand", () => {
  const w = param([0]);
  const opt = new Adagrad([w], { lr: 1, lrDecay: 0.5, initialAccumulatorValue: 5, eps: 0 });
  setGrad(w, [2]);
  opt.step(); // r = 9, step 1 uses lr 1: −2/3
  assert.ok(Math.abs(w.item() + 2 / 3) < 1e-15);
  setGrad(w, [4]);
  opt.step(); // r = 25, step 2 uses lr 1/1.5: −(1/1.5)·4/5
  assert.ok(Math.abs(w.item() + 2 / 3 + 4 / 5 / 1.5) < 1e-15);
  assert.equal(opt.state.get(w)?.step, 2);
});

Deno.test("Adagrad: option errors", () => {
  assert.throws(() => new Adagrad([param([1])], { lrDecay: -1 }), {
    name: "RangeError",
    message: "Adagrad: lrDecay must be a finite number >= 0, got -1",
  });
  assert.throws(() => new Adagrad([param([1])], { initialAccumulatorValue: -1 }), {
    name: "RangeError",
    message: /initialAccumulatorValue/,
  });
});
