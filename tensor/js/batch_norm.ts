// JS kernels: batch normalisation and its gradients over contiguous [N, C, ...] arrays, channel by
// channel, in double arithmetic with the same expressions and order of summation as libnnc's (the
// oracle).
//
// Lane sums: element s of every row of a channel is added to partial sum s mod 8, in row order,
// and the eight partials are added pairwise at the end. libnnc keeps the partials in one vector
// register per channel (one running sum was a chain of dependent additions); the order is fixed
// here so that both backends give the same bits.
//
// A fused activation (relu, leaky relu) applies to t = (x − mean)·s + β rounded to the dtype, as
// the separate ops would; the backward pass recomputes t from x (the statistics normalised with are
// the stored, rounded ones, so it is the forward pass's t) for the activation's gradient.
import type { NDArray } from "../ndarray.ts";
import type { NormActivation } from "../backend.ts";
import { laneTotal } from "./_lane_sum.ts";

/** The dtype's rounding: Math.fround for float32 (a Float32Array store), else none. */
function rounding(a: NDArray): (v: number) => number {
  return a.dtype === "float32" ? Math.fround : (v: number) => v;
}

/** 0 none, 1 relu, 2 leaky relu, and the slope rounded to the dtype. */
function activationCode(
  act: NormActivation | null | undefined,
  r: (v: number) => number,
): [number, number] {
  if (act === null || act === undefined) return [0, 0];
  return act.op === "relu" ? [1, 0] : [2, r(act.negativeSlope)];
}

/** N, C and the elements of one channel in one sample. */
function dims(x: NDArray): [number, number, number] {
  const N = x.shape[0], C = x.shape[1];
  return [N, C, N * C === 0 ? 0 : x.size / (N * C)];
}

/**
 * Batch normalisation of the contiguous `x` `[N, C, ...]` into `y`. With `training` the batch mean
 * and biased variance of each channel are written into `mean` and `variance` `[C]`; otherwise they
 * are read from them. `y = f((x − mean)·s + β)` with `s = γ/√(var + eps)` (γ = 1, β = 0 when `weight`,
 * `bias` are null), in double with the statistics as stored, rounded to the dtype; `f` is the
 * identity, or `activation` (relu, leaky relu) applied to the rounded value.
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
  activation: NormActivation | null = null,
): void {
  const [N, C, S] = dims(x);
  const xd = x.data, yd = y.data, md = mean.data, vd = variance.data;
  const r = rounding(y);
  const [act, slope] = activationCode(activation, r);
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
    }
    // As stored (rounded to the dtype): the backward pass's t is then this t.
    mu = md[mean.offset + c * mean.strides[0]];
    v = vd[variance.offset + c * variance.strides[0]];
    const g = weight === null ? 1 : weight.data[weight.offset + c * weight.strides[0]];
    const b = bias === null ? 0 : bias.data[bias.offset + c * bias.strides[0]];
    const scale = g / Math.sqrt(v + eps);
    for (let n = 0; n < N; n++) {
      const xb = xo + (n * C + c) * S, yb = yo + (n * C + c) * S;
      if (act === 0) {
        for (let s = 0; s < S; s++) yd[yb + s] = (xd[xb + s] - mu) * scale + b;
        continue;
      }
      for (let s = 0; s < S; s++) {
        const t = r((xd[xb + s] - mu) * scale + b);
        // relu as the relu op computes it (NaN kept), leaky relu as activationGrad does.
        yd[yb + s] = t > 0 ? t : act === 1 ? (t !== t ? t : 0) : t * slope;
      }
    }
  }
}

/**
 * The gradients of {@link batchNorm} from the output gradient `g` (contiguous, `x`'s shape): `dx`
 * (contiguous), `dweight` and `dbias` `[C]` (each may be null). With `training` the statistics are
 * the batch's (`mean`, `variance` as the forward pass wrote them) and `dx` includes their
 * dependence on `x`: `dx = a·(g − Σg/M − x̂·Σ(g·x̂)/M)`, `a = γ/√(var + eps)`; otherwise
 * `dx = a·g`. `dweight = Σ g·x̂`, `dbias = Σ g`. With an `activation` fused into the forward pass,
 * `g` is the gradient of its output and goes through its derivative at the forward pass's
 * `t = (x − mean)·s + β` (recomputed from `x` and `bias`): kept where `t > 0`, else 0 (relu) or
 * `g·slope` rounded to the dtype.
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
  bias: NDArray | null = null,
  activation: NormActivation | null = null,
): void {
  const [N, C, S] = dims(x);
  const xd = x.data, gd = g.data, M = N * S;
  const r = rounding(x);
  const [act, slope] = activationCode(activation, r);
  const partG = new Float64Array(8), partGX = new Float64Array(8);
  for (let c = 0; c < C; c++) {
    const mu = mean.data[mean.offset + c * mean.strides[0]];
    const vc = variance.data[variance.offset + c * variance.strides[0]];
    const inv = 1 / Math.sqrt(vc + eps);
    const gamma = weight === null ? 1 : weight.data[weight.offset + c * weight.strides[0]];
    // The forward pass's scale and shift (its expression exactly), for the activation's mask.
    const sc = gamma / Math.sqrt(vc + eps);
    const bt = bias === null ? 0 : bias.data[bias.offset + c * bias.strides[0]];
    const through = (gv: number, xv: number): number => {
      if (act === 0) return gv;
      const t = r((xv - mu) * sc + bt);
      return t > 0 ? gv : act === 1 ? 0 : r(gv * slope);
    };
    partG.fill(0);
    partGX.fill(0);
    for (let n = 0; n < N; n++) {
      const xb = x.offset + (n * C + c) * S, gb = g.offset + (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        const gv = through(gd[gb + s], xd[xb + s]);
        partG[s & 7] += gv;
        partGX[s & 7] += gv * (xd[xb + s] - mu);
      }
    }
    const sg = laneTotal(partG), dw = laneTotal(partGX) * inv;
    if (dweight !== null) dweight.data[dweight.offset + c * dweight.strides[0]] = dw;
    if (dbias !== null) dbias.data[dbias.offset + c * dbias.strides[0]] = sg;
    if (dx === null) continue;
    const a = gamma * inv;
    // dx = a·g + b·x + k, the training formula expanded (b = k = 0 in evaluation).
    const b = training && M > 0 ? -a * dw * inv / M : 0;
    const k = training && M > 0 ? -a * sg / M - b * mu : 0;
    const dd = dx.data;
    for (let n = 0; n < N; n++) {
      const xb = x.offset + (n * C + c) * S, gb = g.offset + (n * C + c) * S;
      const ob = dx.offset + (n * C + c) * S;
      for (let s = 0; s < S; s++) {
        dd[ob + s] = a * through(gd[gb + s], xd[xb + s]) + b * xd[xb + s] + k;
      }
    }
  }
}
