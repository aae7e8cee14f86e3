import assert from "node:assert/strict";
import { Adadelta } from "./mod.ts";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { param, setGrad } from "./_scalar_testing.ts";

registerTrajectoryTests("Adadelta");

Deno.test("Adadelta: two steps by hand", () => {
  const w = param([1]);
  const opt = new Adadelta([w], { lr: 1, rho: 0.5, eps: 0.01 });
  setGrad(w, [2]);
  opt.step();
  const d1 = (Math.sqrt(0.01) / Math.sqrt(2 + 0.01)) * 2; // r = 2
  assert.ok(Math.abs(w.item() - (1 - d1)) < 1e-15);
  const u = 0.5 * d1 * d1;
  setGrad(w, [-1]);
  opt.step(); // r = 1.5
  const d2 = (Math.sqrt(u + 0.01) / Math.sqrt(1.5 + 0.01)) * -1;
  assert.ok(Math.abs(w.item() - (1 - d1 - d2)) < 1e-15);
});

Deno.test("Adadelta: defaults and errors", () => {
  const opt = new Adadelta([param([1])]);
  assert.deepEqual(
    { lr: opt.defaults.lr, rho: opt.defaults.rho, eps: opt.defaults.eps },
    { lr: 1, rho: 0.9, eps: 1e-6 },
  );
  assert.throws(() => new Adadelta([param([1])], { rho: 1.5 }), {
    name: "RangeError",
    message: "Adadelta: rho must be a number in [0, 1], got 1.5",
  });
});
