/**
 * Option parsing shared by the function-driven and cyclic schedules (LambdaLR, MultiplicativeLR,
 * CyclicLR, SequentialLR, ChainedScheduler): per-group values, user functions whose results are
 * checked, the optimiser's group count before the base class has seen it, momentum writes.
 *
 * @module
 */
import { Optimizer, type ParamGroup } from "./optimizer.ts";
import { LRScheduler, type SchedulerStateDict, type SchedulerValue } from "./lr_scheduler.ts";
import { describe } from "@nnc/tensor";

/** A schedule's function of the epoch (or cycle): a factor for the learning rate. */
export type ScheduleFunction = (x: number) => number;

/** The optimiser's number of groups; the base class's error when `optimizer` is not one. */
export function groupCount(optimizer: unknown, op: string): number {
  if (!(optimizer instanceof Optimizer)) {
    throw new TypeError(`${op}: expected an Optimizer, got ${describe(optimizer)}`);
  }
  return optimizer.paramGroups.length;
}

/** One value for every group, or one per group; each checked by `check(value, name)`. */
export function perGroupValues<T>(
  v: unknown,
  n: number,
  op: string,
  name: string,
  check: (value: unknown, name: string) => T,
): T[] {
  if (!Array.isArray(v)) {
    const one = check(v, name);
    return Array.from({ length: n }, () => one);
  }
  if (v.length !== n) {
    throw new RangeError(
      `${op}: ${name} must be one value or a list of ${n} (one per param group), got ${
        describe(v)
      }`,
    );
  }
  return v.map((x, i) => check(x, `${name}[${i}]`));
}

/** Checks `fn` is a function. */
export function functionOption(op: string): (v: unknown, name: string) => ScheduleFunction {
  return (v, name) => {
    if (typeof v !== "function") {
      throw new TypeError(`${op}: ${name} must be a function, got ${describe(v)}`);
    }
    return v as ScheduleFunction;
  };
}

/** Calls a user function and checks it returned a finite number. */
export function callFactor(fn: ScheduleFunction, x: number, op: string, name: string): number {
  const y: unknown = fn(x);
  if (typeof y !== "number" || !Number.isFinite(y)) {
    throw new RangeError(`${op}: ${name}(${x}) must return a finite number, got ${describe(y)}`);
  }
  return y;
}

/** Checks a list of child schedules that all drive `optimizer` (SequentialLR, ChainedScheduler). */
export function checkChildren(v: unknown, optimizer: Optimizer | null, op: string): LRScheduler[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw new TypeError(
      `${op}: schedulers must be a non-empty list of schedules, got ${describe(v)}`,
    );
  }
  const opt = optimizer ?? (v[0] instanceof LRScheduler ? v[0].optimizer : null);
  v.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) {
      const plateau = s !== null && typeof s === "object" &&
        (s as { constructor?: { name?: string } }).constructor?.name === "ReduceLROnPlateau";
      throw new TypeError(
        `${op}: schedulers[${i}] must be an LRScheduler, got ${
          plateau ? "a ReduceLROnPlateau (its step needs a metric)" : describe(s)
        }`,
      );
    }
    if (s.optimizer !== opt) {
      throw new RangeError(`${op}: schedulers[${i}] (${s.name}) drives another optimizer`);
    }
  });
  return v.slice();
}

/** Sets a group's momentum, or β1 for optimisers with `betas` (PyTorch's `use_beta1`). */
export function writeMomentum(g: ParamGroup, value: number, useBeta1: boolean): void {
  const group = g as unknown as Record<string, unknown>;
  if (!useBeta1) {
    group.momentum = value;
    return;
  }
  const betas = group.betas as readonly number[];
  group.betas = [value, ...betas.slice(1)];
}

/** Checks a factor in (0, 1]. */
export function checkUnitFactor(v: unknown, op: string, name: string): number {
  if (typeof v !== "number" || !(v > 0 && v <= 1)) {
    throw new RangeError(`${op}: ${name} must be a number in (0, 1], got ${describe(v)}`);
  }
  return v;
}

/** Loads each child's state dict (checked by the child). */
export function loadChildren(
  schedulers: readonly LRScheduler[],
  saved: SchedulerValue | undefined,
  op: string,
): void {
  if (!Array.isArray(saved) || saved.length !== schedulers.length) {
    throw new TypeError(
      `${op}: schedulers must be a list of ${schedulers.length} state dicts, got ${
        describe(saved)
      }`,
    );
  }
  schedulers.forEach((s, i) => s.loadStateDict(saved[i] as SchedulerStateDict));
}
