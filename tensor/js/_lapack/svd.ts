// Singular values by one-sided Jacobi (Hestenes): orthogonalise the columns of A by plane rotations.
// It is slower than Golub–Kahan but simple and very accurate, small singular values included.
import { EPS, norm2, TINY } from "./io.ts";

/** Sweeps allowed before giving up (random 256 × 256 matrices need about 10). */
const MAX_SWEEPS = 60;

/**
 * Rotates pairs of the `p` rows of `x` (each `len` long, row-major) until every pair is orthogonal
 * to working precision (|x_i·x_j| ≤ √len·ε·‖x_i‖·‖x_j‖), applying each rotation to the rows of
 * `jt` (p × p) as well. Then x = Jᵀ·x₀ has orthogonal rows. `x` must be scaled to max |entry| ≈ 1:
 * rows shorter than 2^-500 are set to zero. Returns false if it did not converge.
 */
export function jacobiRows(x: Float64Array, p: number, len: number, jt: Float64Array): boolean {
  const tol = Math.sqrt(len) * EPS;
  const nrm = new Float64Array(p);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    // Exact squared norms each sweep; the rotations keep them current in between.
    for (let i = 0; i < p; i++) {
      nrm[i] = sumSquares(x, i * len, len);
      // A row this short (norm < 2^-500 with max |entry| ≈ 1) is rounding noise; its square would
      // underflow and keep it out of the rotations, so make it exactly zero.
      if (nrm[i] < TINY) {
        x.fill(0, i * len, (i + 1) * len);
        nrm[i] = 0;
      }
    }
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      // de Rijk's pivoting: the longest remaining row goes first, which speeds convergence.
      const big = longestFrom(nrm, i, p);
      if (big !== i) swapPair(x, jt, nrm, len, p, i, big);
      for (let j = i + 1; j < p; j++) {
        if (rotatePair(x, jt, nrm, len, p, i, j, tol)) rotated = true;
      }
    }
    if (!rotated) return true;
  }
  return false;
}

function rotatePair(
  x: Float64Array,
  jt: Float64Array,
  nrm: Float64Array,
  len: number,
  p: number,
  i: number,
  j: number,
  tol: number,
): boolean {
  const a = nrm[i];
  const b = nrm[j];
  if (a === 0 || b === 0) return false;
  const xi = i * len;
  const xj = j * len;
  let g = 0;
  for (let k = 0; k < len; k++) g += x[xi + k] * x[xj + k];
  if (!(Math.abs(g) > tol * Math.sqrt(a) * Math.sqrt(b))) return false;
  const zeta = (b - a) / (2 * g);
  // The smaller root of t² + 2ζt − 1 = 0 (|angle| ≤ π/4); 1/(2ζ) once ζ² would overflow.
  const t = Math.abs(zeta) > 1e150
    ? 0.5 / zeta
    : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = c * t;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < len; k++) {
    const u = x[xi + k];
    const v = x[xj + k];
    const nu = c * u - s * v;
    const nv = s * u + c * v;
    x[xi + k] = nu;
    x[xj + k] = nv;
    na += nu * nu;
    nb += nv * nv;
  }
  nrm[i] = na;
  nrm[j] = nb;
  const ji = i * p;
  const jj = j * p;
  for (let k = 0; k < p; k++) {
    const u = jt[ji + k];
    const v = jt[jj + k];
    jt[ji + k] = c * u - s * v;
    jt[jj + k] = s * u + c * v;
  }
  return true;
}

function sumSquares(x: Float64Array, start: number, len: number): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += x[start + k] * x[start + k];
  return s;
}

function longestFrom(nrm: Float64Array, from: number, p: number): number {
  let best = from;
  for (let k = from + 1; k < p; k++) if (nrm[k] > nrm[best]) best = k;
  return best;
}

function swapPair(
  x: Float64Array,
  jt: Float64Array,
  nrm: Float64Array,
  len: number,
  p: number,
  i: number,
  j: number,
): void {
  swapSpan(x, i * len, j * len, len);
  swapSpan(jt, i * p, j * p, p);
  const t = nrm[i];
  nrm[i] = nrm[j];
  nrm[j] = t;
}

function swapSpan(w: Float64Array, a: number, b: number, len: number): void {
  for (let k = 0; k < len; k++) {
    const t = w[a + k];
    w[a + k] = w[b + k];
    w[b + k] = t;
  }
}

/**
 * After {@link jacobiRows}: `sigma[k]` ← ‖x_k‖ and x_k ← x_k/‖x_k‖. Rows that are exactly zero
 * (zero singular values) are replaced by unit vectors orthogonal to all the others, so the rows
 * of x stay orthonormal even for rank-deficient input.
 */
export function normalizeRows(x: Float64Array, p: number, len: number, sigma: Float64Array): void {
  const zero: number[] = [];
  for (let k = 0; k < p; k++) {
    const s = norm2(x, k * len, (k + 1) * len);
    sigma[k] = s;
    if (s === 0) {
      zero.push(k);
      continue;
    }
    for (let i = 0; i < len; i++) x[k * len + i] /= s;
  }
  if (zero.length > 0) completeRows(x, p, len, zero);
}

/**
 * Fills each row listed in `rows` (currently zero) with a unit vector orthogonal to every other row:
 * the first basis vector e_t whose projection off the current rows keeps at least half its length
 * (or, failing that, the one that keeps the most), orthogonalised twice for accuracy.
 */
function completeRows(x: Float64Array, p: number, len: number, rows: number[]): void {
  const cand = new Float64Array(len);
  const best = new Float64Array(len);
  let start = 0;
  for (const k of rows) {
    let bestNorm = -1;
    let bestT = start;
    for (let tries = 0; tries < len; tries++) {
      const t = (start + tries) % len;
      cand.fill(0);
      cand[t] = 1;
      orthogonalizeAgainst(x, p, len, k, cand);
      orthogonalizeAgainst(x, p, len, k, cand);
      const nc = norm2(cand, 0, len);
      if (nc > bestNorm) {
        bestNorm = nc;
        bestT = t;
        best.set(cand);
      }
      if (nc * nc >= 0.5) break;
    }
    start = bestT + 1;
    const inv = 1 / bestNorm;
    for (let i = 0; i < len; i++) x[k * len + i] = best[i] * inv;
  }
}

function orthogonalizeAgainst(
  x: Float64Array,
  p: number,
  len: number,
  skip: number,
  v: Float64Array,
): void {
  for (let r = 0; r < p; r++) {
    if (r === skip) continue;
    const rs = r * len;
    let dot = 0;
    for (let i = 0; i < len; i++) dot += x[rs + i] * v[i];
    if (dot === 0) continue;
    for (let i = 0; i < len; i++) v[i] -= dot * x[rs + i];
  }
}
