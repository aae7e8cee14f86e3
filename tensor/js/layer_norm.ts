// JS kernels: layer normalisation over the last axis of a contiguous [R, C] array, forward and
// backward, one row at a time in double precision. A row's sums run as eight lane sums (lane c mod 8
// adds its columns in order) combined pairwise: the order libnnc's kernel adds in (layer_norm.c),
// where eight columns go through one vector instruction.
import type { NDArray } from "../ndarray.ts";
import { LANES, laneTotal } from "./_lane_sum.ts";

/** Lane sums of the row in hand (two sets: the backward keeps two sums). */
const laneA = new Float64Array(LANES), laneB = new Float64Array(LANES);

/** Layer norm forward (see `Backend.layerNorm`). */
export function layerNorm(
  out: NDArray,
  mean: NDArray,
  rstd: NDArray,
  x: NDArray,
  weight: NDArray | null,
  bias: NDArray | null,
  eps: number,
): void {
  const [rows, cols] = x.shape;
  const xd = x.data, od = out.data;
  const wd = weight?.data, bd = bias?.data, wo = weight?.offset ?? 0, bo = bias?.offset ?? 0;
  for (let r = 0; r < rows; r++) {
    const xo = x.offset + r * cols, oo = out.offset + r * cols;
    const s = laneA.fill(0);
    for (let c = 0; c < cols; c++) s[c & 7] += xd[xo + c];
    const mu = laneTotal(s) / cols;
    const v = laneA.fill(0);
    for (let c = 0; c < cols; c++) {
      const d = xd[xo + c] - mu;
      v[c & 7] += d * d;
    }
    const inv = 1 / Math.sqrt(laneTotal(v) / cols + eps);
    mean.data[mean.offset + r] = mu;
    rstd.data[rstd.offset + r] = inv;
    for (let c = 0; c < cols; c++) {
      let y = (xd[xo + c] - mu) * inv;
      if (wd !== undefined) y *= wd[wo + c];
      if (bd !== undefined) y += bd[bo + c];
      od[oo + c] = y;
    }
  }
}

/** Layer norm backward (see `Backend.layerNormBackward`). */
export function layerNormBackward(
  dx: NDArray,
  dweight: NDArray | null,
  dbias: NDArray | null,
  g: NDArray,
  x: NDArray,
  mean: NDArray,
  rstd: NDArray,
  weight: NDArray | null,
): void {
  const [rows, cols] = x.shape;
  const xd = x.data, gd = g.data, dd = dx.data;
  const wd = weight?.data, wo = weight?.offset ?? 0;
  const sw = new Float64Array(cols), sb = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const xo = x.offset + r * cols, go = g.offset + r * cols, oo = dx.offset + r * cols;
    const mu = mean.data[mean.offset + r], inv = rstd.data[rstd.offset + r];
    // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)) with ĝ = g ⊙ weight.
    const as = laneA.fill(0), bs = laneB.fill(0);
    for (let c = 0; c < cols; c++) {
      const xh = (xd[xo + c] - mu) * inv, gv = gd[go + c];
      const gh = wd === undefined ? gv : gv * wd[wo + c];
      as[c & 7] += gh;
      bs[c & 7] += gh * xh;
      sw[c] += gv * xh;
      sb[c] += gv;
    }
    const a = laneTotal(as) / cols, b = laneTotal(bs) / cols;
    for (let c = 0; c < cols; c++) {
      const xh = (xd[xo + c] - mu) * inv, gv = gd[go + c];
      const gh = wd === undefined ? gv : gv * wd[wo + c];
      dd[oo + c] = inv * (gh - a - xh * b);
    }
  }
  if (dweight !== null) { for (let c = 0; c < cols; c++) dweight.data[dweight.offset + c] = sw[c]; }
  if (dbias !== null) { for (let c = 0; c < cols; c++) dbias.data[dbias.offset + c] = sb[c]; }
}
