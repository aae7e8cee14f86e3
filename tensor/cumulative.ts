/**
 * Inclusive scans along an axis: `cumsum` and `cumprod`.
 *
 * @module
 */
import { normalizeAxis } from "./shape.ts";
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { allocArray } from "./_axis.ts";
import { checkNDArray } from "./check.ts";

/**
 * Inclusive cumulative sum along `axis` (negative counts from the end): `out[i] = x[0] + … + x[i]`.
 * Same shape and dtype as `x` (int32 stays int32 and wraps on overflow, where PyTorch would widen
 * to int64). The running sum is kept in float64, as PyTorch's CPU kernel does.
 *
 * @example
 * ```ts
 * import { array, cumsum } from "@nnc/tensor";
 * console.assert(cumsum(array([[1, 2], [3, 4]]), 0).toArray().toString() === "1,2,4,6");
 * console.assert(cumsum(array([[1, 2], [3, 4]]), -1).toArray().toString() === "1,3,3,7");
 * ```
 */
export function cumsum(x: NDArray, axis: number): NDArray {
  return scan("sum", x, axis, "cumsum");
}

/**
 * Inclusive cumulative product along `axis`: `out[i] = x[0] · … · x[i]`. Same shape and dtype as `x`.
 *
 * @example
 * ```ts
 * import { array, cumprod } from "@nnc/tensor";
 * console.assert(cumprod(array([1, 2, 3, 4]), 0).toArray().toString() === "1,2,6,24");
 * ```
 */
export function cumprod(x: NDArray, axis: number): NDArray {
  return scan("prod", x, axis, "cumprod");
}

function scan(op: "sum" | "prod", x: NDArray, axis: number, name: string): NDArray {
  checkNDArray(x, name, "x");
  if (axis === undefined) {
    throw new TypeError(`${name}: axis is required (PyTorch's dim), got undefined`);
  }
  const ax = normalizeAxis(axis, x.ndim, name);
  const out = allocArray(x.dtype, x.shape);
  getBackend().cumulative(op, out, x, ax);
  return out;
}
