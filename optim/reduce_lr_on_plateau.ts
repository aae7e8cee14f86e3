/**
 * {@link ReduceLROnPlateau}: cut the learning rate when a monitored metric stops improving.
 *
 * @module
 */
import { Optimizer } from "./optimizer.ts";
import type { SchedulerStateDict, SchedulerValue, Stateful } from "./lr_scheduler.ts";
import { numberList, stateNumber } from "./_validate.ts";
import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkProbability,
  describe,
} from "@nnc/tensor";

/** Whether the monitored metric should fall (`"min"`, a loss) or rise (`"max"`, an accuracy). */
export type PlateauMode = "min" | "max";
/** Whether `threshold` is relative to the best value (`"rel"`) or absolute (`"abs"`). */
export type ThresholdMode = "rel" | "abs";

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** Default `"min"`. */
  mode?: PlateauMode;
  /** Factor applied to the learning rate, in [0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before a cut. Default 10. */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** Default `"rel"`: better means below best·(1 − threshold) ("min") or above best·(1 + threshold). */
  thresholdMode?: ThresholdMode;
  /** Epochs to wait after a cut before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound on the learning rate, one for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** Cuts smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/** A metric: a number, or a one-element Tensor or NDArray. */
export type Metric = number | { item(): number };

/**
 * Reduce-on-plateau (PyTorch's `ReduceLROnPlateau`, same rules and defaults): after each epoch,
 * `step(metric)`; when the metric has not improved (beyond `threshold`) for more than `patience`
 * epochs, every group's learning rate becomes `max(lr·factor, minLr)`, then `cooldown` epochs
 * pass before bad epochs count again. A NaN metric counts as no improvement.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { ReduceLROnPlateau, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const loss of [3, 2, 2, 2, 2]) sched.step(loss);
 * console.assert(sched.getLastLr()[0] === 0.5); // cut after the 2nd epoch without progress
 * ```
 */
export class ReduceLROnPlateau implements Stateful {
  /** The optimiser whose learning rates this schedule cuts. */
  readonly optimizer: Optimizer;
  /** Whether the metric should fall or rise. */
  mode: PlateauMode;
  /** Factor applied at a cut. */
  factor: number;
  /** Bad epochs tolerated. */
  patience: number;
  /** Smallest significant change. */
  threshold: number;
  /** Relative or absolute threshold. */
  thresholdMode: ThresholdMode;
  /** Epochs to wait after a cut. */
  cooldown: number;
  /** Lower bounds, one per group. */
  minLrs: number[];
  /** Smallest cut applied. */
  eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs: number = 0;
  /** Epochs left in the current cooldown. */
  cooldownCounter: number = 0;
  /** Number of steps so far. */
  lastEpoch: number = 0;
  #lastLr: number[];

  /** Attaches to `optimizer`. */
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const op = "ReduceLROnPlateau";
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(`${op}: expected an Optimizer, got ${describe(optimizer)}`);
    }
    checkOptions(options, op);
    this.optimizer = optimizer;
    this.mode = options.mode ?? "min";
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? "rel";
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    checkOneOf(this.mode, op, "mode", ["min", "max"]);
    checkProbability(this.factor, op, "factor");
    checkInt(this.patience, op, "patience", 0);
    checkNumber(this.threshold, op, "threshold", 0);
    checkOneOf(this.thresholdMode, op, "thresholdMode", ["rel", "abs"]);
    checkInt(this.cooldown, op, "cooldown", 0);
    checkNumber(this.eps, op, "eps", 0);
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    this.minLrs = typeof minLr === "number"
      ? new Array<number>(n).fill(minLr)
      : numberList(minLr, n, `${op}: minLr`);
    this.minLrs.forEach((v, i) => checkNumber(v, op, `minLr[${i}]`, 0));
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.#lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Records the epoch's metric and cuts the learning rates when it has plateaued.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { ReduceLROnPlateau, SGD } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
   * const sched = new ReduceLROnPlateau(opt, { mode: "max", patience: 0 });
   * sched.step(0.5);
   * sched.step(0.4); // accuracy fell: cut at once
   * console.assert(opt.paramGroups[0].lr === 0.1 && sched.best === 0.5);
   * ```
   */
  step(metric: Metric): void {
    let current: unknown = metric;
    if (typeof metric !== "number") {
      if (metric === null || typeof metric !== "object" || typeof metric.item !== "function") {
        throw new TypeError(
          `ReduceLROnPlateau.step: metric must be a number or a one-element tensor, got ${
            describe(metric)
          }`,
        );
      }
      current = metric.item();
    }
    if (typeof current !== "number") {
      throw new TypeError(
        `ReduceLROnPlateau.step: metric must be a number or a one-element tensor, got ${
          describe(current)
        }`,
      );
    }
    this.lastEpoch += 1;
    if (this.#isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.#reduce();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rates (one per group) after the last step.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { ReduceLROnPlateau, SGD } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.3 });
   * console.assert(new ReduceLROnPlateau(opt).getLastLr()[0] === 0.3);
   * ```
   */
  getLastLr(): number[] {
    return this.#lastLr.slice();
  }

  /**
   * The schedule's counters and settings as plain values (`best` may be ±Infinity).
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { ReduceLROnPlateau, SGD } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
   * const sched = new ReduceLROnPlateau(opt);
   * sched.step(2);
   * const again = new ReduceLROnPlateau(opt);
   * again.loadStateDict(sched.stateDict());
   * console.assert(again.best === 2 && again.lastEpoch === 1);
   * ```
   */
  stateDict(): SchedulerStateDict {
    return {
      name: "ReduceLROnPlateau",
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: this.minLrs.slice(),
      eps: this.eps,
      best: this.best,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: this.#lastLr.slice(),
    };
  }

  /** Restores a state from {@link stateDict}, validating it first. */
  loadStateDict(state: SchedulerStateDict): void {
    const op = "ReduceLROnPlateau.loadStateDict";
    if (state === null || typeof state !== "object") {
      throw new TypeError(`${op}: expected a state dict object, got ${describe(state)}`);
    }
    if (state.name !== "ReduceLROnPlateau") {
      throw new TypeError(
        `${op}: the state dict is for ${describe(state.name)}, not ReduceLROnPlateau`,
      );
    }
    const s = state as Readonly<Record<string, SchedulerValue>>;
    const n = this.optimizer.paramGroups.length;
    checkOneOf(s.mode, op, "mode", ["min", "max"]);
    checkOneOf(s.thresholdMode, op, "thresholdMode", ["rel", "abs"]);
    const values = {
      factor: stateNumber(s, "factor", op),
      patience: stateNumber(s, "patience", op),
      threshold: stateNumber(s, "threshold", op),
      cooldown: stateNumber(s, "cooldown", op),
      eps: stateNumber(s, "eps", op),
      best: stateNumber(s, "best", op),
      numBadEpochs: stateNumber(s, "numBadEpochs", op),
      cooldownCounter: stateNumber(s, "cooldownCounter", op),
      lastEpoch: stateNumber(s, "lastEpoch", op),
    };
    checkNumber(values.factor, op, "factor");
    const minLrs = numberList(s.minLrs, n, `${op}: minLrs`);
    const lastLr = numberList(s.lastLr, n, `${op}: lastLr`);
    Object.assign(this, values);
    this.mode = s.mode as PlateauMode;
    this.thresholdMode = s.thresholdMode as ThresholdMode;
    this.minLrs = minLrs;
    this.#lastLr = lastLr;
  }

  #isBetter(a: number): boolean {
    const best = this.best, t = this.threshold;
    if (this.mode === "min") {
      return this.thresholdMode === "rel" ? a < best * (1 - t) : a < best - t;
    }
    return this.thresholdMode === "rel" ? a > best * (t + 1) : a > best + t;
  }

  #reduce(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const next = Math.max(g.lr * this.factor, this.minLrs[i]);
      if (g.lr - next > this.eps) g.lr = next;
    });
  }
}
