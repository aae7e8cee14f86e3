/**
 * {@link PolynomialLR}: polynomial decay of the learning rate to zero.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkNumber, checkOptions } from "@nnc/tensor";

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions {
  /** Epochs until the learning rate reaches 0. Default 5. */
  totalIters?: number;
  /** The polynomial's power, ≥ 0. Default 1. */
  power?: number;
}

/**
 * Polynomial decay (PyTorch's `PolynomialLR`, same defaults): `lr = initialLr · (1 −
 * min(epoch, T)/T)^power`, computed in PyTorch's chainable form (each step multiplies the current
 * lr by `((1 − k/T)/(1 − (k−1)/T))^power`); after `totalIters` the rate stays at 0.
 *
 * PyTorch accepts `total_iters` 0 and negative powers (and then divides by zero); nnc asks for
 * `totalIters` ≥ 1 and `power` ≥ 0.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { PolynomialLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new PolynomialLR(opt, { totalIters: 4, power: 2 });
 * sched.step();
 * sched.step();
 * console.assert(sched.getLastLr()[0] === 0.25);
 * ```
 */
export class PolynomialLR extends LRScheduler {
  /** Epochs until the learning rate reaches 0. */
  totalIters: number;
  /** The polynomial's power. */
  power: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options?: PolynomialLROptions) {
    const op = "PolynomialLR";
    const o = checkOptions(options, op);
    const totalIters = checkInt(o.totalIters ?? 5, op, "totalIters", 1);
    const power = checkNumber(o.power ?? 1, op, "power", 0);
    super(op, optimizer);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const k = this.lastEpoch, t = this.totalIters;
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (k === 0 || k > t) return lrs;
    const decay = ((1.0 - k / t) / (1.0 - (k - 1) / t)) ** this.power;
    return lrs.map((lr) => lr * decay);
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { totalIters: this.totalIters, power: this.power };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "PolynomialLR.loadStateDict";
    const t = checkInt(stateNumber(state, "totalIters", op), op, "totalIters", 1);
    const p = checkNumber(stateNumber(state, "power", op), op, "power", 0);
    this.totalIters = t;
    this.power = p;
  }
}
