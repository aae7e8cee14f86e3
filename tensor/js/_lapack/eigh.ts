// Symmetric eigen-decomposition: Householder tridiagonalisation, then implicit QL with Wilkinson
// shifts (the Golub–Van Loan / EISPACK tql2 scheme), accumulating rotations on the rows of Qᵀ.
import { EPS, TINY } from "./io.ts";
import { makeReflector, reflect } from "./qr.ts";

/** Sweeps of the QL iteration allowed per eigenvalue before giving up (it needs about 2). */
const MAX_ITER = 60;

/**
 * Eigen-decomposition of the symmetric row-major `n × n` matrix `a` (destroyed; both triangles must
 * hold A; scaled to max |entry| ≈ 1, so that off-diagonal entries below `TINY` can be dropped). On return `d` holds the eigenvalues (unsorted) and row j of `z` (n × n) the unit
 * eigenvector of `d[j]`. Returns false if the QL iteration did not converge (NaN input).
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
  d: Float64Array,
  z: Float64Array,
): boolean {
  const e = new Float64Array(n);
  const tau = new Float64Array(Math.max(n - 2, 0));
  tridiagonalize(a, n, d, e, tau);
  formQt(a, n, tau, z);
  return tridiagonalQL(d, e, n, z);
}

/**
 * Reduces A to tridiagonal T = Qᵀ·A·Q with Q = H_0·…·H_{n-3}: `d` gets T's diagonal, `e[i]` the
 * entry (i, i+1), and row k of `a` (from k+1 on) keeps reflector v_k (with tau_k in `tau`).
 */
function tridiagonalize(
  a: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
): void {
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const kk = k * n;
    d[k] = a[kk + k];
    // Row k right of the diagonal equals column k below it (A is symmetric).
    const h = makeReflector(a, kk + k + 1, kk + n);
    e[k] = h.beta;
    tau[k] = h.tau;
    if (h.tau !== 0) updateTrailing(a, n, k + 1, kk + k + 1, h.tau, p);
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 1) * n + n - 2];
  }
  if (n >= 1) d[n - 1] = a[n * n - 1];
}

/** B ← H·B·H for the trailing block B = A[s.., s..] and H = I − tau·v·vᵀ, v = a[vs .. vs+n-s). */
function updateTrailing(
  a: Float64Array,
  n: number,
  s: number,
  vs: number,
  tau: number,
  p: Float64Array,
): void {
  const len = n - s;
  // p = tau·B·v, then w = p − (tau/2)(vᵀp)·v, and B ← B − v·wᵀ − w·vᵀ.
  let vp = 0;
  for (let i = 0; i < len; i++) {
    const row = (s + i) * n + s;
    let acc = 0;
    for (let j = 0; j < len; j++) acc += a[row + j] * a[vs + j];
    p[i] = tau * acc;
    vp += a[vs + i] * p[i];
  }
  const kf = 0.5 * tau * vp;
  for (let i = 0; i < len; i++) p[i] -= kf * a[vs + i];
  for (let i = 0; i < len; i++) {
    const row = (s + i) * n + s;
    const vi = a[vs + i];
    const wi = p[i];
    for (let j = 0; j < len; j++) a[row + j] -= vi * p[j] + wi * a[vs + j];
  }
}

/** Row c of `z` ← column c of Q = H_0·…·H_{n-3}, accumulated backwards on the transposed product. */
function formQt(a: Float64Array, n: number, tau: Float64Array, z: Float64Array): void {
  z.fill(0, 0, n * n);
  for (let c = 0; c < n; c++) z[c * n + c] = 1;
  // Qᵀ = H_{n-3}·…·H_0 and each H_k is symmetric, so row c of Qᵀ·… is built by applying
  // the reflectors from the right to the rows of z, last reflector first touches only rows ≥ k+1.
  for (let k = n - 3; k >= 0; k--) {
    if (tau[k] === 0) continue;
    const vs = k * n + k + 1;
    // Columns c of Q with c ≥ k+1 are the only ones H_k changes (as rows of z: entries k+1..).
    for (let c = k + 1; c < n; c++) reflect(a, vs, z, c * n + k + 1, n - k - 1, tau[k]);
  }
}

/**
 * Implicit QL on the tridiagonal (d, e); each plane rotation of eigenvector indices (i, i+1) is
 * applied to rows i and i+1 of `z`. Returns false if some eigenvalue needed more than MAX_ITER sweeps.
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, z: Float64Array): boolean {
  // Besides the usual test relative to the neighbouring diagonal entries, drop couplings below
  // ε²·‖T‖: they move no eigenvalue measurably, and keeping them lets tiny blocks stall the
  // iteration through underflowing rotations.
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[i]) + Math.abs(e[i]));
  const floor = Math.max(EPS * EPS * tnorm, TINY);
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const em = Math.abs(e[m]);
        if (em <= EPS * (Math.abs(d[m]) + Math.abs(d[m + 1])) || em <= floor) break;
      }
      if (m === l) break;
      if (++iter > MAX_ITER) return false;
      qlSweep(d, e, n, l, m, z);
    }
  }
  return true;
}

/** One implicit QL step with Wilkinson shift on the unreduced block l..m. */
function qlSweep(
  d: Float64Array,
  e: Float64Array,
  n: number,
  l: number,
  m: number,
  z: Float64Array,
): void {
  let g = (d[l + 1] - d[l]) / (2 * e[l]);
  let r = Math.hypot(g, 1);
  g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
  let s = 1;
  let c = 1;
  let p = 0;
  let i = m - 1;
  for (; i >= l; i--) {
    const f = s * e[i];
    const b = c * e[i];
    r = Math.hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      // Underflow: the block splits here; deflate and restart from l.
      d[i + 1] -= p;
      e[m] = 0;
      return;
    }
    s = f / r;
    c = g / r;
    g = d[i + 1] - p;
    r = (d[i] - g) * s + 2 * c * b;
    p = s * r;
    d[i + 1] = g + p;
    g = c * r - b;
    rotateRows(z, n, i, c, s);
  }
  d[l] -= p;
  e[l] = g;
  e[m] = 0;
}

/** (z_i, z_{i+1}) ← (c·z_i − s·z_{i+1}, s·z_i + c·z_{i+1}) on rows i and i+1. */
function rotateRows(z: Float64Array, n: number, i: number, c: number, s: number): void {
  const a = i * n;
  const b = a + n;
  for (let k = 0; k < n; k++) {
    const zi = z[a + k];
    const zj = z[b + k];
    z[b + k] = s * zi + c * zj;
    z[a + k] = c * zi - s * zj;
  }
}
