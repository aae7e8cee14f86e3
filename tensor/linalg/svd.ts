/**
 * `svd` and `svdvals`: singular value decomposition by one-sided Jacobi, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import type { DType } from "../dtype.ts";
import { getBackend } from "../registry.ts";
import { checkOptions } from "../check.ts";
import { sizeOf } from "../shape.ts";
import {
  allocArray,
  appendIdentity,
  checkFinite,
  checkFloat,
  checkMatrix,
  fromFloat64,
  readFloat64,
} from "./_common.ts";

/** Options of {@link svd}. */
export interface SvdOptions {
  /**
   * false (default): u `[..., m, k]`, vt `[..., k, n]` with k = min(m, n). true: u `[..., m, m]` and
   * vt `[..., n, n]` square orthogonal (the extra vectors span the null spaces).
   */
  fullMatrices?: boolean;
}

/** Factors `a = u·diag(s)·vt`, as {@link svd} returns them. */
export interface SvdResult {
  /** Left singular vectors as columns. */
  u: NDArray;
  /** Singular values, descending, `[..., k]`. */
  s: NDArray;
  /** Right singular vectors as rows. */
  vt: NDArray;
}

/**
 * Singular value decomposition of each matrix of `a` `[..., m, n]`, computed in float64 by one-sided
 * Jacobi (accurate for small singular values too) and returned in `a`'s dtype. Singular values
 * descend. Sign convention: in each pair (u_k, v_k) the first entry of u_k whose magnitude is within
 * a relative 1e-5 of u_k's largest is positive. For repeated or zero singular values the vectors are
 * one valid, deterministic choice.
 *
 * Throws a TypeError for non-float input and a RangeError for fewer than two dimensions or
 * non-finite entries.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const { u, s, vt } = linalg.svd(array([[3, 0], [0, -2]], { dtype: "float64" }));
 * console.assert(s.toArray().toString() === "3,2");
 * console.assert(u.toArray().toString() === "1,0,0,1" && vt.toArray().toString() === "1,0,0,-1");
 * ```
 */
export function svd(a: NDArray, options: SvdOptions = {}): SvdResult {
  const op = "linalg.svd";
  const dtype = checkFloat(a, op, "a");
  const [m, n] = checkMatrix(a, op, "a");
  options = checkOptions(options, op);
  checkFinite(a, op, "a");
  const batch = a.shape.slice(0, -2);
  const k = Math.min(m, n);
  const u = allocArray(dtype, [...batch, m, k]);
  const s = allocArray(dtype, [...batch, k]);
  const vt = allocArray(dtype, [...batch, k, n]);
  getBackend().svd(u, s, vt, a);
  if (!options.fullMatrices || m === n) return { u, s, vt };
  if (m > k) return { u: completeColumns(u, dtype), s, vt };
  const v = completeColumns(vt.transpose(-2, -1), dtype);
  return { u, s, vt: fromFloat64(readFloat64(v.transpose(-2, -1)), dtype, [...batch, n, n]) };
}

/**
 * The singular values of each matrix of `a` `[..., m, n]`, descending, `[..., min(m, n)]`.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const s = linalg.svdvals(array([[1, 2, 3], [4, 5, 6]], { dtype: "float64" }));
 * console.assert(Math.abs(s.get(0) - 9.5080320) < 1e-7 && Math.abs(s.get(1) - 0.7728696) < 1e-7);
 * ```
 */
export function svdvals(a: NDArray): NDArray {
  return svd(a).s;
}

/**
 * Extends the orthonormal columns of `x` `[..., p, r]` to a square orthogonal `[..., p, p]`: the
 * first r columns are x's own, the others come from the QR of `[x | I]`.
 */
function completeColumns(x: NDArray, dtype: DType): NDArray {
  const p = x.shape[x.ndim - 2];
  const r = x.shape[x.ndim - 1];
  const batch = x.shape.slice(0, -2);
  const q = allocArray(dtype, [...batch, p, p]);
  getBackend().qr(q, allocArray(dtype, [...batch, p, r + p]), appendIdentity(x, dtype));
  const xv = readFloat64(x);
  const count = sizeOf(batch);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < r; j++) q.data[(b * p + i) * p + j] = xv[(b * p + i) * r + j];
    }
  }
  return q;
}
