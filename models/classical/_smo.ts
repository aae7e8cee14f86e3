// Sequential minimal optimisation for the SVM dual, after libsvm's Solver (Fan, Chen & Lin 2005):
//   min_α ½ αᵀQα − Σα  s.t. yᵀα = 0, 0 ≤ α ≤ C,  Q_ij = y_i y_j K_ij,
// with second-order working-set selection, libsvm's clipped two-variable update and its ρ rule
// (mean of y_i∇_i over free vectors, else the midpoint of the bounds), so that at the same tolerance
// the solution and the support vectors are the ones scikit-learn's SVC (libsvm) finds. No shrinking:
// it changes the speed, not the answer.

/** Kernel rows of a training problem, K_i· for i in [0, l). */
export interface KernelRows {
  /** Number of training vectors. */
  readonly l: number;
  /** K_ii. */
  readonly diag: Float64Array;
  /** K_i· (length l). The returned array may be reused by the next call but one. */
  row(i: number): ArrayLike<number>;
}

/**
 * Rows of the problem on training rows `idx`, turned into kernel values from a precomputed inner-product
 * matrix `dots` (`[n, n]`, or `[l, l]` when `idx` is null) on first use and kept (libsvm also computes
 * only the rows SMO asks for; here the inner products come from one GEMM).
 */
export function lazyRows(
  dots: ArrayLike<number>,
  n: number,
  norms: Float64Array,
  idx: Int32Array | null,
  l: number,
  kernel: (dot: number, aa: number, bb: number) => number,
): KernelRows {
  const at = idx ?? Int32Array.from({ length: l }, (_, t) => t);
  const diag = new Float64Array(l);
  for (let t = 0; t < l; t++) {
    const g = at[t];
    diag[t] = kernel(dots[g * n + g], norms[g], norms[g]);
  }
  // Kernel values in float32, as libsvm's cache (half the memory of float64, same answers to 1e-6).
  const store = new Float32Array(l * l);
  const done = new Uint8Array(l);
  return {
    l,
    diag,
    row(t) {
      const r = store.subarray(t * l, (t + 1) * l);
      if (!done[t]) {
        const g = at[t], base = g * n, gg = norms[g];
        for (let u = 0; u < l; u++) {
          const h = at[u];
          r[u] = kernel(dots[base + h], gg, norms[h]);
        }
        done[t] = 1;
      }
      return r;
    },
  };
}

/** Rows computed on demand by `compute` and kept in a least-recently-used cache of `capacity` rows. */
export function cachedRows(
  l: number,
  diag: Float64Array,
  capacity: number,
  compute: (i: number) => Float32Array | Float64Array,
): KernelRows {
  const cache = new Map<number, Float32Array | Float64Array>();
  const cap = Math.max(2, capacity);
  return {
    l,
    diag,
    row(i) {
      let r = cache.get(i);
      if (r !== undefined) {
        cache.delete(i);
        cache.set(i, r);
        return r;
      }
      r = compute(i);
      if (cache.size >= cap) cache.delete(cache.keys().next().value as number);
      cache.set(i, r);
      return r;
    },
  };
}

/** Solution of the dual. */
export interface SmoResult {
  /** α (0 ≤ α ≤ C). */
  alpha: Float64Array;
  /** ρ: the decision function is Σ y_i α_i K(x_i, x) − ρ. */
  rho: number;
  /** Iterations (two-variable updates). */
  nIter: number;
  /** False when maxIter stopped it before the tolerance was met. */
  converged: boolean;
}

const TAU = 1e-12;

/** Solves the dual for labels y ∈ {−1, +1} with bound C and stopping tolerance eps (libsvm's). */
export function smo(
  k: KernelRows,
  y: Int8Array,
  C: number,
  eps: number,
  maxIter: number,
): SmoResult {
  const l = k.l;
  const alpha = new Float64Array(l);
  const G = new Float64Array(l).fill(-1); // ∇ = Qα − 1 at α = 0
  const QD = k.diag;
  let it = 0, converged = false;
  // libsvm's alpha_status: 0 at the lower bound, 1 at the upper bound, 2 free.
  const status = new Int8Array(l);
  const setStatus = (t: number) => {
    status[t] = alpha[t] >= C ? 1 : alpha[t] <= 0 ? 0 : 2;
  };
  while (it < maxIter) {
    // Working set: i maximises −y_t∇_t over I_up; j minimises the second-order decrease.
    let Gmax = -Infinity, Gmax2 = -Infinity, gi = -1, gj = -1, objMin = Infinity;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (status[t] !== 1 && -G[t] >= Gmax) {
          Gmax = -G[t];
          gi = t;
        }
      } else if (status[t] !== 0 && G[t] >= Gmax) {
        Gmax = G[t];
        gi = t;
      }
    }
    const i = gi;
    const Ki = i >= 0 ? k.row(i) : null;
    for (let j = 0; j < l; j++) {
      if (y[j] === 1) {
        if (status[j] !== 0) {
          const gd = Gmax + G[j];
          if (G[j] >= Gmax2) Gmax2 = G[j];
          if (gd > 0 && Ki !== null) {
            const q = QD[i] + QD[j] - 2 * Ki[j]; // QD_i + QD_j − 2y_iQ_ij, y_iQ_ij = y_jK_ij
            const obj = -(gd * gd) / (q > 0 ? q : TAU);
            if (obj <= objMin) {
              gj = j;
              objMin = obj;
            }
          }
        }
      } else if (status[j] !== 1) {
        const gd = Gmax - G[j];
        if (-G[j] >= Gmax2) Gmax2 = -G[j];
        if (gd > 0 && Ki !== null) {
          const q = QD[i] + QD[j] - 2 * Ki[j]; // QD_i + QD_j + 2y_iQ_ij, y_iQ_ij = −K_ij
          const obj = -(gd * gd) / (q > 0 ? q : TAU);
          if (obj <= objMin) {
            gj = j;
            objMin = obj;
          }
        }
      }
    }
    if (Gmax + Gmax2 < eps || gj === -1) {
      converged = true;
      break;
    }
    it++;
    const j = gj, yi = y[i], yj = y[j];
    const Ki_ = k.row(i);
    const Qij = yi * yj * Ki_[j];
    const Ci = C, Cj = C;
    const oldAi = alpha[i], oldAj = alpha[j];
    if (yi !== yj) {
      let q = QD[i] + QD[j] + 2 * Qij;
      if (q <= 0) q = TAU;
      const delta = (-G[i] - G[j]) / q;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > Ci - Cj) {
        if (alpha[i] > Ci) {
          alpha[i] = Ci;
          alpha[j] = Ci - diff;
        }
      } else if (alpha[j] > Cj) {
        alpha[j] = Cj;
        alpha[i] = Cj + diff;
      }
    } else {
      let q = QD[i] + QD[j] - 2 * Qij;
      if (q <= 0) q = TAU;
      const delta = (G[i] - G[j]) / q;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > Ci) {
        if (alpha[i] > Ci) {
          alpha[i] = Ci;
          alpha[j] = sum - Ci;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > Cj) {
        if (alpha[j] > Cj) {
          alpha[j] = Cj;
          alpha[i] = sum - Cj;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    // ∇ += Q_i·Δα_i + Q_j·Δα_j, with Q_it = y_i y_t K_it.
    setStatus(i);
    setStatus(j);
    const di = (alpha[i] - oldAi) * yi, dj = (alpha[j] - oldAj) * yj;
    const Kj = k.row(j);
    const Ki2 = k.row(i); // the cache may have replaced Ki_ while fetching Kj
    for (let t = 0; t < l; t++) G[t] += y[t] * (Ki2[t] * di + Kj[t] * dj);
  }
  // ρ as libsvm.
  let ub = Infinity, lb = -Infinity, sumFree = 0, nFree = 0;
  for (let t = 0; t < l; t++) {
    const yG = y[t] * G[t];
    if (status[t] === 1) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (status[t] === 0) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, nIter: it, converged };
}
