import assert from "node:assert/strict";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { SGD, StepLR } from "./mod.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("StepLR");

Deno.test("StepLR: lr = initialLr·γ^⌊epoch/stepSize⌋ for 3 groups by hand", () => {
  const opt = new SGD([{ params: [param([1])] }, { params: [param([1])], lr: 0.5 }, {
    params: [param([1])],
    lr: 2,
  }], { lr: 1 });
  const s = new StepLR(opt, { stepSize: 3, gamma: 0.5 });
  for (let e = 1; e <= 10; e++) {
    s.step();
    const f = 0.5 ** Math.floor(e / 3);
    assert.deepEqual(s.getLastLr(), [f, 0.5 * f, 2 * f]);
  }
});
