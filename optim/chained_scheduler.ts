/**
 * {@link ChainedScheduler}: several schedules stepped together, their factors multiplying.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { checkChildren, groupCount, loadChildren } from "./_schedule_options.ts";

/**
 * Schedules chained (PyTorch 2.x's `ChainedScheduler`): each {@link step} steps every schedule
 * in order, so the chainable forms multiply their factors (e.g. {@link ConstantLR} during a
 * warm-up times {@link ExponentialLR}). Construction changes nothing: the schedules have already
 * applied their epoch 0 when they were built. `optimizer` defaults to the first schedule's
 * (PyTorch 2.x's optional `optimizer` argument; 1.13 had none); every schedule must drive it.
 * `lastEpoch` counts the steps. The state dict holds every schedule's own state dict.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { ChainedScheduler, ConstantLR, ExponentialLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new ChainedScheduler([
 *   new ConstantLR(opt, { factor: 0.5, totalIters: 2 }),
 *   new ExponentialLR(opt, { gamma: 0.5 }),
 * ]);
 * const lrs = [sched.getLastLr()[0]];
 * for (let e = 0; e < 3; e++) {
 *   sched.step();
 *   lrs.push(sched.getLastLr()[0]);
 * }
 * console.assert(lrs.join() === "0.5,0.25,0.25,0.125");
 * ```
 */
export class ChainedScheduler extends LRScheduler {
  /** The schedules, stepped in this order. */
  readonly schedulers: readonly LRScheduler[];

  /** Chains `schedulers`, all built on `optimizer` (default: the first one's). */
  constructor(schedulers: readonly LRScheduler[], optimizer?: Optimizer) {
    const op = "ChainedScheduler";
    if (optimizer !== undefined) groupCount(optimizer, op);
    const list = checkChildren(schedulers, optimizer ?? null, op);
    super(op, optimizer ?? list[0].optimizer);
    this.schedulers = list;
    this.lastEpoch = 0;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every schedule; the learning rates are what the last one left. */
  protected override computeLr(): number[] {
    for (const s of this.schedulers) s.step();
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The schedules' states. */
  protected override extraState(): Record<string, SchedulerValue> {
    return { schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores every schedule's state. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    loadChildren(this.schedulers, state.schedulers, "ChainedScheduler.loadStateDict");
  }
}
