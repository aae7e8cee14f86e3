/**
 * Differentiable `softmax` and `logSoftmax` along an axis.
 *
 * @module
 */
import { isFloat } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { normalizeAxis } from "./_shape_util.ts";
import { astype } from "./elementwise.ts";
import { LOG_SOFTMAX, SOFTMAX } from "./_prim_softmax.ts";

function prepare(x: Tensor, axis: number, op: string): [Tensor, number] {
  checkTensor(x, op);
  const ax = x.ndim === 0 ? 0 : normalizeAxis(axis, x.ndim, op);
  return [isFloat(x.dtype) ? x : astype(x, "float32"), ax];
}

/**
 * `exp(x) / Σ exp(x)` along an axis (the last by default), computed stably.
 *
 * @example
 * ```ts
 * import { softmax, tensor } from "@nnc/autograd";
 * const x = tensor([0, 0], { dtype: "float64", requiresGrad: true });
 * const p = softmax(x);
 * p.mul(tensor([1, 0], { dtype: "float64" })).sum().backward(); // d p0 / dx = p0 (δ - p)
 * console.assert(x.grad?.toArray().toString() === "0.25,-0.25");
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const [xf, ax] = prepare(x, axis, "softmax");
  return applyPrimitive(SOFTMAX, [xf], { axis: ax });
}

/**
 * `x − logsumexp(x)` along an axis (the last by default), computed stably.
 *
 * @example
 * ```ts
 * import { logSoftmax, tensor } from "@nnc/autograd";
 * const x = tensor([0, 0], { dtype: "float64", requiresGrad: true });
 * logSoftmax(x).slice(0).backward(); // d log p0 / dx = δ0 − p
 * console.assert(x.grad?.toArray().toString() === "0.5,-0.5");
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const [xf, ax] = prepare(x, axis, "logSoftmax");
  return applyPrimitive(LOG_SOFTMAX, [xf], { axis: ax });
}
