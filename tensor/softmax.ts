/**
 * `softmax` and `logSoftmax` along an axis.
 *
 * @module
 */
import { checkNDArray } from "./check.ts";
import { allocForOverwrite, isFloat } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { normalizeAxis } from "./shape.ts";
import { astype } from "./copy.ts";

function run(name: string, x: NDArray, axis: number, log: boolean): NDArray {
  checkNDArray(x, name, "x");
  const ax = normalizeAxis(axis, x.ndim, name);
  const xf = isFloat(x.dtype) ? x : astype(x, "float32");
  // The kernel writes every element (as does the 0-d case below): no zero-filling first.
  const out = new NDArray(new Storage(allocForOverwrite(xf.dtype, xf.size)), xf.shape);
  if (x.ndim === 0) {
    out.data[0] = log ? 0 : 1;
    return out;
  }
  getBackend().softmax(out, xf, ax, log);
  return out;
}

/**
 * `exp(x) / Σ exp(x)` along an axis (the last by default), shifted by the maximum so it never overflows.
 *
 * @example
 * ```ts
 * import { array, softmax } from "@nnc/tensor";
 * const p = softmax(array([1.1, 2.2, 0.2, -1.7], { dtype: "float64" }));
 * console.assert(Math.abs(p.get(1) - 0.672) < 1e-3);
 * ```
 */
export function softmax(x: NDArray, axis = -1): NDArray {
  return run("softmax", x, axis, false);
}

/**
 * `x - logsumexp(x)` along an axis (the last by default), computed stably.
 *
 * @example
 * ```ts
 * import { array, logSoftmax } from "@nnc/tensor";
 * const l = logSoftmax(array([0, 0], { dtype: "float64" }));
 * console.assert(Math.abs(l.get(0) + Math.LN2) < 1e-12);
 * ```
 */
export function logSoftmax(x: NDArray, axis = -1): NDArray {
  return run("logSoftmax", x, axis, true);
}
