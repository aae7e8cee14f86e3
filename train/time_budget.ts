/**
 * {@link TimeBudget}: a wall-clock budget for {@link fit}, with the learning-rate schedule spread
 * over the time rather than over a number of epochs.
 *
 * @module
 */
import { LRScheduler } from "@nnc/optim";
import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPositive,
  describe,
} from "@nnc/tensor";
import type { EpochLog } from "./history.ts";
import type { Callback, TrainingState } from "./callbacks.ts";
import { checkRecord } from "./_args.ts";

/**
 * Options of {@link TimeBudget}.
 *
 * @example
 * ```ts
 * import type { TimeBudgetOptions } from "@nnc/train";
 * const half: TimeBudgetOptions = { seconds: 1800, stopAt: "epoch" };
 * ```
 */
export interface TimeBudgetOptions {
  /** The budget: seconds of wall time, counted from the start of training. */
  seconds: number;
  /**
   * A learning-rate schedule spread over the budget: a scheduler fresh from its constructor (not
   * also given to `fit`) and `steps`, the number of steps it takes from step 0 to its last
   * (`OneCycleLR`'s `totalSteps`, whose last step is `totalSteps − 1`; `tMax + 1` for
   * `CosineAnnealingLR`). At a fraction `f` of the training time (the budget less the reserve)
   * it is stepped to step `⌊f · (steps − 1)⌋`, its last at the end.
   */
  schedule?: { scheduler: LRScheduler; steps: number };
  /**
   * Where training stops. `"batch"` (default): after the batch that reaches the budget less the
   * reserve, so that the budget is used to its end (the last epoch is then partial and `fit`'s
   * `epochs` is replaced by an estimate of the epochs the time holds). `"epoch"`: before an epoch
   * that would end past the budget at the pace of the last one (`epochs` stays an upper bound;
   * when the epoch after the next would not fit, `epochs` is lowered to the next, so that `fit`
   * knows it is the last and validates it whatever its `validateEvery`).
   */
  stopAt?: "batch" | "epoch";
  /**
   * Seconds kept at the end of the budget for the last epoch's validation pass. Default: 1.5 times
   * the longest validation pass measured so far (from an epoch's last batch to its end), and 1 %
   * of the budget until one is measured.
   */
  reserve?: number;
  /** The clock, in milliseconds. Default `performance.now`; a test passes its own. */
  clock?: () => number;
}

/**
 * Trains for a wall-clock budget (a callback of {@link fit}). It stops training when the time is
 * spent and, given a schedule, steps the learning-rate scheduler by the time elapsed instead of by
 * batches, so that a one-cycle or cosine schedule anneals exactly at the end of the budget however
 * fast the machine runs, with no jumps when its pace drifts (a schedule counted in epochs must
 * guess how many fit, and re-planning it moves the learning rate by steps). `epochEnds` records the
 * seconds at each epoch's end, for curves against wall time.
 *
 * @example
 * ```ts
 * import { fit, TimeBudget } from "@nnc/train";
 * import { Linear, mseLoss } from "@nnc/layers";
 * import { OneCycleLR, SGD } from "@nnc/optim";
 * import { array, manualSeed } from "@nnc/tensor";
 *
 * manualSeed(0);
 * const model = new Linear(1, 1);
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 1000 });
 * const budget = new TimeBudget({ seconds: 0.2, schedule: { scheduler, steps: 1000 } });
 * const history = await fit(model, {
 *   train: [[array([[0], [1], [2], [3]]), array([[1], [3], [5], [7]])]],
 *   loss: mseLoss,
 *   optimizer,
 *   epochs: 1, // replaced by the budget's estimate after every epoch
 *   callbacks: [budget],
 *   progress: "none",
 * });
 * console.assert(scheduler.lastEpoch === 999 && budget.elapsed() >= budget.horizon);
 * console.assert(history.length === budget.epochEnds.length);
 * ```
 */
export class TimeBudget implements Callback {
  /** The budget in seconds. */
  readonly seconds: number;
  /** Where training stops: after a batch or before an epoch. */
  readonly stopAt: "batch" | "epoch";
  /** Seconds since the start of training at the end of each epoch (validation included). */
  readonly epochEnds: number[] = [];
  readonly #clock: () => number;
  readonly #fixedReserve: number | undefined;
  readonly #schedule: { scheduler: LRScheduler; steps: number } | undefined;
  #start = NaN;
  #lastBatch = NaN;
  #longestValidation = 0;

  /** Checks the options; the clock starts with training (`onTrainBegin`). */
  constructor(options: TimeBudgetOptions) {
    const op = "TimeBudget";
    const o = checkOptions(options, op, "seconds");
    this.seconds = checkPositive(o.seconds, op, "seconds");
    this.stopAt = checkOneOf(o.stopAt ?? "batch", op, "stopAt", ["batch", "epoch"] as const);
    if (o.reserve !== undefined) {
      // Below the budget, so that some time is left to train.
      checkNumber(o.reserve, op, "reserve", 0, this.seconds * (1 - 1e-9));
    }
    this.#fixedReserve = o.reserve;
    if (o.clock !== undefined && typeof o.clock !== "function") {
      throw new TypeError(`${op}: clock must be a function, got ${describe(o.clock)}`);
    }
    this.#clock = o.clock ?? (() => performance.now());
    if (o.schedule !== undefined) {
      const { scheduler, steps } = checkOptions(o.schedule, op, "scheduler and steps");
      if (!(scheduler instanceof LRScheduler)) {
        throw new TypeError(
          `${op}: schedule.scheduler must be an LRScheduler, got ${describe(scheduler)}`,
        );
      }
      checkInt(steps, op, "schedule.steps", 1);
      if (scheduler.lastEpoch > steps - 1) {
        throw new RangeError(
          `${op}: schedule.scheduler stands at step ${scheduler.lastEpoch}, past the last of schedule.steps ${steps}`,
        );
      }
      this.#schedule = { scheduler, steps };
    }
  }

  /** Seconds since training started (0 before it starts). */
  elapsed(): number {
    return Number.isNaN(this.#start) ? 0 : (this.#clock() - this.#start) / 1000;
  }

  /** Seconds kept at the end of the budget for the last validation pass (see the options). */
  get reserve(): number {
    if (this.#fixedReserve !== undefined) return this.#fixedReserve;
    // Never more than half the budget: a validation pass that long leaves half to train.
    return Math.min(
      0.5 * this.seconds,
      Math.max(0.01 * this.seconds, 1.5 * this.#longestValidation),
    );
  }

  /** Seconds of training: the budget less the reserve. */
  get horizon(): number {
    return this.seconds - this.reserve;
  }

  /** Starts the clock (a second `fit` with the same budget starts it afresh). */
  onTrainBegin(_state: TrainingState): void {
    this.#start = this.#clock();
    this.#lastBatch = NaN;
    this.#longestValidation = 0;
    this.epochEnds.length = 0;
  }

  /** Steps the schedule to the time elapsed; in `"batch"` mode, stops when the time is spent. */
  onBatchEnd(
    _batch: number,
    _logs: Readonly<Record<string, number>>,
    state: TrainingState,
  ): void {
    const t = this.elapsed();
    this.#lastBatch = t;
    this.#advance(t);
    if (this.stopAt === "batch" && t >= this.horizon) state.stopTraining = true;
  }

  /** Records the epoch's end, measures its validation pass and decides whether another fits. */
  onEpochEnd(_epoch: number, _logs: Readonly<EpochLog>, state: TrainingState): void {
    checkRecord(state, "TimeBudget.onEpochEnd", "state");
    const t = this.elapsed();
    const length = t - (this.epochEnds.at(-1) ?? 0);
    this.epochEnds.push(t);
    if (!Number.isNaN(this.#lastBatch)) {
      this.#longestValidation = Math.max(this.#longestValidation, t - this.#lastBatch);
    }
    if (state.stopTraining) return;
    if (this.stopAt === "epoch") {
      if (t + length > this.seconds) state.stopTraining = true;
      else if (t + 2 * length > this.seconds) {
        state.epochs = Math.min(state.epochs, state.epoch + 1);
      }
      return;
    }
    if (t >= this.horizon) {
      // The horizon can fall below the last batch's time here (a longer validation pass raised
      // the reserve): the schedule still ends with the training it paces.
      this.#advance(t);
      state.stopTraining = true;
      return;
    }
    // While time is left, at least one more epoch; the estimate is what the progress bar shows.
    state.epochs = state.epoch + Math.max(1, Math.ceil((this.horizon - t) / this.#pace()));
  }

  /**
   * Seconds an epoch: the mean of the last three epochs' lengths, leaving out the first epoch once
   * there are others (its time includes the warm-up of the JIT and the allocator).
   */
  #pace(): number {
    const ends = this.epochEnds;
    const lengths = ends.map((e, i) => e - (i > 0 ? ends[i - 1] : 0));
    const recent = (lengths.length > 1 ? lengths.slice(1) : lengths).slice(-3);
    return recent.reduce((a, b) => a + b, 0) / recent.length;
  }

  /** Steps the scheduler forward to the fraction `t / horizon` of its steps (never back). */
  #advance(t: number): void {
    if (this.#schedule === undefined) return;
    const { scheduler, steps } = this.#schedule;
    const last = steps - 1;
    const target = Math.min(last, Math.floor((t / this.horizon) * last));
    while (scheduler.lastEpoch < target) scheduler.step();
  }
}
