/**
 * JS kernel of the inclusive scans `cumsum` and `cumprod`.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { sizeOf } from "../shape.ts";
import { atLeast1d, nextRow, stridesAtLeast1d } from "./_strided.ts";

/**
 * Inclusive cumulative sum or product of `x` along `axis` into `out` (same shape and dtype; `out`
 * may be strided). The running value is kept in float64 and rounded to `out`'s dtype at each step,
 * as PyTorch's CPU kernels do, so a float32 scan does not drift with the length of the axis.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * const out = NDArray.fromTyped(new Float32Array(4), [2, 2]);
 * jsBackend.cumulative("sum", out, x, 0);
 * console.assert(out.data.join() === "1,2,4,6");
 * ```
 */
export function cumulative(op: "sum" | "prod", out: NDArray, x: NDArray, axis: number): void {
  const shape = atLeast1d(x.shape);
  const size = sizeOf(shape);
  if (size === 0) return;
  const last = shape.length - 1;
  const len = shape[last];
  const xStrides = stridesAtLeast1d(x.strides);
  const oStrides = stridesAtLeast1d(out.strides);
  const strides = [xStrides, oStrides];
  const offsets = [x.offset, out.offset];
  const coord = new Int32Array(shape.length);
  const xd = x.data, od = out.data;
  const xs = xStrides[last], os = oStrides[last];
  const rows = size / len;
  const sum = op === "sum";
  if (axis === last) {
    for (let r = 0; r < rows; r++) {
      const xo = offsets[0], oo = offsets[1];
      let acc = sum ? 0 : 1;
      if (sum) {
        for (let t = 0; t < len; t++) od[oo + t * os] = acc += xd[xo + t * xs];
      } else {
        for (let t = 0; t < len; t++) od[oo + t * os] = acc *= xd[xo + t * xs];
      }
      nextRow(shape, coord, strides, offsets);
    }
    return;
  }
  // Axis before the last: one running value per position of the block that follows `axis`; each
  // row (last axis) lies inside one such block, at `first`.
  let inner = 1;
  for (let d = axis + 1; d <= last; d++) inner *= shape[d];
  const acc = new Float64Array(inner);
  for (let r = 0; r < rows; r++) {
    const xo = offsets[0], oo = offsets[1];
    const first = (r * len) % inner;
    if (coord[axis] === 0) {
      for (let t = 0; t < len; t++) od[oo + t * os] = acc[first + t] = xd[xo + t * xs];
    } else if (sum) {
      for (let t = 0; t < len; t++) od[oo + t * os] = acc[first + t] += xd[xo + t * xs];
    } else {
      for (let t = 0; t < len; t++) od[oo + t * os] = acc[first + t] *= xd[xo + t * xs];
    }
    nextRow(shape, coord, strides, offsets);
  }
}
