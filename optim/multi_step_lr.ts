/**
 * {@link MultiStepLR}: multiply the learning rate by γ at chosen epochs.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkNumber, checkOptions, describe } from "@nnc/tensor";

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Epochs at which to decay; a repeated epoch decays once per occurrence (as PyTorch's Counter). */
  milestones: readonly number[];
  /** Multiplicative factor. Default 0.1. */
  gamma?: number;
}

function checkMilestones(op: string, v: unknown): number[] {
  if (!Array.isArray(v)) {
    throw new TypeError(`${op}: milestones must be an array of epochs, got ${describe(v)}`);
  }
  v.forEach((m, i) => checkInt(m, op, `milestones[${i}]`, 0));
  return (v as number[]).slice().sort((a, b) => a - b);
}

/**
 * Multi-step decay (PyTorch's `MultiStepLR`): `lr = initialLr · γ^(number of milestones ≤ epoch)`,
 * in the chainable form.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { MultiStepLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new MultiStepLR(opt, { milestones: [2, 4], gamma: 0.5 });
 * const lrs = [sched.getLastLr()[0]];
 * for (let epoch = 1; epoch < 6; epoch++) {
 *   sched.step();
 *   lrs.push(sched.getLastLr()[0]);
 * }
 * console.assert(lrs.join() === "1,1,0.5,0.5,0.25,0.25");
 * ```
 */
export class MultiStepLR extends LRScheduler {
  /** Sorted milestones (with repeats). */
  milestones: number[];
  /** Multiplicative factor. */
  gamma: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    checkOptions(options, "MultiStepLR", "milestones");
    const milestones = checkMilestones("MultiStepLR", options.milestones);
    const gamma = options.gamma ?? 0.1;
    checkNumber(gamma, "MultiStepLR", "gamma", 0);
    super("MultiStepLR", optimizer);
    this.milestones = milestones;
    this.gamma = gamma;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    let count = 0;
    for (const m of this.milestones) if (m === this.lastEpoch) count++;
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    return count === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** count);
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { milestones: this.milestones.slice(), gamma: this.gamma };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "MultiStepLR.loadStateDict";
    const milestones = checkMilestones(op, state.milestones);
    this.gamma = stateNumber(state, "gamma", op);
    this.milestones = milestones;
  }
}
