/**
 * {@link LinearWarmup}: a linear ramp of the learning rate, then another schedule (or constant).
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerStateDict, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkOptions, checkProbability, describe } from "@nnc/tensor";

/** Options of {@link LinearWarmup}. */
export interface LinearWarmupOptions {
  /** Epochs (or steps) of the ramp. */
  warmupSteps: number;
  /** Fraction of the initial learning rate at epoch 0, in [0, 1]. Default 1/3 (PyTorch `LinearLR`). */
  startFactor?: number;
  /**
   * Schedule to run after the ramp, from its own epoch 0 (built on the same optimiser just before
   * this one and not stepped yet). Without it the learning rate stays at its initial value.
   */
  after?: LRScheduler;
}

/**
 * Linear warm-up: for epoch e < warmupSteps, `lr = initialLr · (s + (1 − s)·e/warmupSteps)` with
 * s = `startFactor`; from epoch `warmupSteps` on, the `after` schedule takes over as if it had
 * started there (its epoch = e − warmupSteps), or the learning rate stays at `initialLr`.
 *
 * The same learning rates as PyTorch's `LinearLR(start_factor=s, end_factor=1,
 * total_iters=warmupSteps)` alone, or chained with `after` by
 * `SequentialLR([linear, after], milestones=[warmupSteps])`.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { CosineAnnealingLR, LinearWarmup, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const cosine = new CosineAnnealingLR(opt, { tMax: 2 });
 * const sched = new LinearWarmup(opt, { warmupSteps: 2, startFactor: 0.5, after: cosine });
 * const lrs = [sched.getLastLr()[0]];
 * for (let e = 1; e < 5; e++) {
 *   sched.step();
 *   lrs.push(Number(sched.getLastLr()[0].toFixed(12)));
 * }
 * console.assert(lrs.join() === "0.5,0.75,1,0.5,0");
 * ```
 */
export class LinearWarmup extends LRScheduler {
  /** Length of the ramp. */
  warmupSteps: number;
  /** Starting fraction of the initial learning rate. */
  startFactor: number;
  /** The schedule that follows the ramp, if any. */
  readonly after: LRScheduler | null;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: LinearWarmupOptions) {
    const op = "LinearWarmup";
    checkOptions(options, op, "warmupSteps");
    const startFactor = options.startFactor ?? 1 / 3;
    checkInt(options.warmupSteps, op, "warmupSteps", 1);
    checkProbability(startFactor, op, "startFactor", true);
    const after = options.after ?? null;
    if (after !== null) {
      if (!(after instanceof LRScheduler)) {
        throw new TypeError(`${op}: after must be an LRScheduler, got ${describe(after)}`);
      }
      if (after.optimizer !== optimizer) {
        throw new RangeError(`${op}: after (${after.name}) drives another optimizer`);
      }
      if (after.lastEpoch !== 0) {
        throw new RangeError(
          `${op}: after (${after.name}) has already been stepped (lastEpoch ${after.lastEpoch}); build it just before the warm-up`,
        );
      }
    }
    super(op, optimizer);
    this.warmupSteps = options.warmupSteps;
    this.startFactor = startFactor;
    this.after = after;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const e = this.lastEpoch, w = this.warmupSteps;
    if (e < w) {
      const f = this.startFactor + ((1 - this.startFactor) * e) / w;
      return this.baseLrs.map((lr) => lr * f);
    }
    const next = this.after;
    if (next === null) return this.baseLrs.slice();
    if (e === w) {
      // Restart the follower at its epoch 0 from the initial learning rates.
      this.optimizer.paramGroups.forEach((g, i) => {
        g.lr = next.baseLrs[i];
      });
      next.lastEpoch = -1;
    }
    next.step();
    return next.getLastLr();
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return {
      warmupSteps: this.warmupSteps,
      startFactor: this.startFactor,
      after: this.after === null ? null : this.after.stateDict(),
    };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "LinearWarmup.loadStateDict";
    const warmupSteps = stateNumber(state, "warmupSteps", op);
    checkInt(warmupSteps, op, "warmupSteps", 1);
    const startFactor = stateNumber(state, "startFactor", op);
    const saved = state.after ?? null;
    if ((saved === null) !== (this.after === null)) {
      throw new RangeError(
        `${op}: the state dict ${
          saved === null ? "has no" : "has an"
        } 'after' schedule, this warm-up ${this.after === null ? "has none" : "has one"}`,
      );
    }
    if (this.after !== null) this.after.loadStateDict(saved as SchedulerStateDict);
    this.warmupSteps = warmupSteps;
    this.startFactor = startFactor;
  }
}
