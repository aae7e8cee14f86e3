/**
 * JS kernels of the index-driven ops: `gather`, `scatterAdd` and `indexSelect`. They trust their
 * arguments (shapes, int32 indices within range): the frontends in `../indexing.ts` check them.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { sizeOf } from "../shape.ts";
import { atLeast1d, nextRow, stridesAtLeast1d } from "./_strided.ts";

// Below this row length a plain loop beats `TypedArray.set` with its subarray allocation.
const MIN_SET_LENGTH = 32;

/**
 * PyTorch `gather`: `out[...i, j, ...k] = x[...i, index[...i, j, ...k], ...k]` along `axis`, over
 * `index.shape` (= `out.shape`). `out` may be strided.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * const index = NDArray.fromTyped(new Int32Array([1, 0, 0, 0]), [2, 2]);
 * const out = NDArray.fromTyped(new Float32Array(4), [2, 2]);
 * jsBackend.gather(out, x, 1, index);
 * console.assert(out.data.join() === "2,1,3,3");
 * ```
 */
export function gather(out: NDArray, x: NDArray, axis: number, index: NDArray): void {
  const shape = atLeast1d(index.shape);
  const size = sizeOf(shape);
  if (size === 0) return;
  const last = shape.length - 1;
  const len = shape[last];
  const xStrides = [...stridesAtLeast1d(x.strides)];
  const xa = xStrides[axis];
  xStrides[axis] = 0; // the index supplies the position along `axis`
  const iStrides = stridesAtLeast1d(index.strides);
  const oStrides = stridesAtLeast1d(out.strides);
  const strides = [xStrides, iStrides, oStrides];
  const offsets = [x.offset, index.offset, out.offset];
  const coord = new Int32Array(shape.length);
  const xd = x.data, id = index.data, od = out.data;
  const xs = xStrides[last], is = iStrides[last], os = oStrides[last];
  for (let r = size / len; r > 0; r--) {
    const xo = offsets[0], io = offsets[1], oo = offsets[2];
    for (let t = 0; t < len; t++) od[oo + t * os] = xd[xo + t * xs + id[io + t * is] * xa];
    nextRow(shape, coord, strides, offsets);
  }
}

/**
 * PyTorch `scatter_add_`, in place: `out[...i, index[...i, j, ...k], ...k] += src[...i, j, ...k]`
 * over `index.shape`. Repeated indices accumulate in index order. `out` may be strided but must not
 * overlap itself.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const out = NDArray.fromTyped(new Float32Array(3), [3]);
 * const index = NDArray.fromTyped(new Int32Array([0, 2, 0]), [3]);
 * const src = NDArray.fromTyped(new Float32Array([1, 2, 3]), [3]);
 * jsBackend.scatterAdd(out, 0, index, src);
 * console.assert(out.data.join() === "4,0,2");
 * ```
 */
export function scatterAdd(out: NDArray, axis: number, index: NDArray, src: NDArray): void {
  const shape = atLeast1d(index.shape);
  const size = sizeOf(shape);
  if (size === 0) return;
  const last = shape.length - 1;
  const len = shape[last];
  const oStrides = [...stridesAtLeast1d(out.strides)];
  const oa = oStrides[axis];
  oStrides[axis] = 0;
  const iStrides = stridesAtLeast1d(index.strides);
  const sStrides = stridesAtLeast1d(src.strides);
  const strides = [oStrides, iStrides, sStrides];
  const offsets = [out.offset, index.offset, src.offset];
  const coord = new Int32Array(shape.length);
  const od = out.data, id = index.data, sd = src.data;
  const os = oStrides[last], is = iStrides[last], ss = sStrides[last];
  for (let r = size / len; r > 0; r--) {
    const oo = offsets[0], io = offsets[1], so = offsets[2];
    for (let t = 0; t < len; t++) od[oo + t * os + id[io + t * is] * oa] += sd[so + t * ss];
    nextRow(shape, coord, strides, offsets);
  }
}

/**
 * Selects the entries `index` (0-d or 1-d int32) along `axis` of `x` into `out`, whose shape is
 * `x.shape` with `axis` replaced by `index.size`. `out` may be strided.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
 * const index = NDArray.fromTyped(new Int32Array([2, 0]), [2]);
 * const out = NDArray.fromTyped(new Float32Array(4), [2, 2]);
 * jsBackend.indexSelect(out, x, 0, index);
 * console.assert(out.data.join() === "5,6,1,2");
 * ```
 */
export function indexSelect(out: NDArray, x: NDArray, axis: number, index: NDArray): void {
  const shape = atLeast1d(out.shape);
  const size = sizeOf(shape);
  if (size === 0) return;
  const last = shape.length - 1;
  const len = shape[last];
  const xStrides = [...stridesAtLeast1d(x.strides)];
  const xa = xStrides[axis];
  xStrides[axis] = 0;
  const n = index.size;
  const istride = index.ndim === 0 ? 0 : index.strides[0];
  const id = index.data;
  // Storage offset of each selected slice along `axis`, computed once instead of per element.
  const axisOffset = new Float64Array(n);
  for (let j = 0; j < n; j++) axisOffset[j] = id[index.offset + j * istride] * xa;
  const oStrides = stridesAtLeast1d(out.strides);
  const strides = [xStrides, oStrides];
  const offsets = [x.offset, out.offset];
  const coord = new Int32Array(shape.length);
  const xd = x.data, od = out.data;
  const xs = xStrides[last], os = oStrides[last];
  const axisIsLast = axis === last;
  const useSet = !axisIsLast && xs === 1 && os === 1 && len >= MIN_SET_LENGTH &&
    od.constructor === xd.constructor;
  for (let r = size / len; r > 0; r--) {
    const xo = offsets[0], oo = offsets[1];
    if (axisIsLast) {
      for (let t = 0; t < len; t++) od[oo + t * os] = xd[xo + axisOffset[t]];
    } else {
      const base = xo + axisOffset[coord[axis]];
      if (useSet) (od as Float64Array).set((xd as Float64Array).subarray(base, base + len), oo);
      else for (let t = 0; t < len; t++) od[oo + t * os] = xd[base + t * xs];
    }
    nextRow(shape, coord, strides, offsets);
  }
}
