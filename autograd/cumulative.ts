/**
 * Differentiable inclusive scans: `cumsum` and `cumprod`.
 *
 * @module
 */
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { normalizeAxis } from "./_shape_util.ts";
import { CUMPROD, CUMSUM } from "./_prim_cumulative.ts";

/**
 * Inclusive cumulative sum along `axis`; the gradient is the reversed cumulative sum.
 *
 * @example
 * ```ts
 * import { cumsum, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * cumsum(x, 0).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "3,2,1");
 * ```
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  checkTensor(x, "cumsum", "x");
  return applyPrimitive(CUMSUM, [x], { axis: normalizeAxis(axis, x.ndim, "cumsum") });
}

/**
 * Inclusive cumulative product along `axis` (differentiable where `x` has no zeros).
 *
 * @example
 * ```ts
 * import { cumprod, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * cumprod(x, 0).sum().backward(); // d(x0 + x0x1 + x0x1x2)
 * console.assert(x.grad?.toArray().toString() === "9,4,2");
 * ```
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  checkTensor(x, "cumprod", "x");
  return applyPrimitive(CUMPROD, [x], { axis: normalizeAxis(axis, x.ndim, "cumprod") });
}
