import assert from "node:assert/strict";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { registerAdamFamilyTests } from "./_adam_family_testing.ts";
import { NAdam } from "./mod.ts";
import { param, setGrad } from "./_scalar_testing.ts";

// PyTorch 2.x's update: 1.13 counted μ_t twice in the next step's product (see the fixture script).
registerTrajectoryTests("NAdam");
registerAdamFamilyTests("NAdam", (p, o) => new NAdam(p, o));

Deno.test("NAdam: the first step from the formulas, and the momentum product in the state", () => {
  const w = param([0]);
  const opt = new NAdam([w], { lr: 0.1, eps: 0 });
  setGrad(w, [3]);
  opt.step();
  // t = 1: μ1 = 0.9(1 − 0.96^0.004/2), μ2 = 0.9(1 − 0.96^0.008/2); m = 0.3, v = 0.009, d = 3.
  const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004), mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
  const expected = -0.1 * (1 - mu1) / (1 - mu1) * (3 / 3) - 0.1 * mu2 / (1 - mu1 * mu2) * (0.3 / 3);
  assert.ok(Math.abs(w.item() - expected) < 1e-15, `${w.item()} against ${expected}`);
  const state = opt.stateDict().state[0] as Record<string, unknown>;
  assert.equal(state.mu_product, mu1);
  assert.throws(
    () => new NAdam([param([1])], { momentumDecay: -1 }),
    /^RangeError: NAdam: momentumDecay/,
  );
});
