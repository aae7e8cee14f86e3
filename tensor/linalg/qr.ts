/**
 * `qr`: QR factorisation by Householder reflections, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import { checkOptions } from "../check.ts";
import {
  allocArray,
  appendIdentity,
  checkFloat,
  checkMatrix,
  fromFloat64,
  readFloat64,
} from "./_common.ts";

/** Options of {@link qr}. */
export interface QrOptions {
  /**
   * `"reduced"` (default): q `[..., m, k]`, r `[..., k, n]` with k = min(m, n).
   * `"complete"`: q `[..., m, m]` square orthogonal, r `[..., m, n]`.
   */
  mode?: "reduced" | "complete";
}

/** Factors `a = q·r`, as {@link qr} returns them. */
export interface QrResult {
  /** Orthonormal columns. */
  q: NDArray;
  /** Upper triangular (trapezoidal when m < n), with a non-negative diagonal. */
  r: NDArray;
}

/**
 * QR factorisation of each matrix of `a` `[..., m, n]` by Householder reflections (float64 inside,
 * `a`'s dtype out). R's diagonal is made non-negative, which makes the factorisation unique for
 * full-rank `a` (NumPy and PyTorch return LAPACK's signs instead: compare up to the sign of each
 * column of q and row of r).
 *
 * Throws a TypeError for non-float input or an unknown mode, and a RangeError for fewer than two
 * dimensions.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const { q, r } = linalg.qr(array([[3, 1], [4, 2]], { dtype: "float64" }));
 * console.assert(Math.abs(r.get(0, 0) - 5) < 1e-12 && Math.abs(q.get(1, 0) - 0.8) < 1e-12);
 * ```
 */
export function qr(a: NDArray, options: QrOptions = {}): QrResult {
  const op = "linalg.qr";
  const dtype = checkFloat(a, op, "a");
  const [m, n] = checkMatrix(a, op, "a");
  options = checkOptions(options, op);
  const mode = options.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete") {
    throw new TypeError(`${op}: mode must be "reduced" or "complete", got ${JSON.stringify(mode)}`);
  }
  const batch = a.shape.slice(0, -2);
  if (mode === "reduced" || m <= n) {
    const k = Math.min(m, n);
    const q = allocArray(dtype, [...batch, m, k]);
    const r = allocArray(dtype, [...batch, k, n]);
    getBackend().qr(q, r, a);
    return { q, r };
  }
  // Complete with m > n: the reduced QR of [a | I] has a square Q whose first n columns, and R's
  // first n columns, are those of a's own factorisation.
  const q = allocArray(dtype, [...batch, m, m]);
  const rWide = allocArray(dtype, [...batch, m, n + m]);
  getBackend().qr(q, rWide, appendIdentity(a, dtype));
  const lead = new Array<null>(batch.length + 1).fill(null);
  const r = fromFloat64(readFloat64(rWide.slice(...lead, { stop: n })), dtype, [...batch, m, n]);
  return { q, r };
}
