/**
 * What Adamax, NAdam and RAdam share: the defaults and check of their options
 * ({@link MomentOptions}), and the walk over a group's parameters that counts each one's steps
 * (Rprop's too).
 *
 * @module
 */
import type { Tensor } from "@nnc/autograd";
import { checkBool, checkNumber } from "@nnc/tensor";
import type { OptimizerOptions, ParamGroup, ParamState } from "./optimizer.ts";
import type { MomentOptions } from "./moment_options.ts";
import { commitValues, type FloatArray, gradValues, paramValues } from "./_buffers.ts";
import { checkBetas } from "./_validate.ts";

/** The family's defaults, with the variant's learning rate. */
export function momentDefaults(lr: number): MomentOptions {
  return { lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };
}

/** Checks the family's options. */
export function checkMomentOptions(o: Readonly<Record<string, unknown>>, op: string): void {
  checkNumber(o.lr, op, "lr", 0);
  checkBetas(op, o.betas);
  checkNumber(o.eps, op, "eps", 0);
  checkNumber(o.weightDecay, op, "weightDecay", 0);
  checkBool(o.maximize, op, "maximize");
}

/**
 * Calls `update` for every parameter of `group` that has a gradient, with its values (written back
 * afterwards), its gradient, its state and its step number t (counted in `state.step`, from 1).
 */
export function updateEach<T extends OptimizerOptions>(
  op: string,
  group: ParamGroup<T>,
  stateOf: (p: Tensor) => ParamState,
  update: (x: FloatArray, g: FloatArray, p: Tensor, s: ParamState, step: number) => void,
): void {
  for (const p of group.params) {
    const g = gradValues(p, op);
    if (g === null) continue;
    const x = paramValues(p, op);
    const s = stateOf(p);
    const step = ((s.step as number | undefined) ?? 0) + 1;
    s.step = step;
    update(x, g, p, s, step);
    commitValues(p, x);
  }
}
