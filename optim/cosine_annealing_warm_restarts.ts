/**
 * {@link CosineAnnealingWarmRestarts}: cosine annealing that restarts at the initial learning rate
 * after periods that may grow (SGDR, Loshchilov and Hutter, 2017).
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkNumber, checkOptions } from "@nnc/tensor";

/**
 * Options of {@link CosineAnnealingWarmRestarts}.
 *
 * @example
 * ```ts
 * import type { CosineAnnealingWarmRestartsOptions } from "@nnc/optim";
 * const o: CosineAnnealingWarmRestartsOptions = { t0: 10, tMult: 2, etaMin: 1e-4 };
 * ```
 */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps (epochs) of the first period. */
  t0: number;
  /** Each period is this many times the one before (an integer ≥ 1). Default 1. */
  tMult?: number;
  /** Lowest learning rate. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts (PyTorch's `CosineAnnealingWarmRestarts`):
 * `lr = etaMin + (initialLr − etaMin)(1 + cos(π·tCur/tI))/2`, where `tCur` counts the steps since
 * the last restart and `tI` is the current period: `t0`, then `t0·tMult`, `t0·tMult²`, … Steps are
 * whole (PyTorch's fractional `step(epoch)` is not offered: step once per batch with `t0` in
 * batches instead).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { CosineAnnealingWarmRestarts, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 2 });
 * const lrs = [opt.paramGroups[0].lr];
 * for (let i = 0; i < 6; i++) {
 *   sched.step();
 *   lrs.push(opt.paramGroups[0].lr);
 * }
 * // Periods of 2 and 4 steps: 1, 0.5 | 1, 0.85…, 0.5, 0.14… | 1
 * console.assert(lrs[2] === 1 && lrs[4] === 0.5 && lrs[6] === 1);
 * ```
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Steps of the first period. */
  t0: number;
  /** Growth factor of the periods. */
  tMult: number;
  /** Lowest learning rate. */
  etaMin: number;

  /** Attaches to `optimizer` and applies step 0. */
  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    const op = "CosineAnnealingWarmRestarts";
    checkOptions(options, op, "t0");
    checkInt(options.t0, op, "t0", 1);
    const tMult = options.tMult ?? 1, etaMin = options.etaMin ?? 0;
    checkInt(tMult, op, "tMult", 1);
    checkNumber(etaMin, op, "etaMin");
    super(op, optimizer);
    this.t0 = options.t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.initialStep();
  }

  /** The steps since the last restart and the current period's length, at `lastEpoch`. */
  period(): { tCur: number; tI: number } {
    const e = Math.max(0, this.lastEpoch);
    if (this.tMult === 1) return { tCur: e % this.t0, tI: this.t0 };
    let tCur = e, tI = this.t0;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= this.tMult;
    }
    return { tCur, tI };
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const { tCur, tI } = this.period();
    const lo = this.etaMin;
    return this.baseLrs.map((base) => lo + (base - lo) * (1 + Math.cos((Math.PI * tCur) / tI)) / 2);
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { t0: this.t0, tMult: this.tMult, etaMin: this.etaMin };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "CosineAnnealingWarmRestarts.loadStateDict";
    const t0 = stateNumber(state, "t0", op), tMult = stateNumber(state, "tMult", op);
    checkInt(t0, op, "t0", 1);
    checkInt(tMult, op, "tMult", 1);
    this.etaMin = stateNumber(state, "etaMin", op);
    this.t0 = t0;
    this.tMult = tMult;
  }
}
