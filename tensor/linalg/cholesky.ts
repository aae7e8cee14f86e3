/**
 * `cholesky`: the Cholesky factor of symmetric positive-definite matrices, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import {
  allocArray,
  batchWhere,
  checkFinite,
  checkFloat,
  checkSquare,
  fromFloat64,
  readFloat64,
} from "./_common.ts";

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /** Return the upper factor U = Lᵀ (a = Uᵀ·U) instead of L. Default false. */
  upper?: boolean;
}

/**
 * The Cholesky factor of each symmetric positive-definite matrix of `a` `[..., n, n]`: lower
 * triangular L with `a = L·Lᵀ` and a positive diagonal (or U = Lᵀ with `upper`). Only the lower
 * triangle of `a` is read, as in NumPy and LAPACK. Computed in float64, returned in `a`'s dtype.
 *
 * Throws a TypeError for non-float input and a RangeError for a non-square or non-finite `a`, or
 * one that is not positive definite, naming the batch index.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const l = linalg.cholesky(array([[4, 2], [2, 5]]));
 * console.assert(l.toArray().toString() === "2,0,1,2");
 * ```
 */
export function cholesky(a: NDArray, options: CholeskyOptions = {}): NDArray {
  const op = "linalg.cholesky";
  const dtype = checkFloat(a, op, "a");
  checkSquare(a, op, "a");
  checkFinite(a, op, "a");
  const out = allocArray(dtype, a.shape);
  const bad = getBackend().cholesky(out, a);
  if (bad >= 0) {
    throw new RangeError(
      `${op}: a is not positive definite${batchWhere(bad, a.shape.slice(0, -2))}`,
    );
  }
  return options.upper ? fromFloat64(readFloat64(out.transpose(-2, -1)), dtype, a.shape) : out;
}
