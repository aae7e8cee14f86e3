/**
 * `solve`: the solution of a square linear system, batched.
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
  pairRhs,
} from "./_common.ts";

/**
 * Solves `a·x = b` by LU with partial pivoting (computed in float64, returned in the promoted
 * dtype of `a` and `b`). `a` is `[..., n, n]`; `b` is `[..., n, k]`, or a vector `[..., n]` when it
 * is 1-d or has `a`'s shape without the last dimension (then `x` is a vector too). Batch dimensions
 * broadcast.
 *
 * Throws a TypeError for non-float input, a RangeError for mismatched shapes, non-finite `a`, or a
 * singular `a` (some pivot |u_kk| ≤ n·2^-52·max_i |a_ik|), naming the batch index.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const x = linalg.solve(array([[3, 1], [1, 2]], { dtype: "float64" }), array([9, 8], { dtype: "float64" }));
 * console.assert(Math.abs(x.get(0) - 2) < 1e-12 && Math.abs(x.get(1) - 3) < 1e-12);
 * ```
 */
export function solve(a: NDArray, b: NDArray): NDArray {
  const op = "linalg.solve";
  checkFloat(a, op, "a");
  checkFloat(b, op, "b");
  const n = checkSquare(a, op, "a");
  checkFinite(a, op, "a");
  const rhs = pairRhs(a, b, op);
  const k = rhs.b.shape[rhs.b.ndim - 1];
  const out = allocArray(rhs.dtype, [...rhs.batch, n, k]);
  const bad = getBackend().solve(out, rhs.a, rhs.b);
  if (bad >= 0) throw new RangeError(`${op}: a is singular${batchWhere(bad, rhs.batch)}`);
  return rhs.vector ? out.reshape([...rhs.batch, n]) : out;
}
