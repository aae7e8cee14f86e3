/**
 * {@link LinearLR}: the learning rate's factor moves linearly from one value to another.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkUnitFactor } from "./_schedule_options.ts";
import { checkInt, checkOptions, checkProbability } from "@nnc/tensor";

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor from epoch `totalIters` on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Epochs of the ramp. Default 5. */
  totalIters?: number;
}

/**
 * A linear ramp of the factor (PyTorch's `LinearLR`, same defaults): `lr = initialLr · (s + (e −
 * s)·min(epoch, T)/T)` with s = `startFactor`, e = `endFactor`, T = `totalIters`, computed in
 * PyTorch's chainable form (each step multiplies the current lr by the ratio of successive
 * factors), so that the values equal PyTorch's to the last bits and it composes with other
 * schedules ({@link ChainedScheduler}).
 *
 * PyTorch accepts `total_iters` 0 (the rate then stays at `start_factor`); nnc asks for ≥ 1.
 * {@link LinearWarmup} is the same ramp with a follower built in.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { LinearLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
 * const lrs = [sched.getLastLr()[0]];
 * for (let e = 0; e < 3; e++) {
 *   sched.step();
 *   lrs.push(sched.getLastLr()[0]);
 * }
 * console.assert(lrs.join() === "0.5,0.75,1,1");
 * ```
 */
export class LinearLR extends LRScheduler {
  /** Factor at epoch 0. */
  startFactor: number;
  /** Factor at the end of the ramp. */
  endFactor: number;
  /** Epochs of the ramp. */
  totalIters: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options?: LinearLROptions) {
    const op = "LinearLR";
    const o = checkOptions(options, op);
    const startFactor = checkUnitFactor(o.startFactor ?? 1 / 3, op, "startFactor");
    const endFactor = checkProbability(o.endFactor ?? 1, op, "endFactor", true);
    const totalIters = checkInt(o.totalIters ?? 5, op, "totalIters", 1);
    super(op, optimizer);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const k = this.lastEpoch, s = this.startFactor, e = this.endFactor, t = this.totalIters;
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (k === 0) return lrs.map((lr) => lr * s);
    if (k > t) return lrs;
    return lrs.map((lr) => lr * (1.0 + (e - s) / (t * s + (k - 1) * (e - s))));
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return {
      startFactor: this.startFactor,
      endFactor: this.endFactor,
      totalIters: this.totalIters,
    };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "LinearLR.loadStateDict";
    const s = checkUnitFactor(stateNumber(state, "startFactor", op), op, "startFactor");
    const e = checkProbability(stateNumber(state, "endFactor", op), op, "endFactor", true);
    const t = checkInt(stateNumber(state, "totalIters", op), op, "totalIters", 1);
    this.startFactor = s;
    this.endFactor = e;
    this.totalIters = t;
  }
}
