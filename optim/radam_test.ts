import assert from "node:assert/strict";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { registerAdamFamilyTests } from "./_adam_family_testing.ts";
import { RAdam } from "./mod.ts";
import { param, setGrad } from "./_scalar_testing.ts";

registerTrajectoryTests("RAdam");
registerAdamFamilyTests("RAdam", (p, o) => new RAdam(p, o));

Deno.test("RAdam: momentum SGD while ρ_t ≤ 5, the rectified Adam step after", () => {
  // β2 = 0.9: ρ∞ = 19, ρ_t = 19 − 2t·0.9^t/(1 − 0.9^t): 1, 1.947…, 2.85…, 3.71…, 4.53…, 5.31…
  const w = param([0]);
  const opt = new RAdam([w], { lr: 0.1, betas: [0.5, 0.9], eps: 0 });
  let m = 0, v = 0, x = 0;
  for (let t = 1; t <= 7; t++) {
    setGrad(w, [1]);
    opt.step();
    m = 0.5 * m + 0.5;
    v = 0.9 * v + 0.1;
    const rho = 19 - (2 * t * 0.9 ** t) / (1 - 0.9 ** t);
    const mh = m / (1 - 0.5 ** t);
    if (rho > 5) {
      const r = Math.sqrt(((rho - 4) * (rho - 2) * 19) / (15 * 17 * rho));
      x -= mh * 0.1 * (Math.sqrt(1 - 0.9 ** t) / Math.sqrt(v)) * r;
    } else {
      x -= mh * 0.1;
    }
    assert.ok(Math.abs(w.item() - x) < 1e-15, `step ${t}: ${w.item()} against ${x} (ρ = ${rho})`);
  }
});
