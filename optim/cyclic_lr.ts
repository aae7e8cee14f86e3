/**
 * {@link CyclicLR}: the learning rate cycles between two bounds (Smith's cyclical learning rates),
 * momentum the opposite way.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { numberList, stateNumber } from "./_validate.ts";
import {
  callFactor,
  functionOption,
  groupCount,
  perGroupValues,
  type ScheduleFunction,
  writeMomentum,
} from "./_schedule_options.ts";
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkProbability,
} from "@nnc/tensor";

/** The built-in amplitude policies of {@link CyclicLR}. */
export type CyclicMode = "triangular" | "triangular2" | "exp_range";

/** What {@link CyclicLR}'s scale function is called with: the cycle number or the step. */
export type CyclicScaleMode = "cycle" | "iterations";

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions {
  /** Lower bound of the learning rate (and its value at step 0): one, or one per group. */
  baseLr: number | readonly number[];
  /** Upper bound of the learning rate: one, or one per group. */
  maxLr: number | readonly number[];
  /** Steps of the rising half of a cycle. Default 2000. */
  stepSizeUp?: number;
  /** Steps of the falling half. Default `stepSizeUp`. */
  stepSizeDown?: number;
  /**
   * Amplitude policy: `"triangular"` (constant), `"triangular2"` (halved every cycle),
   * `"exp_range"` (times `gamma^step`). Ignored when `scaleFn` is given. Default `"triangular"`.
   */
  mode?: CyclicMode;
  /** Base of `"exp_range"`'s `gamma^step`. Default 1. */
  gamma?: number;
  /** A custom amplitude factor (overrides `mode`); must return a finite number. */
  scaleFn?: (x: number) => number;
  /** What `scaleFn` is called with. Default `"cycle"`. */
  scaleMode?: CyclicScaleMode;
  /** Cycle momentum (SGD/RMSprop `momentum`, Adam `betas[0]`) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the peak learning rate: one, or one per group. Default 0.8. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the base learning rate: one, or one per group. Default 0.9. */
  maxMomentum?: number | readonly number[];
}

const MODES: readonly CyclicMode[] = ["triangular", "triangular2", "exp_range"];
const SCALE_MODES: readonly CyclicScaleMode[] = ["cycle", "iterations"];

/**
 * Cyclical learning rates (PyTorch's `CyclicLR`, same defaults and arithmetic): over each cycle of
 * `stepSizeUp + stepSizeDown` steps the rate climbs linearly from `baseLr` to `maxLr` and back,
 * with the amplitude `maxLr − baseLr` scaled by the policy (`mode`, or `scaleFn` of the cycle
 * number from 1 or of the step); momentum (or Adam's β1) goes from `maxMomentum` down to
 * `baseMomentum` and back. Step it after every batch.
 *
 * As PyTorch, the constructor sets each group's `lr` to `baseLr` (and `momentum` or `betas[0]`
 * to `maxMomentum`, recording `maxMomentum`/`baseMomentum` in the groups). With `cycleMomentum`
 * the optimiser must have `momentum` or `betas`. PyTorch accepts any `mode` when `scale_fn` is
 * given; nnc checks `mode` always. A custom `scaleFn` is not saved in the state dict (as PyTorch,
 * which saves only callable objects' attributes): rebuild the schedule with it before loading.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { CyclicLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const sched = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.05, stepSizeUp: 2 });
 * const lrs = [sched.getLastLr()[0]];
 * for (let k = 0; k < 4; k++) {
 *   sched.step();
 *   lrs.push(Number(sched.getLastLr()[0].toFixed(12)));
 * }
 * console.assert(lrs.join() === "0.01,0.03,0.05,0.03,0.01");
 * console.assert(opt.paramGroups[0].momentum === 0.9);
 * ```
 */
export class CyclicLR extends LRScheduler {
  /** Upper bounds, one per group. */
  maxLrs: number[];
  /** Steps of the rising half. */
  stepSizeUp: number;
  /** Steps of the falling half. */
  stepSizeDown: number;
  /** Amplitude policy (unused with a custom `scaleFn`). */
  mode: CyclicMode;
  /** Base of `"exp_range"`. */
  gamma: number;
  /** The custom amplitude factor, if any. */
  readonly scaleFn: ((x: number) => number) | null;
  /** What the amplitude factor is called with. */
  scaleMode: CyclicScaleMode;
  /** Whether momentum cycles. */
  cycleMomentum: boolean;
  /** Momentum at the peak learning rate, one per group. */
  baseMomentums: number[];
  /** Momentum at the base learning rate, one per group. */
  maxMomentums: number[];

  /** Checks the options, sets the groups' learning rates (and momenta) and applies step 0. */
  constructor(optimizer: Optimizer, options: CyclicLROptions) {
    const op = "CyclicLR";
    checkOptions(options, op, "baseLr and maxLr");
    const n = groupCount(optimizer, op);
    const lrCheck = (v: unknown, name: string) => checkNumber(v, op, name, 0);
    const baseLrs = perGroupValues(options.baseLr, n, op, "baseLr", lrCheck);
    const maxLrs = perGroupValues(options.maxLr, n, op, "maxLr", lrCheck);
    const up = checkInt(options.stepSizeUp ?? 2000, op, "stepSizeUp", 1);
    const down = checkInt(options.stepSizeDown ?? up, op, "stepSizeDown", 0);
    const mode = checkOneOf(options.mode ?? "triangular", op, "mode", MODES);
    const gamma = checkNumber(options.gamma ?? 1, op, "gamma", 0);
    const scaleFn = options.scaleFn === undefined
      ? null
      : functionOption(op)(options.scaleFn, "scaleFn");
    const scaleMode = checkOneOf(options.scaleMode ?? "cycle", op, "scaleMode", SCALE_MODES);
    const cycle = checkBool(options.cycleMomentum ?? true, op, "cycleMomentum");
    const mCheck = (v: unknown, name: string) => checkProbability(v, op, name, true);
    const baseM = perGroupValues(options.baseMomentum ?? 0.8, n, op, "baseMomentum", mCheck);
    const maxM = perGroupValues(options.maxMomentum ?? 0.9, n, op, "maxMomentum", mCheck);
    const useBeta1 = "betas" in optimizer.defaults;
    if (cycle && !("momentum" in optimizer.defaults) && !useBeta1) {
      throw new TypeError(
        `${op}: cycleMomentum needs an optimizer with momentum or betas, ${optimizer.name} has neither (pass cycleMomentum: false)`,
      );
    }
    optimizer.paramGroups.forEach((g, i) => {
      g.lr = baseLrs[i];
      if (!cycle) return;
      writeMomentum(g, maxM[i], useBeta1);
      g.maxMomentum = maxM[i];
      g.baseMomentum = baseM[i];
    });
    super(op, optimizer);
    this.maxLrs = maxLrs;
    this.stepSizeUp = up;
    this.stepSizeDown = down;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleFn = scaleFn;
    this.scaleMode = scaleFn === null ? builtInScaleMode(mode) : scaleMode;
    this.cycleMomentum = cycle;
    this.baseMomentums = baseM;
    this.maxMomentums = maxM;
    // PyTorch's step 0 runs with the groups' initial learning rates as base (they equal baseLr
    // unless an earlier schedule set them); the bounds are baseLr from then on.
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  /** The learning rates for `lastEpoch` (and, with `cycleMomentum`, the groups' momenta). */
  protected override computeLr(): number[] {
    const k = this.lastEpoch;
    const total = this.stepSizeUp + this.stepSizeDown;
    const ratio = this.stepSizeUp / total;
    const cycle = Math.floor(1 + k / total);
    const x = 1.0 + k / total - cycle;
    const scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    const s = this.amplitude(this.scaleMode === "cycle" ? cycle : k);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scale * s);
    if (this.cycleMomentum) {
      const useBeta1 = "betas" in this.optimizer.defaults;
      this.optimizer.paramGroups.forEach((g, i) => {
        const hi = this.maxMomentums[i], lo = this.baseMomentums[i];
        writeMomentum(g, hi - (hi - lo) * scale * s, useBeta1);
      });
    }
    return lrs;
  }

  /** The amplitude factor at `x` (the cycle number or the step): `scaleFn` or the mode's. */
  private amplitude(x: number): number {
    if (this.scaleFn !== null) {
      return callFactor(this.scaleFn as ScheduleFunction, x, this.name, "scaleFn");
    }
    if (this.mode === "triangular") return 1.0;
    if (this.mode === "triangular2") return 1 / 2.0 ** (x - 1);
    return this.gamma ** x;
  }

  /** Hyperparameters to save (not a custom `scaleFn`). */
  protected override extraState(): Record<string, SchedulerValue> {
    return {
      maxLrs: this.maxLrs.slice(),
      stepSizeUp: this.stepSizeUp,
      stepSizeDown: this.stepSizeDown,
      mode: this.mode,
      gamma: this.gamma,
      scaleMode: this.scaleMode,
      cycleMomentum: this.cycleMomentum,
      baseMomentums: this.baseMomentums.slice(),
      maxMomentums: this.maxMomentums.slice(),
    };
  }

  /** Restores the saved hyperparameters. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "CyclicLR.loadStateDict";
    const n = this.optimizer.paramGroups.length;
    const maxLrs = numberList(state.maxLrs, n, `${op}: maxLrs`);
    const up = checkInt(stateNumber(state, "stepSizeUp", op), op, "stepSizeUp", 1);
    const down = checkInt(stateNumber(state, "stepSizeDown", op), op, "stepSizeDown", 0);
    const mode = checkOneOf(state.mode, op, "mode", MODES);
    const gamma = stateNumber(state, "gamma", op);
    const scaleMode = checkOneOf(state.scaleMode, op, "scaleMode", SCALE_MODES);
    const cycle = checkBool(state.cycleMomentum, op, "cycleMomentum");
    const baseM = numberList(state.baseMomentums, n, `${op}: baseMomentums`);
    const maxM = numberList(state.maxMomentums, n, `${op}: maxMomentums`);
    const d = this.optimizer.defaults;
    if (cycle && !("momentum" in d) && !("betas" in d)) {
      throw new TypeError(
        `${op}: the state dict cycles momentum, ${this.optimizer.name} has neither momentum nor betas`,
      );
    }
    this.maxLrs = maxLrs;
    this.stepSizeUp = up;
    this.stepSizeDown = down;
    this.mode = mode;
    this.gamma = gamma;
    // As PyTorch's _init_scale_fn: a built-in policy fixes its own scale mode.
    this.scaleMode = this.scaleFn === null ? builtInScaleMode(mode) : scaleMode;
    this.cycleMomentum = cycle;
    this.baseMomentums = baseM;
    this.maxMomentums = maxM;
  }
}

function builtInScaleMode(mode: CyclicMode): CyclicScaleMode {
  return mode === "exp_range" ? "iterations" : "cycle";
}
