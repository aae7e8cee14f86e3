// JS kernels: convolution and its gradients for the input and the weight, image by image and group
// by group as im2col + GEMM (the JS im2col, col2im and matmul kernels), the oracle of the native
// ones.
import { NDArray, Storage } from "../ndarray.ts";
import type { PooledGradient, WindowGeometry } from "../backend.ts";
import { allocTyped } from "../dtype.ts";
import { matmul } from "./matmul.ts";
import { col2im, im2col, maxPoolGrad } from "./window.ts";
import { outputSizes } from "../_window.ts";

/** Sizes shared by the three kernels. */
interface ConvDims {
  N: number;
  Cin: number;
  CinG: number;
  Cout: number;
  CoutG: number;
  /** Taps per window (∏kernel). */
  KK: number;
  /** Output positions per image. */
  L: number;
  spatial: number[];
}

function dims(img: NDArray, w: NDArray, oy: NDArray, groups: number): ConvDims {
  const spatial = img.shape.slice(2);
  const KK = w.shape.slice(2).reduce((p, d) => p * d, 1);
  const L = oy.shape.slice(2).reduce((p, d) => p * d, 1);
  const Cout = w.shape[0];
  return {
    N: img.shape[0],
    Cin: img.shape[1],
    CinG: w.shape[1],
    Cout,
    CoutG: Cout / groups,
    KK,
    L,
    spatial,
  };
}

/** Channels [c0, c0 + count) of image n of a [N, C, ...spatial] array, as a [1, count, ...] view. */
function channels(a: NDArray, n: number, c0: number, count: number): NDArray {
  return new NDArray(
    a.storage,
    [1, count, ...a.shape.slice(2)],
    a.strides,
    a.offset + n * a.strides[0] + c0 * a.strides[1],
  );
}

/** Rows [r0, r0 + rows) of a contiguous array seen as a [rows, cols] matrix. */
function rowsOf(a: NDArray, r0: number, rows: number, cols: number): NDArray {
  return new NDArray(a.storage, [rows, cols], [cols, 1], a.offset + r0 * cols);
}

/**
 * The convolution's output gradient `[N, Cout, ...outSpatial]` from max pooling's output gradient
 * `grad` and its argmax `indices` (the gradients' `pooled` argument): each plane cleared and every
 * pooled gradient added at its argmax, by the max-pooling gradient kernel.
 */
function unpooled(
  grad: NDArray,
  indices: NDArray,
  img: NDArray,
  g: WindowGeometry,
): NDArray {
  const spatial = outputSizes(img.shape.slice(2), g, false, "convolution");
  const [N, C] = grad.shape, S = spatial.reduce((p, n) => p * n, 1), Q = grad.size / (N * C || 1);
  const full = scratch(grad, [N, C, ...spatial]);
  maxPoolGrad(full.reshape([N * C, S]), grad.reshape([N * C, Q]), indices.reshape([N * C, Q]));
  return full;
}

function scratch(like: NDArray, shape: number[]): NDArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return new NDArray(new Storage(allocTyped(like.dtype, n)), shape);
}

/**
 * `out` `[N, Cout, ...outSpatial]` (contiguous) = `x` `[N, Cin, ...spatial]` ⋆ `w`
 * `[Cout, Cin/groups, ...kernel]` (contiguous), plus `bias` `[Cout]` when given.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [1, 1, 4]);
 * const w = NDArray.fromTyped(new Float32Array([1, -1]), [1, 1, 2]);
 * const out = NDArray.fromTyped(new Float32Array(3), [1, 1, 3]);
 * const g = { kernel: [2], stride: [1], padding: [0], dilation: [1] };
 * jsBackend.conv(out, x, w, null, g, 1);
 * console.assert(out.data.join() === "-1,-1,-1");
 * ```
 */
export function conv(
  out: NDArray,
  x: NDArray,
  w: NDArray,
  bias: NDArray | null,
  g: WindowGeometry,
  groups: number,
): void {
  const d = dims(x, w, out, groups);
  const KW = d.CinG * d.KK;
  const cols = scratch(x, [1, KW, d.L]);
  const colsM = cols.reshape([KW, d.L]);
  for (let n = 0; n < d.N; n++) {
    for (let gi = 0; gi < groups; gi++) {
      im2col(cols, channels(x, n, gi * d.CinG, d.CinG), g);
      const o = rowsOf(out, n * d.Cout + gi * d.CoutG, d.CoutG, d.L);
      matmul(o, rowsOf(w, gi * d.CoutG, d.CoutG, KW), colsM);
    }
  }
  if (bias === null) return;
  const od = out.data, bd = bias.data, bs = bias.strides[0];
  for (let n = 0; n < d.N; n++) {
    for (let c = 0; c < d.Cout; c++) {
      const v = bd[bias.offset + c * bs];
      const start = out.offset + (n * d.Cout + c) * d.L;
      for (let l = 0; l < d.L; l++) od[start + l] += v;
    }
  }
}

/**
 * The gradient of {@link conv} for its input: `dx` `[N, Cin, ...spatial]` (contiguous, overwritten)
 * from `dy` `[N, Cout, ...outSpatial]` (contiguous) and `w` (contiguous).
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const dy = NDArray.fromTyped(new Float32Array([1, 1, 1]), [1, 1, 3]);
 * const w = NDArray.fromTyped(new Float32Array([1, -1]), [1, 1, 2]);
 * const dx = NDArray.fromTyped(new Float32Array(4), [1, 1, 4]);
 * jsBackend.convInputGrad(dx, dy, w, { kernel: [2], stride: [1], padding: [0], dilation: [1] }, 1);
 * console.assert(dx.data.join() === "1,0,0,-1");
 * ```
 */
export function convInputGrad(
  dx: NDArray,
  dy: NDArray,
  w: NDArray,
  g: WindowGeometry,
  groups: number,
  pooled: PooledGradient | null = null,
): void {
  if (pooled) dy = unpooled(dy, pooled.indices, dx, g);
  const d = dims(dx, w, dy, groups);
  const KW = d.CinG * d.KK;
  const cols = scratch(dx, [1, KW, d.L]);
  const colsM = cols.reshape([KW, d.L]);
  for (let n = 0; n < d.N; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const wg = rowsOf(w, gi * d.CoutG, d.CoutG, KW);
      matmul(colsM, wg.transpose(), rowsOf(dy, n * d.Cout + gi * d.CoutG, d.CoutG, d.L));
      col2im(channels(dx, n, gi * d.CinG, d.CinG), cols, g);
    }
  }
}

/**
 * The gradient of {@link conv} for its weight: `dw` `[Cout, Cin/groups, ...kernel]` (contiguous,
 * overwritten) = Σ over images of `dy` ⋆ `x`.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const dy = NDArray.fromTyped(new Float32Array([1, 1, 1]), [1, 1, 3]);
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [1, 1, 4]);
 * const dw = NDArray.fromTyped(new Float32Array(2), [1, 1, 2]);
 * jsBackend.convWeightGrad(dw, dy, x, { kernel: [2], stride: [1], padding: [0], dilation: [1] }, 1);
 * console.assert(dw.data.join() === "6,9");
 * ```
 */
export function convWeightGrad(
  dw: NDArray,
  dy: NDArray,
  x: NDArray,
  g: WindowGeometry,
  groups: number,
  pooled: PooledGradient | null = null,
): void {
  if (pooled) dy = unpooled(dy, pooled.indices, x, g);
  const d = dims(x, dw, dy, groups);
  const KW = d.CinG * d.KK;
  const cols = scratch(x, [1, KW, d.L]);
  const colsT = cols.reshape([KW, d.L]).transpose();
  const part = scratch(x, [d.CoutG, KW]);
  const wd = dw.data, pd = part.data;
  wd.fill(0, dw.offset, dw.offset + dw.size);
  for (let n = 0; n < d.N; n++) {
    for (let gi = 0; gi < groups; gi++) {
      im2col(cols, channels(x, n, gi * d.CinG, d.CinG), g);
      matmul(part, rowsOf(dy, n * d.Cout + gi * d.CoutG, d.CoutG, d.L), colsT);
      const start = dw.offset + gi * d.CoutG * KW;
      for (let i = 0; i < d.CoutG * KW; i++) wd[start + i] += pd[i];
    }
  }
}
