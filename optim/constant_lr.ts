/**
 * {@link ConstantLR}: a reduced learning rate for the first epochs, then the initial one.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkUnitFactor } from "./_schedule_options.ts";
import { checkInt, checkOptions } from "@nnc/tensor";

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions {
  /** Fraction of the learning rate until `totalIters`, in (0, 1]. Default 1/3. */
  factor?: number;
  /** Epoch at which the full learning rate returns. Default 5. */
  totalIters?: number;
}

/**
 * A constant factor for a while (PyTorch's `ConstantLR`, same defaults, chainable form): the
 * learning rate is multiplied by `factor` at epoch 0 and divided by it at epoch `totalIters`, so
 * `lr = initialLr · factor` for epochs below `totalIters` and `initialLr` after.
 *
 * PyTorch accepts `factor` 0 and `total_iters` 0 (and then divides by zero at `total_iters`, or
 * never restores the rate); nnc asks for `factor` in (0, 1] and `totalIters` ≥ 1.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { ConstantLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new ConstantLR(opt, { factor: 0.5, totalIters: 2 });
 * const lrs = [sched.getLastLr()[0]];
 * for (let e = 0; e < 3; e++) {
 *   sched.step();
 *   lrs.push(sched.getLastLr()[0]);
 * }
 * console.assert(lrs.join() === "0.05,0.05,0.1,0.1");
 * ```
 */
export class ConstantLR extends LRScheduler {
  /** Fraction of the learning rate until `totalIters`. */
  factor: number;
  /** Epoch at which the full learning rate returns. */
  totalIters: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options?: ConstantLROptions) {
    const op = "ConstantLR";
    const o = checkOptions(options, op);
    const factor = checkUnitFactor(o.factor ?? 1 / 3, op, "factor");
    const totalIters = checkInt(o.totalIters ?? 5, op, "totalIters", 1);
    super(op, optimizer);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { factor: this.factor, totalIters: this.totalIters };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "ConstantLR.loadStateDict";
    const factor = checkUnitFactor(stateNumber(state, "factor", op), op, "factor");
    const totalIters = checkInt(stateNumber(state, "totalIters", op), op, "totalIters", 1);
    this.factor = factor;
    this.totalIters = totalIters;
  }
}
