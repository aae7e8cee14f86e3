// Symmetric positive-definite solves whose failures name the estimator.
import { linalg, NDArray } from "@nnc/tensor";

/**
 * Solves the symmetric positive-definite system a·x = b (a `[d, d]`) by Cholesky; a singular or
 * indefinite `a` is a RangeError naming the estimator and the matrix.
 */
export function solveSpd(
  op: string,
  a: Float64Array,
  b: Float64Array,
  d: number,
  what: string,
): Float64Array {
  let l: NDArray;
  try {
    l = linalg.cholesky(NDArray.fromTyped(a, [d, d]));
  } catch {
    throw new RangeError(
      `${op}: ${what} (${d}×${d}) is singular or not positive definite: the design has linearly ` +
        `dependent columns; use solver "lstsq", add a penalty, or drop columns`,
    );
  }
  // Forward then back substitution with L and Lᵀ.
  const L = l.data;
  const z = Float64Array.from(b);
  for (let i = 0; i < d; i++) {
    let s = z[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * z[k];
    z[i] = s / L[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * z[k];
    z[i] = s / L[i * d + i];
  }
  const rcond = conditionEstimate(L, d);
  if (rcond < 1e-14) {
    throw new RangeError(
      `${op}: ${what} (${d}×${d}) is numerically singular (diagonal ratio of its Cholesky factor ${
        rcond.toExponential(2)
      }); the design has linearly dependent columns`,
    );
  }
  return z;
}

/** (min diag L / max diag L)²: a cheap lower bound flavour of 1/cond(a) for a = L·Lᵀ. */
function conditionEstimate(L: ArrayLike<number>, d: number): number {
  let lo = Infinity, hi = 0;
  for (let i = 0; i < d; i++) {
    const v = Math.abs(L[i * d + i]);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi === 0 ? 0 : (lo / hi) ** 2;
}
