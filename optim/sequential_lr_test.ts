import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ChainedScheduler,
  ConstantLR,
  ExponentialLR,
  LinearLR,
  LinearWarmup,
  ReduceLROnPlateau,
  SequentialLR,
  SGD,
} from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("SequentialLR");
registerOptionFuzz(
  "SequentialLR",
  ["milestones", "schedulers"],
  (opt, o) =>
    new SequentialLR(opt, {
      ...o,
      schedulers: Array.isArray(o.schedulers)
        ? [new ConstantLR(opt), new ExponentialLR(opt, { gamma: 0.5 })].slice(
          0,
          o.schedulers.length,
        )
        : o.schedulers,
    } as never),
);

Deno.test("SequentialLR: property: [LinearLR, ExponentialLR] at warmupSteps equals LinearWarmup with that follower", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-2, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 6 }),
      fc.double({ min: 0.1, max: 1, noNaN: true }),
      (startFactor, warm, gamma) => {
        const a = new SGD([param([1])], { lr: 0.5 });
        const seq = new SequentialLR(a, {
          schedulers: [
            new LinearLR(a, { startFactor, totalIters: warm }),
            new ExponentialLR(a, { gamma }),
          ],
          milestones: [warm],
        });
        const b = new SGD([param([1])], { lr: 0.5 });
        const after = new ExponentialLR(b, { gamma });
        const lw = new LinearWarmup(b, { warmupSteps: warm, startFactor, after });
        for (let e = 0; e < warm + 5; e++) {
          const x = seq.getLastLr()[0], y = lw.getLastLr()[0];
          assert.ok(Math.abs(x - y) <= 1e-12 * y, `epoch ${e}: ${x} vs ${y}`);
          seq.step();
          lw.step();
        }
      },
    ),
  );
});

Deno.test("SequentialLR: errors", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  const other = new SGD([param([1])], { lr: 0.1 });
  assert.throws(() => new SequentialLR(opt, undefined as never), {
    name: "TypeError",
    message:
      "SequentialLR: options must be an object with schedulers and milestones, got undefined",
  });
  assert.throws(() => new SequentialLR(opt, { schedulers: [], milestones: [] }), {
    name: "TypeError",
    message:
      "SequentialLR: schedulers must be a non-empty list of schedules, got an array of length 0",
  });
  const c = new ConstantLR(opt), l = new LinearLR(opt);
  assert.throws(() => new SequentialLR(opt, { schedulers: [c, l], milestones: [] }), {
    name: "RangeError",
    message:
      "SequentialLR: milestones must be a list of length 1 (one fewer than the 2 schedulers), got an array of length 0",
  });
  assert.throws(() => new SequentialLR(opt, { schedulers: [c, l, l], milestones: [3, 3] }), {
    name: "RangeError",
    message: "SequentialLR: milestones must be increasing integers >= 1, got 3 at milestones[1]",
  });
  assert.throws(() => new SequentialLR(opt, { schedulers: [c, l], milestones: [0] }), {
    name: "RangeError",
    message: "SequentialLR: milestones must be increasing integers >= 1, got 0 at milestones[0]",
  });
  assert.throws(
    () => new SequentialLR(opt, { schedulers: [new ConstantLR(other)], milestones: [] }),
    {
      name: "RangeError",
      message: "SequentialLR: schedulers[0] (ConstantLR) drives another optimizer",
    },
  );
  assert.throws(
    () =>
      new SequentialLR(opt, { schedulers: [new ReduceLROnPlateau(opt) as never], milestones: [] }),
    {
      name: "TypeError",
      message:
        "SequentialLR: schedulers[0] must be an LRScheduler, got a ReduceLROnPlateau (its step needs a metric)",
    },
  );
  const chained = new ChainedScheduler([new ConstantLR(opt)]);
  assert.throws(() => new SequentialLR(opt, { schedulers: [c, chained], milestones: [2] }), {
    name: "TypeError",
    message:
      "SequentialLR: schedulers[1] (ChainedScheduler) cannot follow a milestone: it has no epoch 0 of its own to restart at (PyTorch raises NotImplementedError there); put it first or chain inside it",
  });
  const s = new SequentialLR(opt, { schedulers: [c, l], milestones: [2] });
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), milestones: [3] }), {
    name: "RangeError",
    message:
      "SequentialLR.loadStateDict: the state dict's milestones an array of length 1 differ from this schedule's [2]",
  });
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), schedulers: [] }), {
    name: "TypeError",
    message:
      "SequentialLR.loadStateDict: schedulers must be a list of 2 state dicts, got an array of length 0",
  });
});
