// Householder QR on a column-major copy (each column of A is a contiguous row of `at`).
import { norm2, TINY } from "./io.ts";

/** Householder reflectors of a QR factorisation: H_k = I − tau_k·v_k·v_kᵀ, v_k stored in `at`. */
export interface Reflectors {
  /** `n × m`: row k holds column k of A; after factoring, row k from index k on holds v_k. */
  at: Float64Array;
  /** tau_k for each of the min(m, n) reflectors (0 when H_k = I). */
  tau: Float64Array;
  /** R's diagonal (before the sign fix that makes it non-negative). */
  diag: Float64Array;
}

/**
 * Factors A (m × n), given as its transpose `at` (n × m, row-major), in place. Reflector k maps
 * column k's entries k..m-1 onto `diag[k]·e_k`; the entries of R above the diagonal are left in
 * `at[j·m + i]` for i < j.
 */
export function householderQR(
  at: Float64Array,
  m: number,
  n: number,
  tau: Float64Array,
  diag: Float64Array,
): void {
  const r = Math.min(m, n);
  for (let k = 0; k < r; k++) {
    const ck = k * m;
    const alpha = makeReflector(at, ck + k, ck + m);
    tau[k] = alpha.tau;
    diag[k] = alpha.beta;
    if (alpha.tau === 0) continue;
    for (let j = k + 1; j < n; j++) reflect(at, ck + k, at, j * m + k, m - k, alpha.tau);
  }
}

/**
 * Turns x = w[start .. end) into a Householder vector v (in place, v_0 = 1) with
 * (I − tau·v·vᵀ)·x = beta·e_1. beta has the opposite sign of x_0 so that x_0 − beta never cancels,
 * and v's entries are at most 1 in magnitude, so tiny columns neither underflow nor overflow.
 */
export function makeReflector(
  w: Float64Array,
  start: number,
  end: number,
): { tau: number; beta: number } {
  const x0 = w[start];
  const norm = norm2(w, start, end);
  // A tail that is exactly zero needs no reflection; one whose whole norm is below TINY (callers
  // scale to max |entry| ≈ 1) is dropped, since reflectors built from subnormal numbers are not
  // orthogonal.
  if (norm <= TINY || !hasTail(w, start, end)) return { tau: 0, beta: x0 };
  const beta = x0 >= 0 ? -norm : norm;
  // Divide rather than multiply by the reciprocal, which overflows when x0 − beta is subnormal.
  const d = x0 - beta;
  w[start] = 1;
  for (let i = start + 1; i < end; i++) w[i] /= d;
  return { tau: (beta - x0) / beta, beta };
}

function hasTail(w: Float64Array, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (w[i] !== 0) return true;
  return false;
}

/** y ← (I − tau·v·vᵀ)·y for v = v[vs .. vs+len) and y = y[ys .. ys+len) (the arrays may be one). */
export function reflect(
  v: Float64Array,
  vs: number,
  y: Float64Array,
  ys: number,
  len: number,
  tau: number,
): void {
  let dot = 0;
  for (let i = 0; i < len; i++) dot += v[vs + i] * y[ys + i];
  const f = tau * dot;
  if (f === 0) return;
  for (let i = 0; i < len; i++) y[ys + i] -= f * v[vs + i];
}

/**
 * Forms the first r = min(m, n) columns of Q = H_0·…·H_{r-1}, as the rows of `qt` (r × m), by
 * backward accumulation (H_k only touches columns k.. of the partial product).
 */
export function formQt(f: Reflectors, m: number, n: number, qt: Float64Array): void {
  const r = Math.min(m, n);
  qt.fill(0, 0, r * m);
  for (let c = 0; c < r; c++) qt[c * m + c] = 1;
  for (let k = r - 1; k >= 0; k--) {
    const tau = f.tau[k];
    if (tau === 0) continue;
    for (let c = k; c < r; c++) reflect(f.at, k * m + k, qt, c * m + k, m - k, tau);
  }
}

/**
 * Writes R (r × n, row-major) from the factored `at`, flipping signs so that R's diagonal is
 * non-negative; the matching columns of Q (rows of `qt`) flip too, so Q·R is unchanged. This makes
 * the factorisation unique for full-rank A.
 */
export function extractR(
  f: Reflectors,
  m: number,
  n: number,
  qt: Float64Array,
  rOut: Float64Array,
): void {
  const r = Math.min(m, n);
  rOut.fill(0, 0, r * n);
  for (let i = 0; i < r; i++) {
    const flip = f.diag[i] < 0;
    const s = flip ? -1 : 1;
    rOut[i * n + i] = s * f.diag[i];
    for (let j = i + 1; j < n; j++) rOut[i * n + j] = s * f.at[j * m + i];
    if (flip) { for (let c = 0; c < m; c++) qt[i * m + c] = -qt[i * m + c]; }
  }
}
