/**
 * {@link MultiplicativeLR}: each epoch multiplies the learning rate by a function of the epoch.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import type { LambdaLROptions, LrLambda } from "./lambda_lr.ts";
import { callFactor, functionOption, groupCount, perGroupValues } from "./_schedule_options.ts";
import { checkOptions } from "@nnc/tensor";

/** Options of {@link MultiplicativeLR}: the same as {@link LambdaLR}'s. */
export type MultiplicativeLROptions = LambdaLROptions;

/**
 * Multiplicative factors (PyTorch's `MultiplicativeLR`): at epoch 0 the learning rate is left
 * alone; at every later epoch `lr = lr · λ(epoch)` (its own λ per group when `lrLambda` is a
 * list). λ must return a finite number (a RangeError otherwise).
 *
 * Only the construction step leaves the rate alone: a {@link SequentialLR} that hands over to it
 * at a milestone restarts it at epoch 0 by multiplying the current rate by λ(0), as PyTorch 2.x
 * (1.13 left the rate alone there). The state dict holds no functions (as PyTorch): rebuild the
 * schedule with the same `lrLambda` before loading.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { MultiplicativeLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.5 });
 * sched.step();
 * sched.step();
 * console.assert(sched.getLastLr()[0] === 0.25);
 * ```
 */
export class MultiplicativeLR extends LRScheduler {
  /** The functions, one per group. */
  readonly lrLambdas: readonly LrLambda[];
  private readonly listed: boolean;
  /** True during the construction step (PyTorch's `_is_initial`). */
  private initial = false;

  /** Attaches to `optimizer` and applies epoch 0 (which leaves the learning rates alone). */
  constructor(optimizer: Optimizer, options: MultiplicativeLROptions) {
    const op = "MultiplicativeLR";
    checkOptions(options, op, "lrLambda");
    const n = groupCount(optimizer, op);
    const fns = perGroupValues(options.lrLambda, n, op, "lrLambda", functionOption(op));
    super(op, optimizer);
    this.lrLambdas = fns;
    this.listed = Array.isArray(options.lrLambda);
    this.initialStep();
  }

  /** Applies epoch 0, which leaves the learning rates alone (PyTorch's initial step). */
  protected override initialStep(): void {
    this.initial = true;
    try {
      super.initialStep();
    } finally {
      this.initial = false;
    }
  }

  /** The learning rates for `lastEpoch`. */
  protected override computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.initial) return groups.map((g) => g.lr);
    return groups.map((g, i) =>
      g.lr *
      callFactor(
        this.lrLambdas[i],
        this.lastEpoch,
        this.name,
        this.listed ? `lrLambda[${i}]` : "lrLambda",
      )
    );
  }

  /** Nothing beyond the counters: the functions are not saved (as PyTorch). */
  protected override extraState(): Record<string, SchedulerValue> {
    return {};
  }

  /** Nothing to restore beyond the counters. */
  protected override loadExtraState(_state: Readonly<Record<string, SchedulerValue>>): void {}
}
