/**
 * {@link SequentialLR}: schedules one after another, switching at given epochs.
 *
 * @module
 */
import type { Optimizer } from "./optimizer.ts";
import { LRScheduler, type SchedulerValue } from "./lr_scheduler.ts";
import { MultiplicativeLR } from "./multiplicative_lr.ts";
import { checkChildren, groupCount, loadChildren } from "./_schedule_options.ts";
import { checkOptions, describe } from "@nnc/tensor";

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The schedules, in order, all built on the same optimiser (before this one). */
  schedulers: readonly LRScheduler[];
  /** The epochs at which the next schedule takes over: one fewer than `schedulers`, increasing, ≥ 1. */
  milestones: readonly number[];
}

/**
 * Schedules in sequence (PyTorch 2.x's `SequentialLR`): `schedulers[0]` runs from epoch 0; at
 * epoch `milestones[i]` `schedulers[i + 1]` restarts at its own epoch 0 and runs on. At
 * construction, as PyTorch, the groups' learning rates go back to their `initialLr` (undoing the
 * followers' own epoch 0) and every schedule's `lastEpoch` goes back by one before the first
 * schedule re-applies its epoch 0.
 *
 * At a milestone PyTorch 2.x sets the follower's epoch to 0 and takes its closed form there (from
 * its base learning rates); nnc sets the groups to the follower's base learning rates and applies
 * its epoch 0 afresh, which gives the same rates, except for a {@link MultiplicativeLR} follower,
 * which multiplies the current rates by λ(0) (PyTorch 2.x's `get_lr`; 1.13 left them alone).
 * Where 1.13 and 2.x differ otherwise this follows 2.x: the epoch undo at construction reaches
 * into nested SequentialLR/ChainedScheduler schedules (1.13: only the direct ones). PyTorch does
 * not check the milestones; nnc asks for increasing integers ≥ 1. A SequentialLR or
 * {@link ChainedScheduler} may come first but not after a milestone (PyTorch cannot restart one
 * there either: it raises NotImplementedError).
 *
 * The state dict holds every schedule's own state dict.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { ExponentialLR, LinearLR, SequentialLR, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const warm = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
 * const decay = new ExponentialLR(opt, { gamma: 0.5 });
 * const sched = new SequentialLR(opt, { schedulers: [warm, decay], milestones: [2] });
 * const lrs = [sched.getLastLr()[0]];
 * for (let e = 0; e < 4; e++) {
 *   sched.step();
 *   lrs.push(sched.getLastLr()[0]);
 * }
 * console.assert(lrs.join() === "0.5,0.75,1,0.5,0.25");
 * ```
 */
export class SequentialLR extends LRScheduler {
  /** The schedules, in order. */
  readonly schedulers: readonly LRScheduler[];
  /** The epochs at which the next schedule takes over. */
  readonly milestones: readonly number[];

  /** Attaches to `optimizer`, resets the groups' learning rates and applies epoch 0. */
  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    const op = "SequentialLR";
    checkOptions(options, op, "schedulers and milestones");
    groupCount(optimizer, op);
    const schedulers = checkChildren(options.schedulers, optimizer, op);
    const milestones = options.milestones;
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError(
        `${op}: milestones must be a list of length ${
          schedulers.length - 1
        } (one fewer than the ${schedulers.length} schedulers), got ${describe(milestones)}`,
      );
    }
    schedulers.forEach((s, i) => {
      if (i > 0 && Array.isArray((s as { schedulers?: unknown }).schedulers)) {
        throw new TypeError(
          `${op}: schedulers[${i}] (${s.name}) cannot follow a milestone: it has no epoch 0 of its own to restart at (PyTorch raises NotImplementedError there); put it first or chain inside it`,
        );
      }
    });
    milestones.forEach((m, i) => {
      const prev = i === 0 ? 0 : milestones[i - 1];
      if (typeof m !== "number" || !Number.isSafeInteger(m) || m <= prev) {
        throw new RangeError(
          `${op}: milestones must be increasing integers >= 1, got ${
            describe(m)
          } at milestones[${i}]`,
        );
      }
    });
    super(op, optimizer);
    this.schedulers = schedulers;
    this.milestones = milestones.slice();
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of schedulers) undo(s);
    this.initialStep();
  }

  /** The learning rates for `lastEpoch`, from the schedule in charge. */
  protected override computeLr(): number[] {
    const e = this.lastEpoch;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= e) idx++;
    const s = this.schedulers[idx];
    if (e === 0) {
      // PyTorch's `_initial_step()` of the first schedule.
      (s as unknown as { initialStep(): void }).initialStep();
      return s.getLastLr();
    }
    if (idx > 0 && this.milestones[idx - 1] === e) {
      // PyTorch 2.x's `_update_lr(0)`: the closed form at epoch 0, from the base learning rates;
      // MultiplicativeLR has none and multiplies the current rates by λ(0).
      if (!(s instanceof MultiplicativeLR)) {
        this.optimizer.paramGroups.forEach((g, i) => {
          g.lr = s.baseLrs[i];
        });
      }
      s.lastEpoch = -1;
    }
    s.step();
    return s.getLastLr();
  }

  /** The schedules' states and the milestones. */
  protected override extraState(): Record<string, SchedulerValue> {
    return {
      milestones: this.milestones.slice(),
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** Restores every schedule's state. */
  protected override loadExtraState(state: Readonly<Record<string, SchedulerValue>>): void {
    const op = "SequentialLR.loadStateDict";
    const m = state.milestones;
    if (
      !Array.isArray(m) || m.length !== this.milestones.length ||
      m.some((v, i) => v !== this.milestones[i])
    ) {
      throw new RangeError(
        `${op}: the state dict's milestones ${describe(m)} differ from this schedule's [${
          this.milestones.join(", ")
        }]`,
      );
    }
    loadChildren(this.schedulers, state.schedulers, op);
  }
}

/** PyTorch's `recursive_undo`: every leaf schedule's epoch goes back by one. */
function undo(s: LRScheduler): void {
  const children = (s as { schedulers?: unknown }).schedulers;
  if (Array.isArray(children)) {
    for (const c of children) if (c instanceof LRScheduler) undo(c);
  } else {
    s.lastEpoch -= 1;
  }
}
