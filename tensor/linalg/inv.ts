/**
 * `inv`: the inverse of square matrices, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import { allocArray, batchWhere, checkFinite, checkFloat, checkSquare } from "./_common.ts";

/**
 * The inverse of each matrix of `a` `[..., n, n]` (same dtype), by solving `a·x = I` with LU and
 * partial pivoting in float64.
 *
 * Throws a TypeError for non-float input and a RangeError for a non-square, non-finite or singular
 * `a` (same singularity rule as {@link solve}), naming the batch index.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const ai = linalg.inv(array([[2, 1], [1, 1]], { dtype: "float64" }));
 * console.assert(ai.toArray().toString() === "1,-1,-1,2");
 * ```
 */
export function inv(a: NDArray): NDArray {
  const op = "linalg.inv";
  const dtype = checkFloat(a, op, "a");
  const n = checkSquare(a, op, "a");
  checkFinite(a, op, "a");
  const batch = a.shape.slice(0, -2);
  const eye = allocArray(dtype, [n, n]);
  for (let i = 0; i < n; i++) eye.data[i * n + i] = 1;
  const out = allocArray(dtype, a.shape);
  const bad = getBackend().solve(out, a, eye.expand([...batch, n, n]));
  if (bad >= 0) throw new RangeError(`${op}: a is singular${batchWhere(bad, batch)}`);
  return out;
}
