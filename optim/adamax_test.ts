import assert from "node:assert/strict";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { registerAdamFamilyTests } from "./_adam_family_testing.ts";
import { Adamax } from "./mod.ts";
import { param, setGrad } from "./_scalar_testing.ts";

registerTrajectoryTests("Adamax");
registerAdamFamilyTests("Adamax", (p, o) => new Adamax(p, o));

Deno.test("Adamax: PyTorch's defaults; the infinity norm keeps the largest decayed |g|", () => {
  const w = param([0]);
  const opt = new Adamax([w], { lr: 0.1, betas: [0.5, 0.5], eps: 0 });
  assert.deepEqual(new Adamax([param([1])]).defaults.betas, [0.9, 0.999]);
  assert.equal(new Adamax([param([1])]).defaults.lr, 2e-3);
  // g = 4, then 1: u = 4, then max(0.5·4, 1) = 2; m = 2, then 1.5; steps 0.1·2/0.5/4, 0.1·1.5/0.75/2.
  setGrad(w, [4]);
  opt.step();
  assert.equal(w.item(), -0.1);
  setGrad(w, [1]);
  opt.step();
  assert.equal(w.item(), -0.1 - 0.1);
});
