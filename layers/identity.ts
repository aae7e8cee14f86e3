/**
 * {@link Identity}: a placeholder layer that returns its input.
 *
 * @module
 */
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";
import {} from "@nnc/tensor";

/**
 * Returns its input unchanged (PyTorch `nn.Identity`): a stand-in where a layer is optional, such
 * as the shortcut of a residual block whose shapes already match.
 *
 * @example
 * ```ts
 * import { Identity } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([1, 2]);
 * console.assert(new Identity().forward(x) === x);
 * ```
 */
export class Identity extends Module<[Tensor], Tensor> {
  /** Returns `x`. */
  forward(x: Tensor): Tensor {
    return asInput(x, "Identity");
  }
}
