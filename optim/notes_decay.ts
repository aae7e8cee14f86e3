/**
 * The course notes' learning-rate decays: {@link LinearDecayLR} (linear interpolation to a final
 * rate, then constant) and {@link HyperbolicDecayLR} (`α^(0)/(1 + ρt)`). The notes' third,
 * exponential form `α^(0) e^{−ρt}` is `ExponentialLR` with `gamma = e^{−ρ}`.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { stateNumber } from "./_validate.ts";
import { checkInt, checkNumber, checkOneOf, checkOptions } from "@nnc/tensor";

/** Options of {@link LinearDecayLR}. */
export interface LinearDecayLROptions {
  /** ρ: the epoch at which the final rate is reached. */
  decaySteps: number;
  /** α^(ρ) as a fraction of α^(0). Default 0.01 (Goodfellow et al.: "roughly 1 percent"). */
  finalFactor?: number;
}

/**
 * The notes' linear decay: `α^(t) = (1 − t/ρ)·α^(0) + (t/ρ)·α^(ρ)` for t ≤ ρ, then `α^(ρ)`, with
 * α^(ρ) = `finalFactor`·α^(0) per group. (PyTorch's `LinearLR(1, finalFactor, ρ)` gives the same
 * rates.)
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { LinearDecayLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new LinearDecayLR(opt, { decaySteps: 4, finalFactor: 0.2 });
 * const lrs = [sched.getLastLr()[0]];
 * for (let t = 1; t <= 5; t++) {
 *   sched.step();
 *   lrs.push(Number(sched.getLastLr()[0].toFixed(12)));
 * }
 * console.assert(lrs.join() === "1,0.8,0.6,0.4,0.2,0.2");
 * ```
 */
export class LinearDecayLR extends LRScheduler {
  /** ρ, the length of the decay. */
  decaySteps: number;
  /** α^(ρ)/α^(0). */
  finalFactor: number;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: LinearDecayLROptions) {
    checkOptions(options, "LinearDecayLR", "decaySteps");
    const finalFactor = options.finalFactor ?? 0.01;
    checkInt(options.decaySteps, "LinearDecayLR", "decaySteps", 1);
    checkNumber(finalFactor, "LinearDecayLR", "finalFactor", 0);
    super("LinearDecayLR", optimizer);
    this.decaySteps = options.decaySteps;
    this.finalFactor = finalFactor;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const frac = Math.min(this.lastEpoch, this.decaySteps) / this.decaySteps;
    return this.baseLrs.map((a0) => (1 - frac) * a0 + frac * (this.finalFactor * a0));
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { decaySteps: this.decaySteps, finalFactor: this.finalFactor };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "LinearDecayLR.loadStateDict";
    const decaySteps = stateNumber(state, "decaySteps", op);
    checkInt(decaySteps, op, "decaySteps", 1);
    this.finalFactor = stateNumber(state, "finalFactor", op);
    this.decaySteps = decaySteps;
  }
}

/** Which reading of the notes' hyperbolic decay {@link HyperbolicDecayLR} uses. */
export type HyperbolicForm = "closed" | "recursive";

/** Options of {@link HyperbolicDecayLR}. */
export interface HyperbolicDecayLROptions {
  /** Decay parameter ρ ≥ 0. */
  rho: number;
  /** `"closed"` (default) or `"recursive"`; see {@link HyperbolicDecayLR}. */
  form?: HyperbolicForm;
}

/**
 * The notes' hyperbolic decay. The formula is an image in the notes and reads two ways; the
 * default `"closed"` form is `α^(t) = α^(0)/(1 + ρt)` (the usual 1/t schedule of SGD theory,
 * Σα = ∞, Σα² < ∞); `"recursive"` is the corroborating notes' `α^(t+1) = α^(t)/(1 + ρt)`, i.e.
 * `α^(t) = α^(0)/∏_{s<t}(1 + ρs)`, which decays much faster.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { HyperbolicDecayLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new HyperbolicDecayLR(opt, { rho: 0.5 });
 * for (let t = 0; t < 4; t++) sched.step();
 * console.assert(sched.getLastLr()[0] === 1 / 3); // 1/(1 + 0.5·4)
 * ```
 */
export class HyperbolicDecayLR extends LRScheduler {
  /** ρ. */
  rho: number;
  /** The reading of the formula. */
  form: HyperbolicForm;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: HyperbolicDecayLROptions) {
    checkOptions(options, "HyperbolicDecayLR", "rho");
    const form = options.form ?? "closed";
    checkNumber(options.rho, "HyperbolicDecayLR", "rho", 0);
    checkOneOf(form, "HyperbolicDecayLR", "form", ["closed", "recursive"]);
    super("HyperbolicDecayLR", optimizer);
    this.rho = options.rho;
    this.form = form;
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const t = this.lastEpoch;
    if (this.form === "closed") return this.baseLrs.map((a0) => a0 / (1 + this.rho * t));
    if (t === 0) return this.baseLrs.slice();
    return this.optimizer.paramGroups.map((g) => g.lr / (1 + this.rho * (t - 1)));
  }

  /** Hyperparameters to save. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { rho: this.rho, form: this.form };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "HyperbolicDecayLR.loadStateDict";
    checkOneOf(state.form, op, "form", ["closed", "recursive"]);
    this.rho = stateNumber(state, "rho", op);
    this.form = state.form as HyperbolicForm;
  }
}
