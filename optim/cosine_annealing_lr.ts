/**
 * {@link CosineAnnealingLR}: cosine-shaped decay from the initial learning rate to `etaMin`.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkNumber, checkOptions } from "@nnc/tensor";

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Epochs from the initial learning rate down to `etaMin` (half a period). */
  tMax: number;
  /** Lowest learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing (PyTorch's `CosineAnnealingLR`, SGDR without restarts):
 * `lr = etaMin + (initialLr − etaMin)(1 + cos(π·epoch/tMax))/2`, computed in PyTorch's
 * chainable recursive form. Past `tMax` the learning rate rises again along the cosine.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { CosineAnnealingLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new CosineAnnealingLR(opt, { tMax: 4 });
 * sched.step();
 * sched.step();
 * console.assert(Math.abs(sched.getLastLr()[0] - 0.5) < 1e-15); // halfway
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half period, in epochs. */
  tMax: number;
  /** Lowest learning rate. */
  etaMin: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    checkOptions(options, "CosineAnnealingLR", "tMax");
    const etaMin = options.etaMin ?? 0;
    checkInt(options.tMax, "CosineAnnealingLR", "tMax", 1);
    checkNumber(etaMin, "CosineAnnealingLR", "etaMin");
    super("CosineAnnealingLR", optimizer);
    this.tMax = options.tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const e = this.lastEpoch, T = this.tMax, lo = this.etaMin;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if ((e - 1 - T) % (2 * T) === 0) {
      // Leaving the minimum, where the recursive ratio below would divide by zero.
      return groups.map((g, i) =>
        g.lr + ((this.baseLrs[i] - lo) * (1 - Math.cos(Math.PI / T))) / 2
      );
    }
    const ratio = (1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T));
    return groups.map((g) => ratio * (g.lr - lo) + lo);
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "CosineAnnealingLR.loadStateDict";
    const tMax = stateNumber(state, "tMax", op);
    checkInt(tMax, op, "tMax", 1);
    this.etaMin = stateNumber(state, "etaMin", op);
    this.tMax = tMax;
  }
}
