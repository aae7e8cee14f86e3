import assert from "node:assert/strict";
import { ExponentialLR, LinearWarmup, SGD } from "./mod.ts";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("LinearWarmup");

Deno.test("LinearWarmup: ramp from 0, then constant; then a follower that starts at its epoch 0", () => {
  const opt = new SGD([param([1])], { lr: 0.8 });
  const w = new LinearWarmup(opt, { warmupSteps: 4, startFactor: 0 });
  const lrs = [w.getLastLr()[0]];
  for (let e = 1; e <= 6; e++) {
    w.step();
    lrs.push(w.getLastLr()[0]);
  }
  assert.deepEqual(lrs, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 0.8, 0.8]);
  const opt2 = new SGD([param([1])], { lr: 1 });
  const exp = new ExponentialLR(opt2, { gamma: 0.5 });
  const w2 = new LinearWarmup(opt2, { warmupSteps: 2, startFactor: 0.5, after: exp });
  const lrs2 = [w2.getLastLr()[0]];
  for (let e = 1; e <= 5; e++) {
    w2.step();
    lrs2.push(w2.getLastLr()[0]);
  }
  assert.deepEqual(lrs2, [0.5, 0.75, 1, 0.5, 0.25, 0.125]);
  assert.equal(exp.lastEpoch, 3);
});

Deno.test("LinearWarmup: errors", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  assert.throws(() => new LinearWarmup(opt, { warmupSteps: 0 }), {
    name: "RangeError",
    message: "LinearWarmup: warmupSteps must be an integer >= 1, got 0",
  });
  assert.throws(() => new LinearWarmup(opt, { warmupSteps: 2, startFactor: 1.5 }), {
    name: "RangeError",
    message: "LinearWarmup: startFactor must be a number in [0, 1], got 1.5",
  });
  const stepped = new ExponentialLR(opt, { gamma: 0.5 });
  stepped.step();
  assert.throws(() => new LinearWarmup(opt, { warmupSteps: 2, after: stepped }), {
    name: "RangeError",
    message: /after \(ExponentialLR\) has already been stepped \(lastEpoch 1\)/,
  });
  const other = new ExponentialLR(new SGD([param([1])], { lr: 1 }), { gamma: 0.5 });
  assert.throws(() => new LinearWarmup(opt, { warmupSteps: 2, after: other }), {
    name: "RangeError",
    message: "LinearWarmup: after (ExponentialLR) drives another optimizer",
  });
  assert.throws(() => new LinearWarmup(opt, { warmupSteps: 2, after: {} as never }), {
    name: "TypeError",
    message: "LinearWarmup: after must be an LRScheduler, got an object",
  });
});
