import assert from "node:assert/strict";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { ExponentialLR, SGD } from "./mod.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("ExponentialLR");

Deno.test("ExponentialLR: γ = e^{−ρ} is the notes' α^(t) = α^(0)·e^{−ρt}", () => {
  const opt = new SGD([param([1])], { lr: 0.3 });
  const rho = 0.2;
  const s = new ExponentialLR(opt, { gamma: Math.exp(-rho) });
  for (let t = 1; t <= 20; t++) {
    s.step();
    const e = 0.3 * Math.exp(-rho * t);
    assert.ok(Math.abs(s.getLastLr()[0] - e) <= 1e-14 * e, `t=${t}`);
  }
  assert.throws(() => new ExponentialLR(opt, { gamma: NaN }), {
    name: "RangeError",
    message: "ExponentialLR: gamma must be a finite number >= 0, got NaN",
  });
});
