/**
 * {@link GraphNode}: the record an op leaves on its output when the graph is recorded.
 *
 * @module
 */
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";

/**
 * How a non-leaf tensor was made: the primitive, its input tensors and its parameters (PyTorch's
 * `grad_fn`). Backward frees `inputs` and `params` (sets them to null) unless `retainGraph` is set.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = x.exp();
 * console.assert(y.gradFn?.name === "exp" && y.gradFn.inputs?.[0] === x);
 * ```
 */
export class GraphNode {
  /** The primitive whose `vjp` carries gradients back through this node. */
  readonly op: Primitive<unknown>;
  /** The op's inputs; null once backward has freed the graph. */
  inputs: readonly Tensor[] | null;
  /** The op's parameters and saved values; null once freed. */
  params: unknown;
  /** Where the op was called (a stack trace), recorded only under `detectAnomaly`. */
  trace: string | null = null;
  /** Scratch mark of the topological sort. */
  mark = 0;

  /** Records a call of `op` on `inputs` with `params`. */
  constructor(op: Primitive<unknown>, inputs: readonly Tensor[], params: unknown) {
    this.op = op;
    this.inputs = inputs;
    this.params = params;
  }

  /** The primitive's name (`"add"`, `"matmul"`, …). */
  get name(): string {
    return this.op.name;
  }

  /** True once backward has released the inputs and saved values. */
  get freed(): boolean {
    return this.inputs === null;
  }
}
