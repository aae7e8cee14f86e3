/**
 * Linear-algebra kernels of the JS backend: the reference every other backend is tested against.
 *
 * Every kernel loads each matrix of a batch into a contiguous float64 work buffer (inputs may have
 * any strides, stride-0 batch dimensions included), factors it in float64 whatever the dtype, and
 * stores the result in the output's dtype. Conventions the native backend must match:
 * - `lu`/`solve` flag a matrix as singular when some pivot of partial pivoting satisfies
 *   |u_kk| ≤ n·ε·max_i |a_ik| (ε = 2^-52, column maximum of the input), or is NaN.
 * - `cholesky` and `eigh` read only the lower triangle of `a` (as LAPACK with UPLO = "L").
 * - `qr` returns R with a non-negative diagonal.
 * - `eigh` returns eigenvalues ascending; `svd` singular values descending. Signs: each eigenvector,
 *   and each left singular vector u_k (v_k flips with it), has a positive entry at the first index
 *   whose magnitude is at least (1 − 1e-5) times the vector's largest magnitude (so exact ties
 *   resolve to the first such entry whatever the rounding).
 * - Zero singular values get left (tall) or right (wide) vectors that complete an orthonormal set,
 *   so `u` and `vt` always have orthonormal columns / rows, rank-deficient input included.
 * - Non-finite input to `eigh` or `svd` gives all-NaN outputs (the iterations need finite numbers).
 *
 * Algorithms: Cholesky (row-oriented), LU with partial pivoting, Householder QR, Householder
 * tridiagonalisation + implicit QL with Wilkinson shifts for `eigh`, one-sided Jacobi (Hestenes,
 * with de Rijk's pivoting) for `svd`. `qr`, `eigh` and `svd` first scale each matrix by a power of
 * two to max |entry| ≈ 1 (exact), then treat as zero what lies below 2^-1000 of that (columns of
 * norm below 2^-500 in `svd`, tridiagonal couplings below ε²·‖T‖ in `eigh`): far below rounding
 * error, and it keeps subnormal numbers out of the rotations.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import {
  allFinite,
  loadMatrix,
  loadTransposed,
  matrixOffsets,
  orderBy,
  scaleBy,
  scaleOf,
  signIndex,
  storeBlock,
} from "./_lapack/io.ts";
import { choleskyInPlace, luInPlace, luSolveInPlace } from "./_lapack/lu.ts";
import { extractR, formQt, householderQR } from "./_lapack/qr.ts";
import { symmetricEigen } from "./_lapack/eigh.ts";
import { jacobiRows, normalizeRows } from "./_lapack/svd.ts";

/**
 * Cholesky factor L (lower, zeros above the diagonal) of each matrix of `a` `[...B, n, n]` into the
 * contiguous `out`. Returns the index of the first matrix that is not positive definite, or -1.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const out = NDArray.fromTyped(new Float64Array(4), [2, 2]);
 * jsBackend.cholesky(out, NDArray.fromTyped(new Float64Array([4, 2, 2, 5]), [2, 2]));
 * console.assert(out.data.join() === "2,0,1,2");
 * ```
 */
export function cholesky(out: NDArray, a: NDArray): number {
  const n = a.shape[a.ndim - 1];
  const offs = matrixOffsets(a, 2);
  const w = new Float64Array(n * n);
  for (let b = 0; b < offs.length; b++) {
    loadMatrix(a, offs[b], n, n, w);
    if (!choleskyInPlace(w, n)) return b;
    storeBlock(out, b, n * n, w);
  }
  return -1;
}

/**
 * LU factorisation with partial pivoting, in place in the contiguous `lu` `[...B, n, n]`: L (unit
 * diagonal, not stored) below and U on and above the diagonal. `pivots[..., k]` (int32) is the
 * 0-based row swapped with row k at step k. Every matrix is factored; returns the index of the first
 * numerically singular one (see the module notes), or -1.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const a = NDArray.fromTyped(new Float64Array([1, 2, 3, 4]), [2, 2]);
 * const piv = NDArray.fromTyped(new Int32Array(2), [2]);
 * jsBackend.lu(a, piv);
 * console.assert(piv.data.join() === "1,1" && a.data[0] === 3);
 * ```
 */
export function lu(lu: NDArray, pivots: NDArray): number {
  const n = lu.shape[lu.ndim - 1];
  const count = matrixOffsets(lu, 2).length;
  const w = new Float64Array(n * n);
  const colMax = new Float64Array(n);
  const piv = new Int32Array(n);
  let first = -1;
  for (let b = 0; b < count; b++) {
    const start = lu.offset + b * n * n;
    w.set(lu.data.subarray(start, start + n * n));
    if (luInPlace(w, n, piv, colMax) && first < 0) first = b;
    storeBlock(lu, b, n * n, w);
    pivots.data.set(piv, pivots.offset + b * n);
  }
  return first;
}

/**
 * Solves a·x = b for each batch: `a` `[...B, n, n]`, `b` and the contiguous `out` `[...B, n, k]`
 * (batch dimensions already broadcast). Returns the first singular batch index, or -1.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const a = NDArray.fromTyped(new Float64Array([2, 0, 0, 4]), [2, 2]);
 * const b = NDArray.fromTyped(new Float64Array([2, 8]), [2, 1]);
 * const x = NDArray.fromTyped(new Float64Array(2), [2, 1]);
 * console.assert(jsBackend.solve(x, a, b) === -1 && x.data.join() === "1,2");
 * ```
 */
export function solve(out: NDArray, a: NDArray, b: NDArray): number {
  const n = a.shape[a.ndim - 1];
  const k = b.shape[b.ndim - 1];
  const aOffs = matrixOffsets(a, 2);
  const bOffs = matrixOffsets(b, 2);
  const w = new Float64Array(n * n);
  const x = new Float64Array(n * k);
  const colMax = new Float64Array(n);
  const piv = new Int32Array(n);
  for (let i = 0; i < aOffs.length; i++) {
    loadMatrix(a, aOffs[i], n, n, w);
    if (luInPlace(w, n, piv, colMax)) return i;
    loadMatrix(b, bOffs[i], n, k, x);
    luSolveInPlace(w, n, piv, x, k);
    storeBlock(out, i, n * k, x);
  }
  return -1;
}

/**
 * Reduced QR by Householder reflections: `a` `[...B, m, n]`, contiguous `q` `[...B, m, r]` with
 * orthonormal columns and `r` `[...B, r, n]` upper triangular with a non-negative diagonal,
 * r = min(m, n).
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const q = NDArray.fromTyped(new Float64Array(4), [2, 2]);
 * const r = NDArray.fromTyped(new Float64Array(4), [2, 2]);
 * jsBackend.qr(q, r, NDArray.fromTyped(new Float64Array([3, 1, 4, 2]), [2, 2]));
 * console.assert(Math.abs(r.data[0] - 5) < 1e-12);
 * ```
 */
export function qr(q: NDArray, r: NDArray, a: NDArray): void {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const k = Math.min(m, n);
  const offs = matrixOffsets(a, 2);
  const f = { at: new Float64Array(m * n), tau: new Float64Array(k), diag: new Float64Array(k) };
  const qt = new Float64Array(k * m);
  const qOut = new Float64Array(m * k);
  const rOut = new Float64Array(k * n);
  for (let b = 0; b < offs.length; b++) {
    loadTransposed(a, offs[b], m, n, f.at);
    const scale = scaleOf(f.at, m * n);
    scaleBy(f.at, m * n, 1 / scale);
    householderQR(f.at, m, n, f.tau, f.diag);
    formQt(f, m, n, qt);
    extractR(f, m, n, qt, rOut);
    scaleBy(rOut, k * n, scale);
    transposeInto(qt, k, m, qOut);
    storeBlock(q, b, m * k, qOut);
    storeBlock(r, b, k * n, rOut);
  }
}

/**
 * Eigen-decomposition of each symmetric matrix of `a` `[...B, n, n]` (lower triangle read):
 * eigenvalues ascending in `w` `[...B, n]`, unit eigenvectors as the columns of `v` `[...B, n, n]`.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const w = NDArray.fromTyped(new Float64Array(2), [2]);
 * const v = NDArray.fromTyped(new Float64Array(4), [2, 2]);
 * jsBackend.eigh(w, v, NDArray.fromTyped(new Float64Array([10, 6, 6, 10]), [2, 2]));
 * console.assert(Math.abs(w.data[0] - 4) < 1e-12 && Math.abs(w.data[1] - 16) < 1e-12);
 * ```
 */
export function eigh(w: NDArray, v: NDArray, a: NDArray): void {
  const n = a.shape[a.ndim - 1];
  const offs = matrixOffsets(a, 2);
  const work = new Float64Array(n * n);
  const d = new Float64Array(n);
  const z = new Float64Array(n * n);
  const vOut = new Float64Array(n * n);
  for (let b = 0; b < offs.length; b++) {
    loadMatrix(a, offs[b], n, n, work);
    mirrorLower(work, n);
    const scale = scaleOf(work, n * n);
    scaleBy(work, n * n, 1 / scale);
    if (!allFinite(work, n * n) || !symmetricEigen(work, n, d, z)) {
      d.fill(NaN);
      vOut.fill(NaN);
    } else {
      const order = orderBy(d, n, false);
      for (let j = 0; j < n; j++) {
        const src = order[j];
        work[j] = d[src] * scale;
        const sign = z[src * n + signIndex(z, src * n, n)] < 0 ? -1 : 1;
        for (let i = 0; i < n; i++) vOut[i * n + j] = sign * z[src * n + i] + 0; // + 0: no -0
      }
      d.set(work.subarray(0, n));
    }
    storeBlock(w, b, n, d);
    storeBlock(v, b, n * n, vOut);
  }
}

/**
 * Reduced SVD by one-sided Jacobi: `a` `[...B, m, n]` = `u` `[...B, m, r]` · diag(`s` `[...B, r]`) ·
 * `vt` `[...B, r, n]`, r = min(m, n), singular values descending.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const u = NDArray.fromTyped(new Float64Array(4), [2, 2]);
 * const s = NDArray.fromTyped(new Float64Array(2), [2]);
 * const vt = NDArray.fromTyped(new Float64Array(4), [2, 2]);
 * jsBackend.svd(u, s, vt, NDArray.fromTyped(new Float64Array([0, 2, 3, 0]), [2, 2]));
 * console.assert(s.data.join() === "3,2");
 * ```
 */
export function svd(u: NDArray, s: NDArray, vt: NDArray, a: NDArray): void {
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  const r = Math.min(m, n);
  const len = Math.max(m, n);
  const offs = matrixOffsets(a, 2);
  const x = new Float64Array(r * len);
  const jt = new Float64Array(r * r);
  const sigma = new Float64Array(r);
  const uOut = new Float64Array(m * r);
  const sOut = new Float64Array(r);
  const vtOut = new Float64Array(r * n);
  for (let b = 0; b < offs.length; b++) {
    // The rows of x are the r shorter-side vectors of A: columns of A when tall, rows when wide.
    if (m >= n) loadTransposed(a, offs[b], m, n, x);
    else loadMatrix(a, offs[b], m, n, x);
    const scale = scaleOf(x, r * len);
    scaleBy(x, r * len, 1 / scale);
    identity(jt, r);
    if (!allFinite(x, r * len) || !jacobiRows(x, r, len, jt)) {
      uOut.fill(NaN);
      sOut.fill(NaN);
      vtOut.fill(NaN);
    } else {
      normalizeRows(x, r, len, sigma);
      writeSvd(x, jt, sigma, scale, m, n, uOut, sOut, vtOut);
    }
    storeBlock(u, b, m * r, uOut);
    storeBlock(s, b, r, sOut);
    storeBlock(vt, b, r * n, vtOut);
  }
}

/**
 * Orders the Jacobi result by descending σ and writes U, S, Vᵀ. Tall A: A·J = X̂ᵀ·Σ, so u_k is row k
 * of x and v_k row k of jt. Wide A: Aᵀ·J = X̂ᵀ·Σ, so the roles swap.
 */
function writeSvd(
  x: Float64Array,
  jt: Float64Array,
  sigma: Float64Array,
  scale: number,
  m: number,
  n: number,
  uOut: Float64Array,
  sOut: Float64Array,
  vtOut: Float64Array,
): void {
  const r = Math.min(m, n);
  const len = Math.max(m, n);
  const order = orderBy(sigma, r, true);
  const tall = m >= n;
  for (let k = 0; k < r; k++) {
    const src = order[k];
    sOut[k] = sigma[src] * scale;
    // u_k lives in x (tall) or jt (wide); its largest entry decides the sign of the pair.
    const uBuf = tall ? x : jt;
    const uStart = src * (tall ? len : r);
    const sign = uBuf[uStart + signIndex(uBuf, uStart, m)] < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) uOut[i * r + k] = sign * uBuf[uStart + i] + 0; // + 0: no -0
    const vBuf = tall ? jt : x;
    const vStart = src * (tall ? r : len);
    for (let j = 0; j < n; j++) vtOut[k * n + j] = sign * vBuf[vStart + j] + 0;
  }
}

function identity(w: Float64Array, n: number): void {
  w.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
}

/** Copies the strict lower triangle onto the upper one. */
function mirrorLower(w: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) w[j * n + i] = w[i * n + j];
  }
}

/** `dst` (cols × rows) ← transpose of `src` (rows × cols). */
function transposeInto(src: Float64Array, rows: number, cols: number, dst: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
  }
}
