/**
 * {@link Parameter}: a tensor that a {@link Module} owns and trains.
 *
 * @module
 */
import { checkBool, describe, NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/**
 * A learnable tensor (PyTorch `nn.Parameter`): a {@link Tensor} leaf that requires grad by default.
 * Assigning a Parameter to a field of a {@link Module} (or calling `registerParameter`) makes it
 * part of the module's `parameters()` and `stateDict()`. Optimisers update it by replacing `data`.
 *
 * @example
 * ```ts
 * import { Parameter } from "@nnc/layers";
 * import { zeros } from "@nnc/tensor";
 * const w = new Parameter(zeros([2, 3]));
 * console.assert(w.requiresGrad && w.isLeaf && w.shape.join() === "2,3");
 * ```
 */
export class Parameter extends Tensor {
  /** Wraps an array (not copied), or the array of a tensor; `requiresGrad` defaults to true. */
  constructor(data: NDArray | Tensor, requiresGrad = true) {
    const array = data instanceof Tensor ? data.data : data;
    if (!(array instanceof NDArray)) {
      throw new TypeError(
        `Parameter: expected an NDArray or a Tensor, got ${describe(data)}`,
      );
    }
    checkBool(requiresGrad, "Parameter", "requiresGrad");
    if (array.dtype === "int32" && requiresGrad) {
      throw new TypeError(
        "Parameter: an int32 parameter cannot require grad; pass requiresGrad = false",
      );
    }
    super(array, { requiresGrad });
  }

  /** Prints like PyTorch: `Parameter(tensor([...]), requiresGrad=true)`. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
