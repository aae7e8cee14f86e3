// JS kernels: layer normalisation over the last axis of a contiguous [R, C] array, forward and
// backward, one row at a time in double precision.
import type { NDArray } from "../ndarray.ts";

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
    let s = 0;
    for (let c = 0; c < cols; c++) s += xd[xo + c];
    const mu = s / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) {
      const d = xd[xo + c] - mu;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / cols + eps);
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
    let a = 0, b = 0;
    for (let c = 0; c < cols; c++) {
      const xh = (xd[xo + c] - mu) * inv, gv = gd[go + c];
      const gh = wd === undefined ? gv : gv * wd[wo + c];
      a += gh;
      b += gh * xh;
      sw[c] += gv * xh;
      sb[c] += gv;
    }
    a /= cols;
    b /= cols;
    for (let c = 0; c < cols; c++) {
      const xh = (xd[xo + c] - mu) * inv, gv = gd[go + c];
      const gh = wd === undefined ? gv : gv * wd[wo + c];
      dd[oo + c] = inv * (gh - a - xh * b);
    }
  }
  if (dweight !== null) { for (let c = 0; c < cols; c++) dweight.data[dweight.offset + c] = sw[c]; }
  if (dbias !== null) { for (let c = 0; c < cols; c++) dbias.data[dbias.offset + c] = sb[c]; }
}
