import assert from "node:assert/strict";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { MultiStepLR, SGD } from "./mod.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("MultiStepLR");

Deno.test("MultiStepLR: unsorted and repeated milestones; errors", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  const s = new MultiStepLR(opt, { milestones: [4, 1, 4], gamma: 0.5 });
  const lrs = [s.getLastLr()[0]];
  for (let e = 1; e <= 5; e++) {
    s.step();
    lrs.push(s.getLastLr()[0]);
  }
  assert.deepEqual(lrs, [1, 0.5, 0.5, 0.5, 0.125, 0.125]);
  assert.throws(() => new MultiStepLR(opt, { milestones: [1, -2] }), {
    name: "RangeError",
    message: "MultiStepLR: milestones[1] must be an integer >= 0, got -2",
  });
  assert.throws(() => new MultiStepLR(opt, { milestones: 3 as never }), {
    name: "TypeError",
    message: "MultiStepLR: milestones must be an array of epochs, got 3",
  });
});
