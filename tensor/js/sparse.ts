// JS kernels of the sparse ops: CSR × dense (`spmm`), its adjoint in the values (`sddmm`) and the
// unsorted segment reductions. They trust their arguments (contiguous operands, indices in range):
// the frontends in `../sparse.ts` and `../segment.ts` check them.
//
// In float32 every product is rounded to float32 before it is added (`Math.fround`), so that these
// kernels round exactly as C does in float arithmetic: the native kernels are bit-identical.
import type { SegmentOp } from "../backend.ts";
import type { NDArray } from "../ndarray.ts";

const fround = Math.fround;

/**
 * `out[i, h, :] = Σ_k values[k, h] · x[col[k], h, :]` over the entries `k` of row `i`, added to
 * `out` with `accumulate` (see `Backend.spmm`).
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * // [[0, 2], [1, 0]] · [[1, 2], [3, 4]]
 * const rowPtr = NDArray.fromTyped(new Int32Array([0, 1, 2]), [3]);
 * const col = NDArray.fromTyped(new Int32Array([1, 0]), [2]);
 * const values = NDArray.fromTyped(new Float64Array([2, 1]), [2, 1]);
 * const x = NDArray.fromTyped(new Float64Array([1, 2, 3, 4]), [2, 1, 2]);
 * const out = NDArray.fromTyped(new Float64Array(4), [2, 1, 2]);
 * jsBackend.spmm(out, rowPtr, col, values, x);
 * console.assert(out.data.join() === "6,8,1,2");
 * ```
 */
export function spmm(
  out: NDArray,
  rowPtr: NDArray,
  col: NDArray,
  values: NDArray | null,
  x: NDArray,
  accumulate = false,
): void {
  const n = out.shape[0], heads = out.shape[1], width = out.shape[2];
  const hc = heads * width;
  const od = out.data, xd = x.data, rp = rowPtr.data, cd = col.data;
  const oo = out.offset, xo = x.offset, ro = rowPtr.offset, co = col.offset;
  if (!accumulate) od.fill(0, oo, oo + n * hc);
  const f32 = od instanceof Float32Array;
  const vd = values === null ? null : values.data, vo = values === null ? 0 : values.offset;
  for (let i = 0; i < n; i++) {
    const ob = oo + i * hc;
    const end = rp[ro + i + 1];
    for (let k = rp[ro + i]; k < end; k++) {
      const xb = xo + cd[co + k] * hc;
      if (vd === null) {
        for (let j = 0; j < hc; j++) od[ob + j] += xd[xb + j];
        continue;
      }
      for (let h = 0; h < heads; h++) {
        const v = vd[vo + k * heads + h];
        const oh = ob + h * width, xh = xb + h * width;
        if (f32) { for (let c = 0; c < width; c++) od[oh + c] += fround(v * xd[xh + c]); }
        else for (let c = 0; c < width; c++) od[oh + c] += v * xd[xh + c];
      }
    }
  }
}

/**
 * `out[k, h] = Σ_c a[i, h, c] · b[col[k], h, c]` for every stored entry `k` of row `i` (see
 * `Backend.sddmm`).
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const rowPtr = NDArray.fromTyped(new Int32Array([0, 2]), [2]);
 * const col = NDArray.fromTyped(new Int32Array([0, 1]), [2]);
 * const a = NDArray.fromTyped(new Float64Array([1, 2]), [1, 1, 2]);
 * const b = NDArray.fromTyped(new Float64Array([3, 4, 5, 6]), [2, 1, 2]);
 * const out = NDArray.fromTyped(new Float64Array(2), [2, 1]);
 * jsBackend.sddmm(out, rowPtr, col, a, b);
 * console.assert(out.data.join() === "11,17");
 * ```
 */
export function sddmm(out: NDArray, rowPtr: NDArray, col: NDArray, a: NDArray, b: NDArray): void {
  const n = a.shape[0], heads = a.shape[1], width = a.shape[2];
  const hc = heads * width;
  const od = out.data, ad = a.data, bd = b.data, rp = rowPtr.data, cd = col.data;
  const oo = out.offset, ao = a.offset, bo = b.offset, ro = rowPtr.offset, co = col.offset;
  const f32 = od instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    const ab = ao + i * hc;
    const end = rp[ro + i + 1];
    for (let k = rp[ro + i]; k < end; k++) {
      const bb = bo + cd[co + k] * hc;
      for (let h = 0; h < heads; h++) {
        const ah = ab + h * width, bh = bb + h * width;
        let acc = 0;
        if (f32) {
          for (let c = 0; c < width; c++) acc = fround(acc + fround(ad[ah + c] * bd[bh + c]));
        } else for (let c = 0; c < width; c++) acc += ad[ah + c] * bd[bh + c];
        od[oo + k * heads + h] = acc;
      }
    }
  }
}

/**
 * Unsorted segment sum, max or min of the rows of `src` `[E, F]` into `out` `[n, F]` by `index`
 * (see `Backend.segmentReduce`).
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const src = NDArray.fromTyped(new Float32Array([1, 5, 3]), [3, 1]);
 * const index = NDArray.fromTyped(new Int32Array([1, 1, 0]), [3]);
 * const out = NDArray.fromTyped(new Float32Array(3), [3, 1]);
 * const arg = NDArray.fromTyped(new Int32Array(3), [3, 1]);
 * jsBackend.segmentReduce("max", out, arg, src, index);
 * console.assert(out.data.join() === "3,5,0" && arg.data.join() === "2,1,-1");
 * ```
 */
export function segmentReduce(
  op: SegmentOp,
  out: NDArray,
  arg: NDArray | null,
  src: NDArray,
  index: NDArray,
): void {
  const n = out.shape[0], f = out.shape[1], e = index.size;
  const od = out.data, sd = src.data, id = index.data;
  const oo = out.offset, so = src.offset, io = index.offset;
  od.fill(0, oo, oo + n * f);
  if (op === "sum") {
    for (let r = 0; r < e; r++) {
      const ob = oo + id[io + r] * f, sb = so + r * f;
      for (let j = 0; j < f; j++) od[ob + j] += sd[sb + j];
    }
    return;
  }
  const ad = arg!.data, ao = arg!.offset;
  ad.fill(-1, ao, ao + n * f);
  const max = op === "max";
  for (let r = 0; r < e; r++) {
    const seg = id[io + r];
    const ob = oo + seg * f, ab = ao + seg * f, sb = so + r * f;
    for (let j = 0; j < f; j++) {
      const v = sd[sb + j], cur = od[ob + j];
      // The first extreme wins ties; a NaN replaces any number and is never replaced.
      if (
        ad[ab + j] < 0 || (max ? v > cur : v < cur) || (v !== v && cur === cur)
      ) {
        od[ob + j] = v;
        ad[ab + j] = r;
      }
    }
  }
}
