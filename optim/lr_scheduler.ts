/**
 * {@link LRScheduler}: the base class of the learning-rate schedules (PyTorch's
 * `torch.optim.lr_scheduler.LRScheduler`).
 *
 * @module
 */
import { Optimizer } from "./optimizer.ts";
import { numberList } from "./_validate.ts";
import { describe } from "@nnc/tensor";

/** A value in a schedule's state dict. */
export type SchedulerValue =
  | number
  | boolean
  | string
  | null
  | SchedulerValue[]
  | { [key: string]: SchedulerValue };

/** A schedule's state: plain values (Infinity allowed), with its class name under `name`. */
export interface SchedulerStateDict {
  /** The schedule's class, checked when loading. */
  name: string;
  /** Counters, learning rates and hyperparameters. */
  [key: string]: SchedulerValue;
}

/** Anything with a state dict: every schedule, {@link ReduceLROnPlateau} included. */
export interface Stateful {
  /** The state to save. */
  stateDict(): SchedulerStateDict;
}

/**
 * Base class of the epoch-indexed schedules. At construction it records each group's
 * `initialLr` (PyTorch `initial_lr`, kept when already set) as `baseLrs` and applies the
 * schedule's value at epoch 0; every {@link step} advances `lastEpoch` by one and writes the new
 * learning rate into the optimiser's groups. Call `optimizer.step()` first, then `scheduler.step()`,
 * once per epoch (or per batch for per-step schedules).
 *
 * Subclasses compute the learning rates in {@link computeLr}, PyTorch's "chainable" form where it
 * has one (a factor applied to the current `lr`, so that schedules compose).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { type LRScheduler, SGD, StepLR } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched: LRScheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * const lrs = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(sched.getLastLr()[0]);
 *   opt.step();
 *   sched.step();
 * }
 * console.assert(lrs.join() === "1,1,0.5,0.5,0.25");
 * ```
 */
export abstract class LRScheduler implements Stateful {
  /** The optimiser whose learning rates this schedule sets. */
  readonly optimizer: Optimizer;
  /** Each group's learning rate when the schedule started. */
  baseLrs: number[];
  /** Number of {@link step} calls so far (0 right after construction). */
  lastEpoch: number = -1;
  /** Learning rates set by the last step. */
  protected lastLr: number[] = [];
  /** Class name used in errors and state dicts. */
  readonly name: string;

  /** Attaches to `optimizer`; the subclass constructor ends with {@link initialStep}. */
  protected constructor(name: string, optimizer: Optimizer) {
    if (new.target === LRScheduler) {
      throw new TypeError(
        "LRScheduler: the base class cannot be constructed; use a schedule (StepLR, CosineAnnealingLR, …) or a subclass",
      );
    }
    if (typeof name !== "string") {
      throw new TypeError(`LRScheduler: name must be a string, got ${describe(name)}`);
    }
    this.name = name;
    if (!(optimizer instanceof Optimizer)) {
      throw new TypeError(`${name}: expected an Optimizer, got ${describe(optimizer)}`);
    }
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** The learning rates for the (already incremented) `lastEpoch`. */
  protected abstract computeLr(): number[];

  /** Hyperparameters and extra counters to save (beyond epoch, base and last rates). */
  protected abstract extraState(): Record<string, SchedulerValue>;

  /** Restores what {@link extraState} saved. */
  protected abstract loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void;

  /** Applies epoch 0; subclasses call it at the end of their constructor. */
  protected initialStep(): void {
    this.step();
  }

  /**
   * Advances the schedule by one epoch and sets the optimiser's learning rates.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { ExponentialLR, SGD } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
   * const sched = new ExponentialLR(opt, { gamma: 0.5 });
   * sched.step();
   * console.assert(opt.paramGroups[0].lr === 0.5 && sched.lastEpoch === 1);
   * ```
   */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rates (one per group) set by the last {@link step} (or the constructor).
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { SGD, StepLR } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
   * console.assert(new StepLR(opt, { stepSize: 10 }).getLastLr()[0] === 0.1);
   * ```
   */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /**
   * The schedule's state (epoch, base and last learning rates, hyperparameters) as plain values.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { SGD, StepLR } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
   * const sd = new StepLR(opt, { stepSize: 3, gamma: 0.5 }).stateDict();
   * console.assert(sd.name === "StepLR" && sd.lastEpoch === 0 && sd.stepSize === 3);
   * ```
   */
  stateDict(): SchedulerStateDict {
    return {
      name: this.name,
      lastEpoch: this.lastEpoch,
      baseLrs: this.baseLrs.slice(),
      lastLr: this.lastLr.slice(),
      ...structuredClone(this.extraState()),
    };
  }

  /**
   * Restores a state from {@link stateDict} of the same kind of schedule. The optimiser's
   * learning rates are not touched: load the optimiser's own state for those.
   *
   * @example
   * ```ts
   * import { tensor } from "@nnc/autograd";
   * import { ExponentialLR, SGD } from "@nnc/optim";
   * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
   * const a = new ExponentialLR(opt, { gamma: 0.5 });
   * a.step();
   * const b = new ExponentialLR(opt, { gamma: 0.9 });
   * b.loadStateDict(a.stateDict());
   * console.assert(b.lastEpoch === 1 && b.gamma === 0.5);
   * ```
   */
  loadStateDict(state: SchedulerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (state === null || typeof state !== "object") {
      throw new TypeError(`${op}: expected a state dict object, got ${describe(state)}`);
    }
    if (state.name !== this.name) {
      throw new TypeError(`${op}: the state dict is for ${describe(state.name)}, not ${this.name}`);
    }
    const n = this.optimizer.paramGroups.length;
    const lastEpoch = state.lastEpoch;
    if (typeof lastEpoch !== "number" || !Number.isInteger(lastEpoch) || lastEpoch < -1) {
      throw new TypeError(`${op}: lastEpoch must be an integer >= -1, got ${describe(lastEpoch)}`);
    }
    const baseLrs = numberList(state.baseLrs, n, `${op}: baseLrs`);
    const lastLr = numberList(state.lastLr, n, `${op}: lastLr`);
    this.loadExtraState(structuredClone(state));
    this.lastEpoch = lastEpoch;
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
  }
}
