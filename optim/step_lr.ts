/**
 * {@link StepLR}: multiply the learning rate by γ every `stepSize` epochs.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkNumber, checkOptions } from "@nnc/tensor";

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Period, in epochs, of the decay. */
  stepSize: number;
  /** Multiplicative factor. Default 0.1. */
  gamma?: number;
}

/**
 * Step decay (PyTorch's `StepLR`): `lr = initialLr · γ^⌊epoch / stepSize⌋`, applied in the
 * chainable form (the current lr is multiplied by γ at each multiple of `stepSize`).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { SGD, StepLR } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 30; epoch++) sched.step();
 * console.assert(Math.abs(sched.getLastLr()[0] - 0.01) < 1e-15);
 * ```
 */
export class StepLR extends LRScheduler {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor. */
  gamma: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: StepLROptions) {
    checkOptions(options, "StepLR", "stepSize");
    const gamma = options.gamma ?? 0.1;
    checkInt(options.stepSize, "StepLR", "stepSize", 1);
    checkNumber(gamma, "StepLR", "gamma", 0);
    super("StepLR", optimizer);
    this.stepSize = options.stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "StepLR.loadStateDict";
    const stepSize = stateNumber(state, "stepSize", op);
    checkInt(stepSize, op, "stepSize", 1);
    this.gamma = stateNumber(state, "gamma", op);
    this.stepSize = stepSize;
  }
}
