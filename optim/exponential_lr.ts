/**
 * {@link ExponentialLR}: multiply the learning rate by γ every epoch.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkNumber, checkOptions } from "@nnc/tensor";

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplicative factor per epoch. */
  gamma: number;
}

/**
 * Exponential decay (PyTorch's `ExponentialLR`): `lr = initialLr · γ^epoch`, in the chainable
 * form. The notes' exponential schedule `α^(t) = α^(0) e^{−ρt}` is `gamma: Math.exp(-rho)`.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { ExponentialLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const rho = 0.5;
 * const sched = new ExponentialLR(opt, { gamma: Math.exp(-rho) });
 * sched.step();
 * sched.step();
 * console.assert(Math.abs(sched.getLastLr()[0] - Math.exp(-rho * 2)) < 1e-15);
 * ```
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor per epoch. */
  gamma: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    checkOptions(options, "ExponentialLR", "gamma");
    checkNumber(options.gamma, "ExponentialLR", "gamma", 0);
    super("ExponentialLR", optimizer);
    this.gamma = options.gamma;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { gamma: this.gamma };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    this.gamma = stateNumber(state, "gamma", "ExponentialLR.loadStateDict");
  }
}
