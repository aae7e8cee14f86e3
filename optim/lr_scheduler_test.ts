import assert from "node:assert/strict";
import { ReduceLROnPlateau, SGD, StepLR } from "./mod.ts";
import {
  fixtures,
  makeOptimizer,
  makeParams,
  makeScheduler,
  replay,
  setGradients,
  snapshot,
} from "./_trajectory_testing.ts";
import { param } from "./_scalar_testing.ts";

Deno.test("LRScheduler: saving optimiser + schedule mid-run and resuming gives the identical run (every schedule case)", () => {
  for (const c of fixtures.schedulers) {
    const whole = replay(c);
    const p = makeParams();
    const opt = makeOptimizer(c, p);
    const sched = makeScheduler(c.scheduler!, opt);
    const stepSched = (s: typeof sched, k: number) =>
      s instanceof ReduceLROnPlateau ? s.step(c.metrics![k]) : s.step();
    for (let k = 0; k < 4; k++) {
      setGradients(p);
      opt.step();
      stepSched(sched, k);
    }
    const optState = opt.stateDict(), schedState = structuredClone(sched.stateDict());
    const q = makeParams();
    q.W.data.data.set(p.W.data.data);
    q.b.data.data.set(p.b.data.data);
    const opt2 = makeOptimizer(c, q);
    const sched2 = makeScheduler(c.scheduler!, opt2);
    opt2.loadStateDict(optState);
    sched2.loadStateDict(schedState);
    assert.deepEqual(sched2.getLastLr(), sched.getLastLr(), c.id);
    for (let k = 4; k < 10; k++) {
      assert.deepEqual(
        opt2.paramGroups.map((g) => g.lr),
        whole.lrs[k],
        `${c.id}: lr at step ${k + 1}`,
      );
      setGradients(q);
      opt2.step();
      stepSched(sched2, k);
    }
    assert.deepEqual(snapshot(q), whole.trajectory[9], c.id);
  }
});

Deno.test("LRScheduler: errors name the schedule and the value", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  assert.throws(() => new StepLR({} as never, { stepSize: 1 }), {
    name: "TypeError",
    message: "StepLR: expected an Optimizer, got an object",
  });
  assert.throws(() => new StepLR(opt, { stepSize: 0 }), {
    name: "RangeError",
    message: "StepLR: stepSize must be an integer >= 1, got 0",
  });
  assert.throws(() => new StepLR(opt, { stepSize: 2.5 }), {
    name: "RangeError",
    message: "StepLR: stepSize must be an integer >= 1, got 2.5",
  });
  assert.throws(() => new StepLR(opt, { stepSize: 2, gamma: -1 }), {
    name: "RangeError",
    message: "StepLR: gamma must be a finite number >= 0, got -1",
  });
  assert.throws(() => new StepLR(opt, undefined as never), {
    name: "TypeError",
    message: /StepLR: options must be an object with stepSize, got undefined/,
  });
  const s = new StepLR(opt, { stepSize: 2 });
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), name: "ExponentialLR" }), {
    name: "TypeError",
    message: 'StepLR.loadStateDict: the state dict is for "ExponentialLR", not StepLR',
  });
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), baseLrs: [1, 2] }), {
    name: "TypeError",
    message: /StepLR.loadStateDict: baseLrs must be a list of 1 numbers/,
  });
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), stepSize: -3 }), {
    name: "RangeError",
    message: /stepSize must be an integer >= 1, got -3/,
  });
});

Deno.test("LRScheduler: initialLr is recorded once; a second schedule starts from it (chainable forms compose)", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  const a = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  const b = new StepLR(opt, { stepSize: 3, gamma: 0.1 });
  assert.deepEqual(a.baseLrs, [1]);
  assert.deepEqual(b.baseLrs, [1]);
  const lrs = [];
  for (let e = 1; e <= 6; e++) {
    a.step();
    b.step();
    lrs.push(Number(opt.paramGroups[0].lr.toPrecision(12)));
  }
  // Both factors apply, as PyTorch's chainable schedules: ×0.5 at 2, 4, 6 and ×0.1 at 3, 6.
  assert.deepEqual(lrs, [1, 0.5, 0.05, 0.025, 0.025, 0.00125]);
  assert.equal(opt.paramGroups[0].initialLr, 1);
});
