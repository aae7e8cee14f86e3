/**
 * `lstsq`: minimum-norm least-squares solutions through the SVD, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import { checkOptions } from "../check.ts";
import { sizeOf } from "../shape.ts";
import {
  allocArray,
  checkFinite,
  checkFloat,
  epsOf,
  fromFloat64,
  pairRhs,
  readFloat64,
} from "./_common.ts";

/** Options of {@link lstsq}. */
export interface LstsqOptions {
  /**
   * Singular values at most `rcond·σ_max` count as zero. Default: the dtype's machine epsilon times
   * max(m, n) (NumPy's default).
   */
  rcond?: number;
}

/** What {@link lstsq} returns (NumPy's four results). */
export interface LstsqResult {
  /** The minimum-norm minimiser of ‖a·x − b‖: `[..., n, k]`, or `[..., n]` for a vector b. */
  solution: NDArray;
  /**
   * Squared residual norms ‖a·x − b‖² per column of b, `[..., k]` (k = 1 for a vector b), when
   * m > n and every matrix has rank n; otherwise empty, `[..., 0]` (as NumPy).
   */
  residuals: NDArray;
  /** Numerical rank of each matrix (int32, `[...]`). */
  rank: NDArray;
  /** Singular values of a, descending, `[..., min(m, n)]`. */
  singularValues: NDArray;
}

/**
 * Least squares: for each `a` `[..., m, n]` and `b` (`[..., m, k]`, or a vector `[..., m]` by the
 * same rule as {@link solve}), the x of smallest norm among the minimisers of ‖a·x − b‖₂, as
 * `V·Σ⁺·Uᵀ·b` with singular values at most `rcond·σ_max` dropped. Works for over- and
 * under-determined and rank-deficient systems. Batch dimensions broadcast.
 *
 * Throws a TypeError for non-float input and a RangeError for mismatched rows, a non-finite `a` or
 * a negative `rcond`.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * // Fit y = c0 + c1·t through (0, 1), (1, 3), (2, 5): exactly c = (1, 2).
 * const a = array([[1, 0], [1, 1], [1, 2]], { dtype: "float64" });
 * const { solution, rank } = linalg.lstsq(a, array([1, 3, 5], { dtype: "float64" }));
 * console.assert(Math.abs(solution.get(0) - 1) < 1e-12 && Math.abs(solution.get(1) - 2) < 1e-12);
 * console.assert(rank.item() === 2);
 * ```
 */
export function lstsq(a: NDArray, b: NDArray, options: LstsqOptions = {}): LstsqResult {
  const op = "linalg.lstsq";
  checkFloat(a, op, "a");
  checkFloat(b, op, "b");
  options = checkOptions(options, op);
  checkFinite(a, op, "a");
  const rhs = pairRhs(a, b, op);
  const { batch, dtype } = rhs;
  const m = rhs.a.shape[rhs.a.ndim - 2];
  const n = rhs.a.shape[rhs.a.ndim - 1];
  const k = rhs.b.shape[rhs.b.ndim - 1];
  const r = Math.min(m, n);
  const rcond = options.rcond ?? epsOf(dtype) * Math.max(m, n);
  if (!(rcond >= 0)) {
    throw new RangeError(`${op}: rcond must be a non-negative number, got ${rcond}`);
  }

  const u = allocArray(dtype, [...batch, m, r]);
  const s = allocArray(dtype, [...batch, r]);
  const vt = allocArray(dtype, [...batch, r, n]);
  getBackend().svd(u, s, vt, rhs.a);
  const U = readFloat64(u);
  const S = readFloat64(s);
  const VT = readFloat64(vt);
  const B = readFloat64(rhs.b);
  const count = sizeOf(batch);
  const x = new Float64Array(count * n * k);
  const ranks = new Int32Array(count);
  const c = new Float64Array(r * k);
  for (let bi = 0; bi < count; bi++) {
    ranks[bi] = pseudoSolve(U, S, VT, B, bi, m, n, k, rcond, c, x);
  }
  const full = m > n && ranks.every((rk) => rk === n);
  const res = full ? residualNorms(readFloat64(rhs.a), B, x, count, m, n, k) : new Float64Array(0);
  const rank = allocArray("int32", batch);
  rank.data.set(ranks);
  const solShape = rhs.vector ? [...batch, n] : [...batch, n, k];
  return {
    solution: fromFloat64(x, dtype, solShape),
    residuals: fromFloat64(res, dtype, [...batch, full ? k : 0]),
    rank,
    singularValues: s,
  };
}

/** x_b = V·Σ⁺·Uᵀ·b_b for matrix `bi`, keeping singular values above rcond·σ_max; returns the rank. */
function pseudoSolve(
  U: Float64Array,
  S: Float64Array,
  VT: Float64Array,
  B: Float64Array,
  bi: number,
  m: number,
  n: number,
  k: number,
  rcond: number,
  c: Float64Array,
  x: Float64Array,
): number {
  const r = Math.min(m, n);
  const s0 = r > 0 ? S[bi * r] : 0;
  let rank = 0;
  while (rank < r && S[bi * r + rank] > rcond * s0) rank++;
  c.fill(0);
  // c = Σ⁺·Uᵀ·b, row by row so the inner loops run along contiguous rows of B.
  for (let i = 0; i < m; i++) {
    const brow = (bi * m + i) * k;
    for (let j = 0; j < rank; j++) {
      const uij = U[(bi * m + i) * r + j];
      if (uij === 0) continue;
      for (let col = 0; col < k; col++) c[j * k + col] += uij * B[brow + col];
    }
  }
  for (let j = 0; j < rank; j++) {
    const inv = 1 / S[bi * r + j];
    for (let col = 0; col < k; col++) c[j * k + col] *= inv;
  }
  // x = V·c = Σ_j vt[j, :]ᵀ·c[j, :].
  const xs = bi * n * k;
  for (let j = 0; j < rank; j++) {
    for (let i = 0; i < n; i++) {
      const v = VT[(bi * r + j) * n + i];
      if (v === 0) continue;
      for (let col = 0; col < k; col++) x[xs + i * k + col] += v * c[j * k + col];
    }
  }
  return rank;
}

/** ‖a·x − b‖² per column of every matrix, `[count, k]`. */
function residualNorms(
  A: Float64Array,
  B: Float64Array,
  x: Float64Array,
  count: number,
  m: number,
  n: number,
  k: number,
): Float64Array {
  const res = new Float64Array(count * k);
  const row = new Float64Array(k);
  for (let bi = 0; bi < count; bi++) {
    for (let i = 0; i < m; i++) {
      for (let col = 0; col < k; col++) row[col] = -B[(bi * m + i) * k + col];
      for (let j = 0; j < n; j++) {
        const aij = A[(bi * m + i) * n + j];
        for (let col = 0; col < k; col++) row[col] += aij * x[(bi * n + j) * k + col];
      }
      for (let col = 0; col < k; col++) res[bi * k + col] += row[col] * row[col];
    }
  }
  return res;
}
