/**
 * {@link Primitive}: an op that carries its own derivatives, and {@link applyPrimitive}, which runs
 * one on tensors, records the graph and propagates forward-mode tangents. Every differentiable op
 * of this package is a primitive or a composition of primitives.
 *
 * @module
 */
import { describe, type NDArray } from "@nnc/tensor";
import { state } from "./_state.ts";
import { checkFinite } from "./_anomaly.ts";
import { GraphNode } from "./graph_node.ts";
import { attachNode, setTangent, Tensor } from "./tensor.ts";

/**
 * An op with derivatives: `forward` computes on NDArrays; `vjp` (reverse mode) and `jvp` (forward
 * mode) are written with Tensor ops, so that they are themselves differentiable and higher-order
 * derivatives come for free. `params` holds the op's options and anything `forward` saves for the
 * derivatives (forward may add fields to it; it is a fresh object per call).
 *
 * @example
 * ```ts
 * import { applyPrimitive, type Primitive, tensor, Tensor } from "@nnc/autograd";
 * import { mul, type NDArray } from "@nnc/tensor";
 * // f(x) = 3x, with its derivatives.
 * const triple: Primitive<void> = {
 *   name: "triple",
 *   forward: ([x]: readonly NDArray[]) => mul(x, 3),
 *   vjp: (g: Tensor) => [g.mul(3)],
 *   jvp: ([t]: readonly (Tensor | null)[]) => t === null ? null : t.mul(3),
 * };
 * const x = tensor([1, 2], { requiresGrad: true });
 * applyPrimitive(triple, [x], undefined).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "3,3");
 * ```
 */
export interface Primitive<P = void> {
  /** Name used in graph nodes and error messages. */
  readonly name: string;
  /** The value, from the inputs' arrays. */
  forward(inputs: readonly NDArray[], params: P): NDArray;
  /**
   * Gradients of the inputs given the gradient `grad` of the output (same shape as the output).
   * Entries may be null for inputs that need none (constants, integer indices). A gradient may have
   * a broadcast shape of its input's shape: the engine sums it back.
   */
  vjp(
    grad: Tensor,
    inputs: readonly Tensor[],
    output: Tensor,
    params: P,
  ): readonly (Tensor | null)[];
  /**
   * Tangent of the output given the inputs' tangents (null = zero), or null when it is zero.
   * Must have the output's shape.
   */
  jvp(
    tangents: readonly (Tensor | null)[],
    inputs: readonly Tensor[],
    output: Tensor,
    params: P,
  ): Tensor | null;
  /**
   * Optional: called once when a backward pass frees this node (no `retainGraph`, no
   * `createGraph`), with the params it held. A primitive whose params own large buffers that
   * nothing else references (saved forward state) hands them to the storage pool here, so that the
   * next step reuses their memory instead of asking the system for fresh pages.
   */
  release?(params: P): void;
}

/**
 * Runs a primitive on tensors: computes the value, records a {@link GraphNode} when grad mode is on
 * and an input requires grad, and computes the tangent when an input carries one (inside `jvp`).
 *
 * @example
 * ```ts
 * import { applyPrimitive, tensor } from "@nnc/autograd";
 * import { exp, type NDArray } from "@nnc/tensor";
 * import type { Tensor } from "@nnc/autograd";
 * const myExp = {
 *   name: "myExp",
 *   forward: ([x]: readonly NDArray[]) => exp(x),
 *   vjp: (g: Tensor, _i: readonly Tensor[], y: Tensor) => [g.mul(y)],
 *   jvp: ([t]: readonly (Tensor | null)[], _i: readonly Tensor[], y: Tensor) => t && t.mul(y),
 * };
 * const x = tensor([0], { requiresGrad: true });
 * applyPrimitive(myExp, [x], undefined).sum().backward();
 * console.assert(x.grad?.item() === 1);
 * ```
 */
export function applyPrimitive<P>(
  prim: Primitive<P>,
  inputs: readonly Tensor[],
  params: P,
): Tensor {
  if (prim === null || typeof prim !== "object" || typeof prim.forward !== "function") {
    throw new TypeError(
      `applyPrimitive: expected a Primitive (an object with forward, vjp and jvp), got ${
        describe(prim)
      }`,
    );
  }
  if (!Array.isArray(inputs)) {
    throw new TypeError(
      `applyPrimitive: inputs must be an array of Tensors, got ${describe(inputs)}`,
    );
  }
  const n = inputs.length;
  const arrays = new Array<NDArray>(n);
  let record = false, dual = false;
  for (let i = 0; i < n; i++) {
    const t = inputs[i];
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        `${prim.name}: input ${i} must be a Tensor, got ${describe(t)}`,
      );
    }
    arrays[i] = t.data;
    if (t.requiresGrad) record = true;
    if (t.tangent !== null) dual = true;
  }
  const value = prim.forward(arrays, params);
  if (state.anomaly && state.inVjp === 0) checkFinite(value, `forward of '${prim.name}'`, null);
  const out = new Tensor(value);
  if (record && state.gradEnabled) {
    const node = new GraphNode(prim as Primitive<unknown>, inputs, params);
    if (state.anomaly) node.trace = new Error().stack ?? null;
    attachNode(out, node);
  }
  if (dual && state.inJvp === 0) setTangent(out, forwardTangent(prim, inputs, out, params));
  return out;
}

function forwardTangent<P>(
  prim: Primitive<P>,
  inputs: readonly Tensor[],
  out: Tensor,
  params: P,
): Tensor | null {
  const tangents = inputs.map((t) => t.tangent);
  state.inJvp++;
  let t: Tensor | null;
  try {
    t = prim.jvp(tangents, inputs, out, params);
  } finally {
    state.inJvp--;
  }
  if (t !== null && state.anomaly) {
    checkFinite(t.data, `forward-mode tangent of '${prim.name}'`, null);
  }
  return t;
}
