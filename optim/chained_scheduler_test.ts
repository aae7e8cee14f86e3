import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ChainedScheduler,
  ConstantLR,
  CyclicLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  type Optimizer,
  PolynomialLR,
  SGD,
  StepLR,
} from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("ChainedScheduler");
registerOptionFuzz(
  "ChainedScheduler",
  ["schedulers"],
  (opt, o) =>
    new ChainedScheduler(
      Array.isArray(o.schedulers)
        ? [new ConstantLR(opt), new ExponentialLR(opt, { gamma: 0.5 })].slice(
          0,
          o.schedulers.length,
        )
        : o.schedulers as never,
    ),
);

const MAKERS: ((opt: Optimizer) => LRScheduler)[] = [
  (o) => new ConstantLR(o, { factor: 0.5, totalIters: 3 }),
  (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 4 }),
  (o) => new PolynomialLR(o, { totalIters: 6, power: 1.5 }),
  (o) => new ExponentialLR(o, { gamma: 0.8 }),
  (o) => new StepLR(o, { stepSize: 2, gamma: 0.3 }),
  (o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3 }),
];

Deno.test("ChainedScheduler: property: a chain of one schedule is that schedule, bit for bit", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: MAKERS.length - 1 }),
      fc.integer({ min: 0, max: 15 }),
      (i, steps) => {
        const a = new SGD([param([1])], { lr: 0.3, momentum: 0.9 });
        const b = new SGD([param([1])], { lr: 0.3, momentum: 0.9 });
        const chain = new ChainedScheduler([MAKERS[i](a)]);
        const alone = MAKERS[i](b);
        assert.deepEqual(chain.getLastLr(), alone.getLastLr());
        for (let k = 0; k < steps; k++) {
          chain.step();
          alone.step();
          assert.deepEqual(chain.getLastLr(), alone.getLastLr());
          assert.deepEqual(a.paramGroups[0].momentum, b.paramGroups[0].momentum);
        }
        assert.equal(chain.lastEpoch, steps);
      },
    ),
  );
});

Deno.test("ChainedScheduler: errors", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  const other = new SGD([param([1])], { lr: 0.1 });
  assert.throws(() => new ChainedScheduler([]), {
    name: "TypeError",
    message:
      "ChainedScheduler: schedulers must be a non-empty list of schedules, got an array of length 0",
  });
  assert.throws(() => new ChainedScheduler(5 as never), {
    name: "TypeError",
    message: "ChainedScheduler: schedulers must be a non-empty list of schedules, got 5",
  });
  assert.throws(() => new ChainedScheduler([new ConstantLR(opt), new ConstantLR(other)]), {
    name: "RangeError",
    message: "ChainedScheduler: schedulers[1] (ConstantLR) drives another optimizer",
  });
  assert.throws(() => new ChainedScheduler([new ConstantLR(opt)], other), {
    name: "RangeError",
    message: "ChainedScheduler: schedulers[0] (ConstantLR) drives another optimizer",
  });
  assert.throws(() => new ChainedScheduler([new ConstantLR(opt)], {} as never), {
    name: "TypeError",
    message: "ChainedScheduler: expected an Optimizer, got an object",
  });
  const s = new ChainedScheduler([new ConstantLR(opt)]);
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), schedulers: [{ name: "StepLR" }] }), {
    name: "TypeError",
    message: 'ConstantLR.loadStateDict: the state dict is for "StepLR", not ConstantLR',
  });
});
