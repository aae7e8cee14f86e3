// Squared Euclidean distances to a set of centres through one GEMM per row block:
// ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², so the O(n·k·d) part runs in the backend's matmul (BLAS when native).
import { type DType, matmul, NDArray } from "@nnc/tensor";

/** Rows per GEMM call: bounds the `[rows, k]` scratch product while keeping each call large. */
const BLOCK_ELEMENTS = 1 << 22;

/** ‖row‖² of each row of a contiguous 2-d float array, accumulated in float64. */
export function rowSquaredNorms(x: NDArray): Float64Array {
  const [n, d] = x.shape;
  const data = x.data, off = x.offset;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const base = off + i * d;
    for (let j = 0; j < d; j++) {
      const v = data[base + j];
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

/** Centres held in float64 (for accumulation) as an NDArray of the data's dtype (for the GEMM). */
export function centersAs(centers: Float64Array, k: number, d: number, dtype: DType): NDArray {
  if (dtype === "float64") return NDArray.fromTyped(centers.slice(), [k, d]);
  return NDArray.fromTyped(Float32Array.from(centers), [k, d]);
}

/**
 * Calls `visit(rowStart, rows, g)` for consecutive row blocks of `x`, where `g` holds `x[rows] · cᵀ`
 * (`[rows, k]`, row-major, in `x`'s dtype).
 */
export function forEachProductBlock(
  x: NDArray,
  c: NDArray,
  visit: (start: number, rows: number, g: ArrayLike<number>) => void,
): void {
  const n = x.shape[0], k = c.shape[0];
  const ct = c.transpose();
  const block = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(1, k)));
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    const xb = rows === n ? x : x.slice({ start, stop: start + rows });
    const g = matmul(xb, ct);
    visit(start, rows, g.data);
  }
}

/**
 * Nearest centre of every row (lowest index on ties) into `labels`, its squared distance (clamped at 0)
 * into `dist`; returns the sum of the distances. `c` is `[k, d]` in `x`'s dtype; `xx` are the rows'
 * squared norms.
 */
export function assignNearest(
  x: NDArray,
  xx: Float64Array,
  c: NDArray,
  labels: Int32Array,
  dist: Float64Array,
): number {
  const k = c.shape[0];
  const cc = rowSquaredNorms(c);
  let total = 0;
  forEachProductBlock(x, c, (start, rows, g) => {
    for (let r = 0; r < rows; r++) {
      // ‖x‖² is the same for every centre of a row, so the argmin needs only ‖c‖² − 2x·c.
      const gb = r * k;
      let best = 0, bestVal = cc[0] - 2 * g[gb];
      for (let j = 1; j < k; j++) {
        const v = cc[j] - 2 * g[gb + j];
        if (v < bestVal) {
          bestVal = v;
          best = j;
        }
      }
      const i = start + r;
      const dsq = Math.max(0, xx[i] + bestVal);
      labels[i] = best;
      dist[i] = dsq;
      total += dsq;
    }
  });
  return total;
}

/** All squared distances `[n, k]` (float64), clamped at 0. */
export function squaredDistances(x: NDArray, xx: Float64Array, c: NDArray): Float64Array {
  const n = x.shape[0], k = c.shape[0];
  const cc = rowSquaredNorms(c);
  const out = new Float64Array(n * k);
  forEachProductBlock(x, c, (start, rows, g) => {
    for (let r = 0; r < rows; r++) {
      const i = start + r, gb = r * k, ob = i * k;
      for (let j = 0; j < k; j++) out[ob + j] = Math.max(0, xx[i] + cc[j] - 2 * g[gb + j]);
    }
  });
  return out;
}

/** Σ over rows of ‖x_i − c_{labels[i]}‖², computed directly in float64 (no cancellation). */
export function exactInertia(x: NDArray, centers: Float64Array, labels: Int32Array): number {
  const [n, d] = x.shape;
  const data = x.data, off = x.offset;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xb = off + i * d, cb = labels[i] * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = data[xb + j] - centers[cb + j];
      s += t * t;
    }
    total += s;
  }
  return total;
}
