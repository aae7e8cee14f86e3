import assert from "node:assert/strict";
import { Adagrad, Adam, OneCycleLR, SGD } from "./mod.ts";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("OneCycleLR");

Deno.test("OneCycleLR: PyTorch's defaults, group keys, Adam's β1 cycling and the end of the cycle", () => {
  const opt = new Adam([param([1])], { lr: 1, betas: [0.9, 0.98] });
  const s = new OneCycleLR(opt, { maxLr: 0.5, totalSteps: 100 });
  const g = opt.paramGroups[0];
  assert.deepEqual([g.initialLr, g.maxLr, g.minLr, g.maxMomentum, g.baseMomentum], [
    0.02,
    0.5,
    0.02 / 1e4,
    0.95,
    0.85,
  ]);
  assert.deepEqual(g.betas, [0.95, 0.98]);
  let peak = 0;
  for (let k = 1; k < 100; k++) {
    s.step();
    if (s.getLastLr()[0] > peak) peak = s.getLastLr()[0];
  }
  assert.ok(Math.abs(peak - 0.5) < 1e-15);
  assert.ok(
    Math.abs(s.getLastLr()[0] - 0.02 / 1e4) < 1e-15,
    "step 99 ends at maxLr/(divFactor·finalDivFactor)",
  );
  s.step(); // PyTorch allows one more step past the cycle (the scheduler's own step 0 counts)
  assert.throws(() => s.step(), {
    name: "RangeError",
    message: "OneCycleLR: tried to step 102 times; the cycle has totalSteps 100",
  });
});

Deno.test("OneCycleLR: errors", () => {
  const sgd = new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
  assert.throws(() => new OneCycleLR(sgd, { maxLr: 1 }), {
    name: "TypeError",
    message: "OneCycleLR: give totalSteps, or epochs and stepsPerEpoch",
  });
  assert.throws(() => new OneCycleLR(sgd, { maxLr: 1, totalSteps: 0 }), {
    name: "RangeError",
    message: "OneCycleLR: totalSteps must be an integer >= 1, got 0",
  });
  assert.throws(() => new OneCycleLR(sgd, { maxLr: 1, epochs: 2 }), {
    name: "RangeError",
    message: "OneCycleLR: stepsPerEpoch must be an integer >= 1, got undefined",
  });
  assert.throws(() => new OneCycleLR(sgd, { maxLr: [1, 2], totalSteps: 10 }), {
    name: "RangeError",
    message:
      "OneCycleLR: maxLr must be a number or a list of 1 (one per param group), got an array of length 2",
  });
  assert.throws(() => new OneCycleLR(sgd, { maxLr: 1, totalSteps: 10, pctStart: 1.2 }), {
    name: "RangeError",
    message: "OneCycleLR: pctStart must be a number in [0, 1], got 1.2",
  });
  assert.throws(() => new OneCycleLR(sgd, { maxLr: 1, totalSteps: 10, pctStart: 0.1 }), {
    name: "RangeError",
    message: /pctStart 0\.1 with totalSteps 10 leaves a phase without steps/,
  });
  assert.throws(
    () => new OneCycleLR(sgd, { maxLr: 1, totalSteps: 10, annealStrategy: "exp" as never }),
    {
      name: "RangeError",
      message: 'OneCycleLR: annealStrategy must be one of "cos", "linear", got "exp"',
    },
  );
  const ada = new Adagrad([param([1])]);
  assert.throws(() => new OneCycleLR(ada, { maxLr: 1, totalSteps: 10 }), {
    name: "TypeError",
    message: /cycleMomentum needs an optimizer with momentum or betas, Adagrad has neither/,
  });
  assert.equal(
    ada.paramGroups[0].maxLr,
    undefined,
    "a rejected schedule leaves the optimizer alone",
  );
});
