// LU factorisation with partial pivoting and the triangular solves that use it.
import { EPS } from "./io.ts";

/**
 * Factors the row-major `n × n` matrix in `w` in place into P·A = L·U (unit lower L below the
 * diagonal, U on and above it), LAPACK style: `piv[k]` is the row swapped with row k at step k.
 *
 * Elimination always runs to the end (so `det` can read a zero pivot). The return value says whether
 * the matrix is numerically singular: some pivot has |u_kk| ≤ n·ε·max_i |a_ik| (ε = 2^-52, the max
 * over column k of the input). Since σ_min(A) ≤ n·|u_kk| for partial pivoting, a flagged matrix has
 * condition number at least about 1/(n²·ε) relative to that column; exact zero pivots and NaN
 * entries are always flagged.
 */
export function luInPlace(
  w: Float64Array,
  n: number,
  piv: Int32Array,
  colMax: Float64Array,
): boolean {
  columnMaxima(w, n, colMax);
  const tol = n * EPS;
  let singular = false;
  for (let k = 0; k < n; k++) {
    const p = pivotRow(w, n, k);
    piv[k] = p;
    if (p !== k) swapRows(w, n, k, p);
    const kk = k * n;
    const pivot = w[kk + k];
    if (!(Math.abs(pivot) > tol * colMax[k])) singular = true;
    if (pivot === 0 || Number.isNaN(pivot)) continue;
    const inv = 1 / pivot;
    for (let i = k + 1; i < n; i++) {
      const ii = i * n;
      const l = w[ii + k] * inv;
      w[ii + k] = l;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) w[ii + j] -= l * w[kk + j];
    }
  }
  return singular;
}

function columnMaxima(w: Float64Array, n: number, colMax: Float64Array): void {
  colMax.fill(0, 0, n);
  for (let i = 0; i < n; i++) {
    const ii = i * n;
    for (let j = 0; j < n; j++) {
      const v = Math.abs(w[ii + j]);
      // `!(v <= m)` also lets a NaN in, which then flags the column as singular.
      if (!(v <= colMax[j])) colMax[j] = v;
    }
  }
}

function pivotRow(w: Float64Array, n: number, k: number): number {
  let p = k;
  let big = Math.abs(w[k * n + k]);
  for (let i = k + 1; i < n; i++) {
    const v = Math.abs(w[i * n + k]);
    if (v > big) {
      big = v;
      p = i;
    }
  }
  return p;
}

/** Swaps rows `i` and `j` of a row-major matrix with `cols` columns. */
export function swapRows(w: Float64Array, cols: number, i: number, j: number): void {
  const a = i * cols;
  const b = j * cols;
  for (let c = 0; c < cols; c++) {
    const t = w[a + c];
    w[a + c] = w[b + c];
    w[b + c] = t;
  }
}

/** Solves A·X = B in place in `x` (row-major `n × k`) from the factors of {@link luInPlace}. */
export function luSolveInPlace(
  lu: Float64Array,
  n: number,
  piv: Int32Array,
  x: Float64Array,
  k: number,
): void {
  for (let i = 0; i < n; i++) if (piv[i] !== i) swapRows(x, k, i, piv[i]);
  // Forward substitution with the unit lower factor, one row of X at a time.
  for (let i = 1; i < n; i++) {
    const ii = i * n;
    const xi = i * k;
    for (let j = 0; j < i; j++) {
      const l = lu[ii + j];
      if (l === 0) continue;
      const xj = j * k;
      for (let c = 0; c < k; c++) x[xi + c] -= l * x[xj + c];
    }
  }
  // Back substitution with U.
  for (let i = n - 1; i >= 0; i--) {
    const ii = i * n;
    const xi = i * k;
    for (let j = i + 1; j < n; j++) {
      const u = lu[ii + j];
      if (u === 0) continue;
      const xj = j * k;
      for (let c = 0; c < k; c++) x[xi + c] -= u * x[xj + c];
    }
    const inv = 1 / lu[ii + i];
    for (let c = 0; c < k; c++) x[xi + c] *= inv;
  }
}

/**
 * Cholesky factor in place: on return the lower triangle of `w` holds L with A = L·Lᵀ and the
 * strict upper triangle is zero. Only the lower triangle of A is read. Returns false when a
 * pivot is not positive (or NaN): A is not positive definite.
 */
export function choleskyInPlace(w: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const jj = j * n;
    let d = w[jj + j];
    for (let k = 0; k < j; k++) d -= w[jj + k] * w[jj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    w[jj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ii = i * n;
      let s = w[ii + j];
      for (let k = 0; k < j; k++) s -= w[ii + k] * w[jj + k];
      w[ii + j] = s * inv;
    }
  }
  for (let i = 0; i < n; i++) w.fill(0, i * n + i + 1, (i + 1) * n);
  return true;
}
