/**
 * {@link functionalCall}: runs a module with some parameters replaced by given tensors.
 *
 * @module
 */
import { Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { describe, fmtShape, sameShape } from "@nnc/tensor";

/**
 * Calls `module.forward(...inputs)` with the parameters named in `parameters` (dotted names, as
 * `namedParameters` gives them) replaced by the given tensors, then restores the module
 * (PyTorch `torch.func.functional_call`). Gradients flow to the given tensors, which makes a
 * module a plain function of its weights: for `gradcheck`, per-example gradients, meta-learning,
 * or evaluating perturbed weights without touching the model.
 *
 * @example
 * ```ts
 * import { functionalCall, Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const fc = new Linear(2, 1);
 * const w = tensor([[1, 1]], { requiresGrad: true });
 * const y = functionalCall(fc, { weight: w, bias: tensor([0]) }, tensor([[3, 4]]));
 * y.sum().backward();
 * console.assert(y.item() === 7 && w.grad?.toArray().toString() === "3,4");
 * ```
 */
export function functionalCall<I extends unknown[], O>(
  module: Module<I, O>,
  parameters: Record<string, Tensor>,
  ...inputs: I
): O {
  const op = "functionalCall";
  if (!(module instanceof Module)) {
    throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  }
  if (parameters === null || typeof parameters !== "object") {
    throw new TypeError(
      `${op}: parameters must map dotted names to Tensors, got ${describe(parameters)}`,
    );
  }
  const owned = new Map((module as unknown as AnyModule).namedParameters());
  const swaps: { holder: Record<string, unknown>; key: string; old: unknown; value: Tensor }[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    const current = owned.get(name);
    if (current === undefined) {
      throw new RangeError(`${op}: ${module.constructor.name} has no parameter '${name}'`);
    }
    if (!(value instanceof Tensor)) {
      throw new TypeError(`${op}: '${name}' must be a Tensor, got ${describe(value)}`);
    }
    if (!sameShape(value.shape, current.shape)) {
      throw new RangeError(
        `${op}: '${name}' has shape ${fmtShape(current.shape)} in the module, got ${
          fmtShape(value.shape)
        }`,
      );
    }
    const dot = name.lastIndexOf(".");
    const owner = (module as unknown as AnyModule).getSubmodule(dot < 0 ? "" : name.slice(0, dot));
    const holder = owner as unknown as Record<string, unknown>;
    const keys = Object.keys(holder).filter((k) => holder[k] === current);
    if (keys.length === 0) {
      throw new RangeError(
        `${op}: '${name}' is not held by a field of ${owner.constructor.name}, so it cannot be replaced`,
      );
    }
    for (const key of keys) swaps.push({ holder, key, old: current, value });
  }
  try {
    for (const s of swaps) s.holder[s.key] = s.value;
    return module.forward(...inputs);
  } finally {
    for (const s of swaps) s.holder[s.key] = s.old;
  }
}
