import assert from "node:assert/strict";
import fc from "fast-check";
import { array, type NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Linear, mseLoss } from "@nnc/layers";
import { OneCycleLR, SGD } from "@nnc/optim";
import { fit } from "./fit.ts";
import type { Callback } from "./callbacks.ts";
import { TimeBudget, type TimeBudgetOptions } from "./time_budget.ts";

/**
 * A run whose clock is scripted: every training batch takes `batchSeconds` (the i-th batch
 * overall takes `batchSeconds[i % length]`), every validation batch `validationSeconds`.
 * Returns the budget, the history, the learning rate of every batch and the batches run.
 */
async function scriptedRun(
  options: Omit<TimeBudgetOptions, "clock">,
  script: {
    batches: number;
    batchSeconds: number[];
    validationBatches?: number;
    validationSeconds?: number;
    epochs?: number;
    validateEvery?: number;
  },
) {
  let ms = 0, trained = 0;
  const budget = new TimeBudget({ ...options, clock: () => ms });
  // The epochs fit runs to, as the budget left them after each epoch.
  const plans: number[] = [];
  const planRecorder: Callback = { onEpochEnd: (_e, _l, state) => void plans.push(state.epochs) };
  const model = new Linear(1, 1);
  const optimizer = options.schedule?.scheduler.optimizer ??
    new SGD(model.parameters(), { lr: 0.01 });
  const batch: [NDArray, NDArray] = [array([[1], [2]]), array([[3], [5]])];
  const lrs: number[] = [];
  const history = await fit(model, {
    train: Array.from({ length: script.batches }, () => batch),
    validation: script.validationBatches === undefined
      ? undefined
      : Array.from({ length: script.validationBatches }, () => batch),
    loss: (out: Tensor, target: Tensor) => {
      // fit trains in training mode and validates in evaluation mode.
      if (model.training) {
        lrs.push(optimizer.paramGroups[0].lr);
        ms += 1000 * script.batchSeconds[trained++ % script.batchSeconds.length];
      } else {
        ms += 1000 * (script.validationSeconds ?? 0);
      }
      return mseLoss(out, target);
    },
    optimizer,
    epochs: script.epochs ?? 1,
    validateEvery: script.validateEvery,
    callbacks: [budget, planRecorder],
    progress: "none",
  });
  return { budget, history, lrs, trained, plans, seconds: ms / 1000 };
}

Deno.test("TimeBudget stops after the batch that reaches the budget, mid-epoch", async () => {
  // 4 batches of 1 s an epoch, a 10 s budget with no reserve: 10 batches, the third epoch partial.
  const r = await scriptedRun({ seconds: 10, reserve: 0 }, { batches: 4, batchSeconds: [1] });
  assert.equal(r.trained, 10);
  assert.deepEqual(r.budget.epochEnds, [4, 8, 10]);
  assert.equal(r.history.length, 3);
  assert.equal(r.seconds, 10);
  // After epoch 1 (4 s) 6 s are left: two more epochs; after epoch 2 one more (the partial one).
  assert.deepEqual(r.plans, [3, 3, 3]);
});

Deno.test("TimeBudget estimates the epochs from the last three, the first left out", async () => {
  // Epoch lengths 9 s (the first: warm-up), then 2, 4, 3, 5 s in a 60 s budget with no reserve.
  // After epoch 2 (11 s): pace 2 → 2 + ⌈49 / 2⌉ = 27; after 3 (15 s): pace 3 → 3 + ⌈45 / 3⌉ = 18;
  // after 4 (18 s): pace 3 → 4 + 14 = 18; after 5 (23 s): pace 4 → 5 + ⌈37 / 4⌉ = 15.
  const r = await scriptedRun(
    { seconds: 60, reserve: 0 },
    { batches: 1, batchSeconds: [9, 2, 4, 3, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
  );
  assert.deepEqual(r.plans.slice(0, 5), [1 + Math.ceil(51 / 9), 27, 18, 18, 15]);
});

Deno.test("TimeBudget's default reserve keeps 1.5 validation passes for the end", async () => {
  // Epochs of 4 × 1 s training and 2 × 1 s validation in a 22 s budget. Until a validation pass is
  // measured the reserve is 1 % (0.22 s); after the first epoch 1.5 × 2 s = 3 s, so training stops
  // after the batch ending at 19 s, and its validation pass ends at 21 s, within the budget.
  const r = await scriptedRun(
    { seconds: 22 },
    { batches: 4, batchSeconds: [1], validationBatches: 2, validationSeconds: 1 },
  );
  assert.deepEqual(r.budget.epochEnds, [6, 12, 18, 21]);
  assert.equal(r.budget.reserve, 3);
  assert.equal(r.budget.horizon, 19);
  assert.equal(r.trained, 13);
  // In a 21 s budget the third epoch ends at the horizon (18 s = 21 − 3 s): training stops there,
  // keeping the reserve.
  const tight = await scriptedRun(
    { seconds: 21 },
    { batches: 4, batchSeconds: [1], validationBatches: 2, validationSeconds: 1 },
  );
  assert.deepEqual(tight.budget.epochEnds, [6, 12, 18]);
});

Deno.test("TimeBudget ends the schedule when a longer reserve stops training at an epoch's end", async () => {
  // As in the 21 s case above: the last batch ends at 16 s, 16/19 of the horizon the budget had
  // then; the validation pass raises the reserve to 3 s and the horizon to 18 s, reached at the
  // epoch's end. Training stops there, and the schedule stands at its last step.
  const model = new Linear(1, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 100 });
  const r = await scriptedRun(
    { seconds: 21, schedule: { scheduler, steps: 100 } },
    { batches: 4, batchSeconds: [1], validationBatches: 2, validationSeconds: 1 },
  );
  assert.deepEqual(r.budget.epochEnds, [6, 12, 18]);
  assert.equal(r.budget.horizon, 18);
  assert.equal(scheduler.lastEpoch, 99);
  assert.equal(optimizer.paramGroups[0].lr, 0.1 / 25 / 1e4);
});

Deno.test("TimeBudget steps the schedule by time: exactly OneCycleLR at the elapsed fraction", async () => {
  const model = new Linear(1, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 100 });
  // Batches of 0.5, 1.5 and 1 s in turn: the fraction of a 30 s budget does not move evenly.
  const durations = [0.5, 1.5, 1];
  const r = await scriptedRun(
    { seconds: 30, reserve: 0, schedule: { scheduler, steps: 100 } },
    { batches: 7, batchSeconds: durations },
  );
  // The reference: a fresh OneCycleLR stepped to ⌊t / 30 · 99⌋ before each batch.
  const refModel = new Linear(1, 1);
  const refOptimizer = new SGD(refModel.parameters(), { lr: 0.1, momentum: 0.9 });
  const ref = new OneCycleLR(refOptimizer, { maxLr: 0.1, totalSteps: 100 });
  const expected: number[] = [];
  let t = 0;
  for (let i = 0; i < r.trained; i++) {
    while (ref.lastEpoch < Math.min(99, Math.floor((t / 30) * 99))) ref.step();
    expected.push(refOptimizer.paramGroups[0].lr);
    t += durations[i % 3];
  }
  assert.deepEqual(r.lrs, expected);
  assert.equal(r.seconds, 30);
  assert.equal(scheduler.lastEpoch, 99); // annealed to the end within the budget
  assert.equal(optimizer.paramGroups[0].lr, 0.1 / 25 / 1e4);
});

Deno.test('TimeBudget stopAt "epoch" stops before an epoch that would end past the budget', async () => {
  // Epochs of 4 s in a 10 s budget: after the second (8 s) a third would end at 12 s.
  const r = await scriptedRun(
    { seconds: 10, stopAt: "epoch" },
    { batches: 4, batchSeconds: [1], epochs: 50 },
  );
  assert.deepEqual(r.budget.epochEnds, [4, 8]);
  // The epochs given stay an upper bound in this mode.
  const capped = await scriptedRun(
    { seconds: 100, stopAt: "epoch" },
    { batches: 4, batchSeconds: [1], epochs: 3 },
  );
  assert.deepEqual(capped.budget.epochEnds, [4, 8, 12]);
});

Deno.test("TimeBudget with fit's validateEvery: the last epoch is validated in either mode", async () => {
  const validated = (r: { history: { get(k: string): number[] } }) =>
    r.history.get("valLoss").flatMap((v, i) => (Number.isNaN(v) ? [] : [i + 1]));
  // "batch": epochs of 4 × 1 s and a 1 s validation pass on epochs 1, 4, 7, …, in 22 s. The
  // reserve is 1.5 s after epoch 1, so training stops after the batch ending at 21 s (past 20.5),
  // in epoch 5, which fit then validates: it ends at 22 s.
  const byBatch = await scriptedRun(
    { seconds: 22 },
    {
      batches: 4,
      batchSeconds: [1],
      validationBatches: 2,
      validationSeconds: 0.5,
      epochs: 50,
      validateEvery: 3,
    },
  );
  assert.deepEqual(byBatch.budget.epochEnds, [5, 9, 13, 18, 22]);
  assert.deepEqual(validated(byBatch), [1, 4, 5]);
  // "epoch": after epoch 1 (5 s with its validation) a second fits in 14 s, a third would not at
  // that pace, so the plan becomes 2 epochs and fit validates the second.
  const byEpoch = await scriptedRun(
    { seconds: 14, stopAt: "epoch" },
    {
      batches: 4,
      batchSeconds: [1],
      validationBatches: 2,
      validationSeconds: 0.5,
      epochs: 50,
      validateEvery: 10,
    },
  );
  assert.deepEqual(byEpoch.budget.epochEnds, [5, 10]);
  assert.deepEqual(validated(byEpoch), [1, 2]);
  assert.deepEqual(byEpoch.plans, [2, 2]);
});

Deno.test("TimeBudget: property — the run ends at the first batch past the horizon, the schedule at its end", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 5, max: 60 }),
      async (tenths, batches, seconds) => {
        const durations = tenths.map((d) => d / 10);
        const model = new Linear(1, 1);
        const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
        const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 50 });
        const r = await scriptedRun(
          { seconds, reserve: 0, schedule: { scheduler, steps: 50 } },
          { batches, batchSeconds: durations },
        );
        // Times at the batches' ends: the last is the first at or past the budget.
        let t = 0;
        const ends: number[] = [];
        for (let i = 0; i < r.trained; i++) ends.push(t += durations[i % durations.length]);
        assert.ok(ends.at(-1)! >= seconds - 1e-9);
        assert.ok(ends.length === 1 || ends.at(-2)! < seconds);
        assert.equal(scheduler.lastEpoch, 49);
        // The learning rate never rose after the peak (no re-planning jumps).
        const peak = r.lrs.indexOf(Math.max(...r.lrs));
        for (let i = peak + 1; i < r.lrs.length; i++) assert.ok(r.lrs[i] <= r.lrs[i - 1]);
      },
    ),
    { numRuns: 40, seed: 7 },
  );
});

Deno.test("TimeBudget rejects bad options with the op, the value and the expectation", () => {
  const opt = new SGD(new Linear(1, 1).parameters(), { lr: 0.1, momentum: 0.9 });
  const scheduler = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 });
  assert.throws(
    () => new TimeBudget({ seconds: 0 }),
    /TimeBudget: seconds must be a finite number > 0, got 0/,
  );
  assert.throws(
    () => new TimeBudget(undefined as unknown as TimeBudgetOptions),
    /TimeBudget: options must be an object with seconds, got undefined/,
  );
  assert.throws(
    () => new TimeBudget({ seconds: 10, stopAt: "step" as "batch" }),
    /TimeBudget: stopAt must be one of "batch", "epoch", got "step"/,
  );
  assert.throws(() => new TimeBudget({ seconds: 10, reserve: 10 }), /TimeBudget: reserve must be/);
  assert.throws(
    () => new TimeBudget({ seconds: 10, schedule: { scheduler, steps: 2.5 } }),
    /TimeBudget: schedule.steps must be an integer >= 1, got 2.5/,
  );
  assert.throws(
    () =>
      new TimeBudget({
        seconds: 10,
        schedule: { scheduler: {} as OneCycleLR, steps: 10 },
      }),
    /TimeBudget: schedule.scheduler must be an LRScheduler/,
  );
  for (let i = 0; i < 3; i++) scheduler.step();
  assert.throws(
    () => new TimeBudget({ seconds: 10, schedule: { scheduler, steps: 2 } }),
    /TimeBudget: schedule.scheduler stands at step 3, past the last of schedule.steps 2/,
  );
});
