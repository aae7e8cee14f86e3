// JS kernels: batch normalisation and its gradients over contiguous [N, C, ...] arrays, channel by
// channel, in double arithmetic with the same expressions and order of summation as libnnc's (the
// oracle).
//
// Lane sums: element s of every row of a channel is added to partial sum s mod 8, in row order,
// and the eight partials are added pairwise at the end. libnnc keeps the partials in one vector
// register per channel (one running sum was a chain of dependent additions); the order is fixed
// here so that both backends give the same bits.
import type { NDArray } from "../ndarray.ts";

/** The pairwise total of a channel's eight partial sums (libnnc's `lane_total`). */
function laneTotal(p: Float64Array): number {
  return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

/** N, C and the elements of one channel in one sample. */
function dims(x: NDArray): [number, number, number] {
  const N = x.shape[0], C = x.shape[1];
  return [N, C, N * C === 0 ? 0 : x.size / (N * C)];
}

/**
 * Batch normalisation of the contiguous `x` `[N, C, ...]` into `y`. With `training` the batch mean
 * and biased variance of each channel are written into `mean` and `variance` `[C]`; otherwise they
 * are read from them. `y = (x − mean)·s + β` with `s = γ/√(var + eps)` (γ = 1, β = 0 when `weight`,
 * `bias` are null), in double.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float64Array([1, 3]), [2, 1]);
 * const y = NDArray.fromTyped(new Float64Array(2), [2, 1]);
 * const mean = NDArray.fromTyped(new Float64Array(1), [1]), v = NDArray.fromTyped(new Float64Array(1), [1]);
 * jsBackend.batchNorm(y, mean, v, x, null, null, 0, true);
 * console.assert(y.data.join() === "-1,1" && mean.data[0] === 2 && v.data[0] === 1);
 * ```
 */
export function batchNorm(
  y: NDArray,
  mean: NDArray,
  variance: NDArray,
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
  training: boolean,
): void {
  const [N, C, S] = dims(x);
  const xd = x.data, yd = y.data, md = mean.data, vd = variance.data;
  const xo = x.offset, yo = y.offset, M = N * S;
  const part = new Float64Array(8);
  for (let c = 0; c < C; c++) {
    let mu: number, v: number;
    if (training) {
      part.fill(0);
      for (let n = 0; n < N; n++) {
        const base = xo + (n * C + c) * S;
        for (let s = 0; s < S; s++) part[s & 7] += xd[base + s];
      }
      mu = M > 0 ? laneTotal(part) / M : 0;
      part.fill(0);
      for (let n = 0; n < N; n++) {
        const base = xo + (n * C + c) * S;
        for (let s = 0; s < S; s++) {
          const d = xd[base + s] - mu;
          part[s & 7] += d * d;
        }
      }
      v = M > 0 ? laneTotal(part) / M : 0;
      md[mean.offset + c * mean.strides[0]] = mu;
      vd[variance.offset + c * variance.strides[0]] = v;
    } else {
      mu = md[mean.offset + c * mean.strides[0]];
      v = vd[variance.offset + c * variance.strides[0]];
    }
    const g = weight === null ? 1 : weight.data[weight.offset + c * weight.strides[0]];
    const b = bias === null ? 0 : bias.data[bias.offset + c * bias.strides[0]];
    const scale = g / Math.sqrt(v + eps);
    for (let n = 0; n < N; n++) {
      const xb = xo + (n * C + c) * S, yb = yo + (n * C + c) * S;
      for (let s = 0; s < S; s++) yd[yb + s] = (xd[xb + s] - mu) * scale + b;
    }
  }
}

/**
 * The gradients of {@link batchNorm} from the output gradient `g` (contiguous, `x`'s shape): `dx`
 * (contiguous), `dweight` and `dbias` `[C]` (each may be null). With `training` the statistics are
 * the batch's (`mean`, `variance` as the forward pass wrote them) and `dx` includes their
 * dependence on `x`: `dx = a·(g − Σg/M − x̂·Σ(g·x̂)/M)`, `a = γ/√(var + eps)`; otherwise
 * `dx = a·g`. `dweight = Σ g·x̂`, `dbias = Σ g`.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const f = (v: number[], s: number[]) => NDArray.fromTyped(new Float64Array(v), s);
 * const x = f([1, 3], [2, 1]), g = f([1, 0], [2, 1]), dx = f([0, 0], [2, 1]);
 * const dw = f([0], [1]), db = f([0], [1]);
 * jsBackend.batchNormBackward(dx, dw, db, g, x, f([2], [1]), f([1], [1]), null, 0, true);
 * console.assert(dx.data.join() === "0,0" && dw.data[0] === -1 && db.data[0] === 1);
 * ```
 */
export function batchNormBackward(
  dx: NDArray | null,
  dweight: NDArray | null,
  dbias: NDArray | null,
  g: NDArray,
  x: NDArray,
  mean: NDArray,
  variance: NDArray,
  weight: NDArray | null,
  eps: number,
  training: boolean,
): void {
  const [N, C, S] = dims(x);
  const xd = x.data, gd = g.data, M = N * S;
  const partG = new Float64Array(8), partGX = new Float64Array(8);
  for (let c = 0; c < C; c++) {
    const mu = mean.data[mean.offset + c * mean.strides[0]];
    const inv = 1 / Math.sqrt(variance.data[variance.offset + c * variance.strides[0]] + eps);
    partG.fill(0);
    partGX.fill(0);
    for (let n = 0; n < N; n++) {
      const xb = x.offset + (n * C + c) * S, gb = g.offset + (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        const gv = gd[gb + s];
        partG[s & 7] += gv;
        partGX[s & 7] += gv * (xd[xb + s] - mu);
      }
    }
    const sg = laneTotal(partG), dw = laneTotal(partGX) * inv;
    if (dweight !== null) dweight.data[dweight.offset + c * dweight.strides[0]] = dw;
    if (dbias !== null) dbias.data[dbias.offset + c * dbias.strides[0]] = sg;
    if (dx === null) continue;
    const a = (weight === null ? 1 : weight.data[weight.offset + c * weight.strides[0]]) * inv;
    // dx = a·g + b·x + k, the training formula expanded (b = k = 0 in evaluation).
    const b = training && M > 0 ? -a * dw * inv / M : 0;
    const k = training && M > 0 ? -a * sg / M - b * mu : 0;
    const dd = dx.data;
    for (let n = 0; n < N; n++) {
      const xb = x.offset + (n * C + c) * S, gb = g.offset + (n * C + c) * S;
      const ob = dx.offset + (n * C + c) * S;
      for (let s = 0; s < S; s++) dd[ob + s] = a * gd[gb + s] + b * xd[xb + s] + k;
    }
  }
}
