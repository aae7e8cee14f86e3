import assert from "node:assert/strict";
import { RMSprop } from "./mod.ts";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { param, setGrad, squareRun } from "./_scalar_testing.ts";

registerTrajectoryTests("RMSprop");

Deno.test("RMSprop: the notes' 3-step run on f(θ)=θ² (ε=0.01, ρ=0.9, δ=1e-9 inside the root)", () => {
  // spec: 000-003/003.optimisers
  const xs = squareRun((p) => new RMSprop(p, { lr: 0.01, alpha: 0.9, variant: "notes" }));
  [0.9683772234, 0.9457880248, 0.9270530978].forEach((e, k) => {
    assert.ok(Math.abs(xs[k] - e) < 1e-10, `θ${k + 1} = ${xs[k]}, expected ${e}`);
  });
});

Deno.test("RMSprop: the variants differ only in where ε goes", () => {
  const notes = new RMSprop([param([1])], { variant: "notes" });
  assert.equal(notes.defaults.eps, 1e-9);
  assert.equal(new RMSprop([param([1])]).defaults.eps, 1e-8);
  const a = squareRun((p) => new RMSprop(p, { lr: 0.01, eps: 0, variant: "notes" }), 8);
  const b = squareRun((p) => new RMSprop(p, { lr: 0.01, eps: 0 }), 8);
  assert.deepEqual(a, b);
  // With g = 1e-3 the placement matters: g/(√r + ε) vs g/√(r + ε).
  const x = param([0]), y = param([0]);
  const inside = new RMSprop([x], { lr: 1, alpha: 0, eps: 1e-6, variant: "notes" });
  const outside = new RMSprop([y], { lr: 1, alpha: 0, eps: 1e-6 });
  setGrad(x, [1e-3]);
  setGrad(y, [1e-3]);
  inside.step();
  outside.step();
  assert.ok(Math.abs(x.item() + 1e-3 / Math.sqrt(1e-6 + 1e-6)) < 1e-15);
  assert.ok(Math.abs(y.item() + 1e-3 / (1e-3 + 1e-6)) < 1e-15);
});

Deno.test("RMSprop: centred form with momentum by hand", () => {
  const w = param([1]);
  const opt = new RMSprop([w], { lr: 0.1, alpha: 0.5, centered: true, momentum: 0.5, eps: 0 });
  setGrad(w, [2]);
  opt.step(); // r = 2, ḡ = 1, c = 1, q = 2, b = 2, θ = 0.8
  assert.ok(Math.abs(w.item() - 0.8) < 1e-15);
  setGrad(w, [4]);
  opt.step(); // r = 9, ḡ = 2.5, c = 2.75, q = 4/√2.75, b = 1 + q
  assert.ok(Math.abs(w.item() - (0.8 - 0.1 * (1 + 4 / Math.sqrt(2.75)))) < 1e-15);
  const s = opt.state.get(w);
  assert.equal(s?.step, 2);
  assert.deepEqual(Object.keys(s ?? {}).sort(), [
    "grad_avg",
    "momentum_buffer",
    "square_avg",
    "step",
  ]);
});

Deno.test("RMSprop: option errors", () => {
  assert.throws(() => new RMSprop([param([1])], { alpha: -0.5 }), {
    name: "RangeError",
    message: "RMSprop: alpha must be a finite number >= 0, got -0.5",
  });
  assert.throws(() => new RMSprop([param([1])], { momentum: -1 }), {
    name: "RangeError",
    message: /RMSprop: momentum/,
  });
  assert.throws(() => new RMSprop([param([1])], { centered: "yes" as unknown as boolean }), {
    name: "TypeError",
    message: 'RMSprop: centered must be a boolean, got "yes"',
  });
});
