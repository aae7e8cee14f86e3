/**
 * `det` and `slogdet`: determinants from an LU factorisation, batched.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { getBackend } from "../registry.ts";
import { sizeOf } from "../shape.ts";
import { allocArray, checkFloat, checkSquare, fromFloat64, readFloat64 } from "./_common.ts";

/** Sign and log-magnitude of a determinant, as {@link slogdet} returns them. */
export interface SlogdetResult {
  /** -1, 0 or 1 (`[...batch]`, dtype of the input). */
  sign: NDArray;
  /** log|det| (`-Infinity` when det = 0). */
  logabsdet: NDArray;
}

/**
 * The determinant of each matrix of `a` `[..., n, n]`: the product of U's diagonal from LU with
 * partial pivoting (float64), times the permutation's sign. Singular matrices give 0 or a tiny
 * value (no error); NaN propagates. The result has shape `[...]` and `a`'s dtype.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const d = linalg.det(array([[1, 2], [3, 4]], { dtype: "float64" })).item();
 * console.assert(Math.abs(d + 2) < 1e-12);
 * ```
 */
export function det(a: NDArray): NDArray {
  const f = factor(a, "linalg.det");
  const out = new Float64Array(f.count);
  for (let b = 0; b < f.count; b++) {
    let p = 1;
    for (let i = 0; i < f.n; i++) {
      p *= f.lu[(b * f.n + i) * f.n + i];
      if (f.piv[b * f.n + i] !== i) p = -p;
    }
    out[b] = p === 0 ? 0 : p; // no -0 from row swaps of a singular matrix
  }
  return fromFloat64(out, a.dtype, f.batch);
}

/**
 * Sign and natural log of |det| of each matrix of `a` `[..., n, n]`: unlike {@link det} it neither
 * overflows nor underflows for large matrices. A singular matrix gives sign 0 and `-Infinity`.
 *
 * @example
 * ```ts
 * import { array, linalg } from "@nnc/tensor";
 * const { sign, logabsdet } = linalg.slogdet(array([[0, 2], [3, 0]], { dtype: "float64" }));
 * console.assert(sign.item() === -1 && Math.abs(logabsdet.item() - Math.log(6)) < 1e-12);
 * ```
 */
export function slogdet(a: NDArray): SlogdetResult {
  const f = factor(a, "linalg.slogdet");
  const sign = new Float64Array(f.count);
  const logabs = new Float64Array(f.count);
  for (let b = 0; b < f.count; b++) {
    let s = 1;
    let l = 0;
    for (let i = 0; i < f.n; i++) {
      const u = f.lu[(b * f.n + i) * f.n + i];
      if (u < 0) s = -s;
      else if (u === 0) s = 0;
      else if (Number.isNaN(u)) s = NaN;
      if (f.piv[b * f.n + i] !== i) s = -s;
      l += Math.log(Math.abs(u));
    }
    sign[b] = s === 0 ? 0 : s;
    logabs[b] = s === 0 ? -Infinity : l;
  }
  return {
    sign: fromFloat64(sign, a.dtype, f.batch),
    logabsdet: fromFloat64(logabs, a.dtype, f.batch),
  };
}

interface Factored {
  lu: Float64Array;
  piv: Int32Array;
  n: number;
  count: number;
  batch: number[];
}

function factor(a: NDArray, op: string): Factored {
  checkFloat(a, op, "a");
  const n = checkSquare(a, op, "a");
  const batch = a.shape.slice(0, -2);
  // Factor a float64 copy whatever a's dtype: determinants lose accuracy quickly.
  const lu = fromFloat64(readFloat64(a), "float64", a.shape);
  const piv = allocArray("int32", [...batch, n]);
  getBackend().lu(lu, piv);
  return {
    lu: lu.data as Float64Array,
    piv: piv.data as Int32Array,
    n,
    count: sizeOf(batch),
    batch,
  };
}
