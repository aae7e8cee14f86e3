/**
 * `eigh`: eigenvalues and eigenvectors of symmetric matrices, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import { allocArray, checkFinite, checkFloat, checkSquare } from "./_common.ts";

/** Eigen-decomposition `a = V·diag(values)·Vᵀ`, as {@link eigh} returns it. */
export interface EighResult {
  /** Eigenvalues in ascending order, `[..., n]`. */
  values: NDArray;
  /** Orthonormal eigenvectors as columns, `[..., n, n]`: column j belongs to `values[..., j]`. */
  vectors: NDArray;
}

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix of `a`
 * `[..., n, n]`. Only the lower triangle is read (NumPy's default `UPLO="L"`). Computed in float64
 * (Householder tridiagonalisation, then implicit QL), returned in `a`'s dtype.
 *
 * Sign convention: each eigenvector's first entry whose magnitude is within a relative 1e-5 of its
 * largest is positive. Within a repeated eigenvalue the basis is not unique (it is deterministic).
 *
 * Throws a TypeError for non-float input and a RangeError for a non-square or non-finite `a`.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const { values, vectors } = linalg.eigh(array([[10, 6], [6, 10]], { dtype: "float64" }));
 * console.assert(Math.abs(values.get(0) - 4) < 1e-12 && Math.abs(values.get(1) - 16) < 1e-12);
 * console.assert(Math.abs(vectors.get(0, 1) - Math.SQRT1_2) < 1e-12); // (1, 1)/√2 for 16
 * ```
 */
export function eigh(a: NDArray): EighResult {
  const op = "linalg.eigh";
  const dtype = checkFloat(a, op, "a");
  const n = checkSquare(a, op, "a");
  checkFinite(a, op, "a");
  const values = allocArray(dtype, [...a.shape.slice(0, -2), n]);
  const vectors = allocArray(dtype, a.shape);
  getBackend().eigh(values, vectors, a);
  return { values, vectors };
}
