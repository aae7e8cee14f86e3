/**
 * Weight normalisation (Salimans & Kingma): {@link weightNorm} reparameterises a layer's weight as
 * `w = g · v / ‖v‖`; {@link removeWeightNorm} undoes it.
 *
 * @module
 */
import type { Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { wrapForward } from "./_forward_wrap.ts";
import { describe, fmtShape } from "@nnc/tensor";

/**
 * Options of {@link weightNorm}.
 *
 * @example
 * ```ts
 * import type { WeightNormOptions } from "@nnc/layers";
 * const o: WeightNormOptions = { name: "weight", dim: 0 };
 * ```
 */
export interface WeightNormOptions {
  /** The parameter to reparameterise. Default `"weight"`. */
  name?: string;
  /**
   * The dimension that keeps one magnitude per slice (default 0: one per output unit); `null`
   * gives a single magnitude for the whole tensor. Negative values count from the end (PyTorch
   * treats −1 as `null`).
   */
  dim?: number | null;
}

interface WeightNormState {
  name: string;
  axes: number[];
  /** Puts the module's `forward` back as it was before the wrapping. */
  restore: () => void;
}

const STATES = new WeakMap<AnyModule, WeightNormState>();

type Fields = Record<string, unknown>;

function normExcept(v: Tensor, axes: readonly number[]): Tensor {
  return v.square().sum({ axis: axes, keepDims: true }).sqrt();
}

/**
 * Replaces parameter `name` (default `weight`) of `module` by two parameters, `name_g` (magnitude,
 * the norm of each slice along `dim`) and `name_v` (direction, initially the weight itself), as
 * PyTorch's `torch.nn.utils.weight_norm`, and recomputes `name = g · v / ‖v‖` before every
 * `forward`. The state dict then holds `weight_g` and `weight_v` under PyTorch's names and
 * layouts. Returns the module.
 *
 * @example
 * ```ts
 * import { Linear, weightNorm } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const fc = weightNorm(new Linear(3, 2));
 * console.assert(Object.keys(fc.stateDict()).join() === "bias,weight_g,weight_v");
 * console.assert(fc.forward(ones([1, 3])).shape.join() === "1,2");
 * ```
 */
export function weightNorm<M extends AnyModule>(module: M, options: WeightNormOptions = {}): M {
  const op = "weightNorm";
  if (!(module instanceof Module)) {
    throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  }
  const name = options.name ?? "weight";
  const fields = module as unknown as Fields;
  if (STATES.has(module)) {
    throw new RangeError(`${op}: ${module.constructor.name} already has weight norm`);
  }
  const w = fields[name];
  if (!(w instanceof Parameter)) {
    throw new RangeError(`${op}: ${module.constructor.name} has no parameter field '${name}'`);
  }
  const dim = options.dim === undefined ? 0 : options.dim;
  let axes: number[];
  if (dim === null) axes = w.shape.map((_, i) => i);
  else {
    const d = dim < 0 ? dim + w.ndim : dim;
    if (!Number.isInteger(d) || d < 0 || d >= w.ndim) {
      throw new RangeError(
        `${op}: dim ${describe(dim)} is out of range for '${name}' of shape ${fmtShape(w.shape)}`,
      );
    }
    axes = w.shape.map((_, i) => i).filter((i) => i !== d);
  }
  const g = new Parameter(normExcept(w.detach(), axes).data);
  const v = new Parameter(w.data.clone());
  // The computed weight is a plain tensor, which the registry ignores; then the old entry goes.
  fields[name] = v.detach();
  (module as AnyModule).registerParameter(name, null);
  fields[`${name}_g`] = g;
  fields[`${name}_v`] = v;
  const restore = wrapForward(module, () => {
    fields[name] = recompute(fields, name, axes);
  });
  STATES.set(module, { name, axes, restore });
  return module;
}

/**
 * Undoes {@link weightNorm}: `name` becomes a plain parameter again holding `g · v / ‖v‖`.
 *
 * @example
 * ```ts
 * import { Linear, removeWeightNorm, weightNorm } from "@nnc/layers";
 * const fc = removeWeightNorm(weightNorm(new Linear(3, 2)));
 * console.assert(Object.keys(fc.stateDict()).join() === "bias,weight"); // PyTorch order too
 * ```
 */
export function removeWeightNorm<M extends AnyModule>(module: M): M {
  const state = STATES.get(module);
  if (state === undefined) {
    throw new RangeError(`removeWeightNorm: ${describe(module)} has no weight norm`);
  }
  const fields = module as unknown as Fields;
  const w = recompute(fields, state.name, state.axes);
  fields[`${state.name}_g`] = null;
  fields[`${state.name}_v`] = null;
  delete fields[`${state.name}_g`];
  delete fields[`${state.name}_v`];
  (module as AnyModule).registerParameter(`${state.name}_g`, null);
  (module as AnyModule).registerParameter(`${state.name}_v`, null);
  // Re-registering under the old field name puts the weight after the other parameters, as PyTorch does.
  fields[state.name] = new Parameter(w.data.clone());
  state.restore();
  STATES.delete(module);
  return module;
}

function recompute(fields: Fields, name: string, axes: readonly number[]): Tensor {
  const g = fields[`${name}_g`] as Tensor, v = fields[`${name}_v`] as Tensor;
  return v.mul(g.div(normExcept(v, axes)));
}
