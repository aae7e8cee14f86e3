/**
 * {@link LambdaLR}: the learning rate is the initial one times a function of the epoch.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import {
  callFactor,
  functionOption,
  groupCount,
  perGroupValues,
  type ScheduleFunction,
} from "./_schedule_options.ts";
import { checkOptions } from "@nnc/tensor";

/** A learning-rate factor as a function of the epoch (0, 1, 2, …). */
export type LrLambda = (epoch: number) => number;

/** Options of {@link LambdaLR} and {@link MultiplicativeLR}. */
export interface LambdaLROptions {
  /** One function for every group, or one per group. Each must return a finite number. */
  lrLambda: LrLambda | readonly LrLambda[];
}

/**
 * A schedule given by a function (PyTorch's `LambdaLR`): `lr = initialLr · λ(epoch)` for each
 * group, with its own λ when `lrLambda` is a list. λ is called with the epoch after each step
 * (0 at construction) and must return a finite number (a RangeError otherwise).
 *
 * The state dict holds no functions: as PyTorch, which saves only callable objects' attributes
 * and `None` for plain functions, rebuild the schedule with the same `lrLambda` before loading.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { LambdaLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const warmup = new LambdaLR(opt, { lrLambda: (epoch) => Math.min(1, (epoch + 1) / 4) });
 * console.assert(Math.abs(warmup.getLastLr()[0] - 0.025) < 1e-15);
 * for (let e = 0; e < 3; e++) warmup.step();
 * console.assert(warmup.getLastLr()[0] === 0.1);
 * ```
 */
export class LambdaLR extends LRScheduler {
  /** The functions, one per group. */
  readonly lrLambdas: readonly LrLambda[];
  private readonly listed: boolean;

  /** Attaches to `optimizer` and applies epoch 0. */
  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    const op = "LambdaLR";
    checkOptions(options, op, "lrLambda");
    const n = groupCount(optimizer, op);
    const fns = perGroupValues(options.lrLambda, n, op, "lrLambda", functionOption(op));
    super(op, optimizer);
    this.lrLambdas = fns;
    this.listed = Array.isArray(options.lrLambda);
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.factor(i));
  }

  /** λ of group `i` at `lastEpoch`, checked. */
  private factor(i: number): number {
    const name = this.listed ? `lrLambda[${i}]` : "lrLambda";
    return callFactor(this.lrLambdas[i] as ScheduleFunction, this.lastEpoch, this.name, name);
  }

  /** Nothing beyond the counters: the functions are not saved (as PyTorch). */
  protected override extraState(): Record<string, SchedulerValue> {
    return {};
  }

  /** Nothing to restore beyond the counters. */
  protected override loadExtraState(_state: Readonly<Record<string, SchedulerValue>>): void {}
}
