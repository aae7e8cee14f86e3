/**
 * Sliding-window kernels of the JS backend: `im2col`, `col2im` and pooling over 1-, 2- and 3-d
 * windows with stride, padding and dilation.
 *
 * Every kernel lifts its geometry to three spatial dimensions (missing leading dimensions get size 1,
 * kernel 1, stride 1, no padding), so one loop nest serves all ranks. Instead of bounds-checking
 * every tap, each kernel first computes, per dimension and per kernel tap (or per output position),
 * the range where the input index falls inside the array; the inner loops then run branch-free over
 * contiguous output memory.
 *
 * @module
 */
import type { WindowGeometry } from "../backend.ts";
import type { NDArray } from "../ndarray.ts";

/** One spatial dimension of a window geometry, with the sizes on both sides. */
interface Axis {
  /** Input extent. */
  n: number;
  /** Output extent (number of window positions). */
  o: number;
  k: number;
  s: number;
  p: number;
  dil: number;
}

/** The geometry lifted to exactly three axes (D, H, W), leading ones trivial. */
function lift(
  spatialIn: readonly number[],
  spatialOut: readonly number[],
  g: WindowGeometry,
): Axis[] {
  const d = spatialIn.length;
  const axes: Axis[] = [];
  for (let i = 0; i < 3 - d; i++) axes.push({ n: 1, o: 1, k: 1, s: 1, p: 0, dil: 1 });
  for (let i = 0; i < d; i++) {
    axes.push({
      n: spatialIn[i],
      o: spatialOut[i],
      k: g.kernel[i],
      s: g.stride[i],
      p: g.padding[i],
      dil: g.dilation[i],
    });
  }
  return axes;
}

/** Output extents of an unfold (floor mode), as PyTorch's `unfold`/`fold` compute them. */
function unfoldOut(spatialIn: readonly number[], g: WindowGeometry): number[] {
  return spatialIn.map((n, i) =>
    Math.floor((n + 2 * g.padding[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1
  );
}

/** Strides of the spatial dimensions of `a` lifted to three (trivial leading ones get 0). */
function spatialStrides(a: NDArray): number[] {
  const d = a.ndim - 2;
  const out = [0, 0, 0];
  for (let i = 0; i < d; i++) out[3 - d + i] = a.strides[2 + i];
  return out;
}

/**
 * For each kernel tap `k` of an axis, the output positions `[lo[k], hi[k])` whose input index
 * `o·s − p + k·dil` lies inside `[0, n)`.
 */
function tapRanges(a: Axis): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(a.k);
  const hi = new Int32Array(a.k);
  for (let k = 0; k < a.k; k++) {
    const shift = k * a.dil - a.p; // input index = o·s + shift
    const first = Math.max(0, Math.ceil(-shift / a.s));
    const last = Math.min(a.o, Math.floor((a.n - 1 - shift) / a.s) + 1);
    lo[k] = first;
    hi[k] = Math.max(first, last);
  }
  return { lo, hi };
}

/**
 * Unfolds sliding windows of `x` `[N, C, ...spatial]` into `out` `[N, C·∏kernel, L]` (contiguous),
 * rows ordered (c, k0, k1, …) and columns by window position, zero outside the input.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [1, 1, 4]);
 * const out = NDArray.fromTyped(new Float32Array(6), [1, 2, 3]);
 * jsBackend.im2col(out, x, { kernel: [2], stride: [1], padding: [0], dilation: [1] });
 * console.assert(out.data.join() === "1,2,3,2,3,4");
 * ```
 */
export function im2col(out: NDArray, x: NDArray, g: WindowGeometry): void {
  const spatial = x.shape.slice(2);
  const [ad, ah, aw] = lift(spatial, unfoldOut(spatial, g), g);
  const N = x.shape[0], C = x.shape[1];
  const xd = x.data, od = out.data;
  const [xsD, xsH, xsW] = spatialStrides(x);
  const xsN = x.strides[0], xsC = x.strides[1];
  const rd = tapRanges(ad), rh = tapRanges(ah), rw = tapRanges(aw);
  const oD = ad.o, oH = ah.o, oW = aw.o;
  const plane = oH * oW;
  const L = oD * plane;
  const stepW = aw.s * xsW;
  let o = out.offset;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xc = x.offset + n * xsN + c * xsC;
      for (let kd = 0; kd < ad.k; kd++) {
        const dlo = rd.lo[kd], dhi = rd.hi[kd];
        const dShift = kd * ad.dil - ad.p;
        for (let kh = 0; kh < ah.k; kh++) {
          const hlo = rh.lo[kh], hhi = rh.hi[kh];
          const hShift = kh * ah.dil - ah.p;
          for (let kw = 0; kw < aw.k; kw++) {
            const wlo = rw.lo[kw], whi = rw.hi[kw];
            const wShift = kw * aw.dil - aw.p;
            if (dlo >= dhi || hlo >= hhi || wlo >= whi) {
              od.fill(0, o, o + L);
              o += L;
              continue;
            }
            for (let odi = 0; odi < oD; odi++) {
              if (odi < dlo || odi >= dhi) {
                od.fill(0, o, o + plane);
                o += plane;
                continue;
              }
              const xdPos = xc + (odi * ad.s + dShift) * xsD;
              for (let ohi = 0; ohi < oH; ohi++) {
                if (ohi < hlo || ohi >= hhi) {
                  for (let ow = 0; ow < oW; ow++) od[o + ow] = 0;
                  o += oW;
                  continue;
                }
                for (let ow = 0; ow < wlo; ow++) od[o + ow] = 0;
                let p = xdPos + (ohi * ah.s + hShift) * xsH + (wlo * aw.s + wShift) * xsW;
                for (let ow = wlo; ow < whi; ow++, p += stepW) od[o + ow] = xd[p];
                for (let ow = whi; ow < oW; ow++) od[o + ow] = 0;
                o += oW;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of {@link im2col} (PyTorch `fold`): zeroes `out` `[N, C, ...spatial]` (contiguous)
 * and adds every entry of `cols` `[N, C·∏kernel, L]` into the input position it was read from.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const cols = NDArray.fromTyped(new Float32Array([1, 1, 1, 1, 1, 1]), [1, 2, 3]);
 * const out = NDArray.fromTyped(new Float32Array(4), [1, 1, 4]);
 * jsBackend.col2im(out, cols, { kernel: [2], stride: [1], padding: [0], dilation: [1] });
 * console.assert(out.data.join() === "1,2,2,1");
 * ```
 */
export function col2im(out: NDArray, cols: NDArray, g: WindowGeometry): void {
  const spatial = out.shape.slice(2);
  const [ad, ah, aw] = lift(spatial, unfoldOut(spatial, g), g);
  const N = out.shape[0], C = out.shape[1];
  const od = out.data, cd = cols.data;
  const inPlane = ad.n * ah.n * aw.n;
  od.fill(0, out.offset, out.offset + N * C * inPlane);
  const csN = cols.strides[0], csR = cols.strides[1], csL = cols.strides[2];
  const rd = tapRanges(ad), rh = tapRanges(ah), rw = tapRanges(aw);
  const oH = ah.o, oW = aw.o;
  const H = ah.n, W = aw.n;
  const sW = aw.s;
  for (let n = 0; n < N; n++) {
    let r = 0; // row of cols: (c, kd, kh, kw) in order
    for (let c = 0; c < C; c++) {
      const oc = out.offset + (n * C + c) * inPlane;
      for (let kd = 0; kd < ad.k; kd++) {
        const dShift = kd * ad.dil - ad.p;
        for (let kh = 0; kh < ah.k; kh++) {
          const hShift = kh * ah.dil - ah.p;
          for (let kw = 0; kw < aw.k; kw++, r++) {
            const wlo = rw.lo[kw], whi = rw.hi[kw];
            const wShift = kw * aw.dil - aw.p;
            const cr = cols.offset + n * csN + r * csR;
            for (let odi = rd.lo[kd]; odi < rd.hi[kd]; odi++) {
              const outD = oc + (odi * ad.s + dShift) * H * W;
              for (let ohi = rh.lo[kh]; ohi < rh.hi[kh]; ohi++) {
                let p = outD + (ohi * ah.s + hShift) * W + wlo * sW + wShift;
                let q = cr + ((odi * oH + ohi) * oW + wlo) * csL;
                for (let ow = wlo; ow < whi; ow++, p += sW, q += csL) od[p] += cd[q];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Per output position `o` of an axis: the first and one-past-last kernel taps whose input index
 * lies inside `[0, n)`, the count of taps inside the padded extent `[−p, n + p)` (the divisor of
 * average pooling with `countIncludePad`), and PyTorch's first non-negative tap position (the
 * index it reports for a window that holds no input at all).
 */
function windowRanges(
  a: Axis,
): { k0: Int32Array; k1: Int32Array; padded: Int32Array; first: Int32Array } {
  const k0 = new Int32Array(a.o), k1 = new Int32Array(a.o);
  const padded = new Int32Array(a.o), first = new Int32Array(a.o);
  for (let o = 0; o < a.o; o++) {
    const start = o * a.s - a.p; // input index of tap k = start + k·dil
    const lo = start >= 0 ? 0 : Math.ceil(-start / a.dil);
    const hi = Math.min(a.k, Math.floor((a.n - 1 - start) / a.dil) + 1);
    k0[o] = Math.min(lo, a.k);
    k1[o] = Math.max(k0[o], hi);
    first[o] = start + lo * a.dil;
    const plo = Math.ceil((-a.p - start) / a.dil);
    const phi = Math.min(a.k, Math.floor((a.n + a.p - 1 - start) / a.dil) + 1);
    padded[o] = Math.max(0, phi - Math.max(0, plo));
  }
  return { k0, k1, padded, first };
}

/**
 * Max or average pooling of `x` `[N, C, ...spatial]` into the contiguous `out` `[N, C, ...outSpatial]`;
 * the output extents (floor or ceil mode) come from `out.shape`. For max pooling, `indices` (int32,
 * contiguous, `out`'s shape) gets the flat index of the maximum within its input plane; ties keep the
 * first maximum and NaN wins, as in PyTorch. Padding is −∞ for max; for average it counts as zeros
 * when `countIncludePad`, and is left out of the divisor otherwise.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 5, 2, 0]), [1, 1, 4]);
 * const out = NDArray.fromTyped(new Float32Array(2), [1, 1, 2]);
 * const idx = NDArray.fromTyped(new Int32Array(2), [1, 1, 2]);
 * const g = { kernel: [2], stride: [2], padding: [0], dilation: [1] };
 * jsBackend.pool("max", out, idx, x, g, true);
 * console.assert(out.data.join() === "5,2" && idx.data.join() === "1,2");
 * ```
 */
export function pool(
  kind: "max" | "avg",
  out: NDArray,
  indices: NDArray | null,
  x: NDArray,
  g: WindowGeometry,
  countIncludePad: boolean,
): void {
  const [ad, ah, aw] = lift(x.shape.slice(2), out.shape.slice(2), g);
  const N = x.shape[0], C = x.shape[1];
  const xd = x.data, od = out.data;
  const id = indices ? indices.data : null;
  const [xsD, xsH, xsW] = spatialStrides(x);
  const wd = windowRanges(ad), wh = windowRanges(ah), ww = windowRanges(aw);
  // Along W the loops run per tap over the output positions it reaches, so they need im2col's ranges.
  const rw = tapRanges(aw);
  const isMax = kind === "max";
  const H = ah.n, W = aw.n, oW = aw.o;
  // One output row at a time: the accumulators stay in float64 (exact for int32, PyTorch's
  // accumulation type for float32 averages) until the row is written.
  const acc = new Float64Array(oW);
  const at = new Int32Array(oW);
  const divisor = new Float64Array(oW);
  const pair = new Float64Array(2);
  const stepW = aw.s * xsW;
  let o = out.offset;
  let io = indices ? indices.offset : 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const xc = x.offset + n * x.strides[0] + c * x.strides[1];
      for (let odi = 0; odi < ad.o; odi++) {
        const kd0 = wd.k0[odi], kd1 = wd.k1[odi];
        const d0 = odi * ad.s - ad.p;
        for (let ohi = 0; ohi < ah.o; ohi++) {
          const kh0 = wh.k0[ohi], kh1 = wh.k1[ohi];
          const h0 = ohi * ah.s - ah.p;
          if (isMax) {
            const rowFirst = (wd.first[odi] * H + wh.first[ohi]) * W;
            for (let ow = 0; ow < oW; ow++) {
              acc[ow] = -Infinity;
              at[ow] = rowFirst + ww.first[ow];
            }
          } else {
            const dh = countIncludePad
              ? wd.padded[odi] * wh.padded[ohi]
              : (kd1 - kd0) * (kh1 - kh0);
            for (let ow = 0; ow < oW; ow++) {
              acc[ow] = 0;
              divisor[ow] = dh * (countIncludePad ? ww.padded[ow] : ww.k1[ow] - ww.k0[ow]);
            }
          }
          for (let kd = kd0; kd < kd1; kd++) {
            const di = d0 + kd * ad.dil;
            for (let kh = kh0; kh < kh1; kh++) {
              const hi = h0 + kh * ah.dil;
              const rowX = xc + di * xsD + hi * xsH;
              const rowFlat = (di * H + hi) * W;
              for (let kw = 0; kw < aw.k; kw++) {
                const lo = rw.lo[kw], end = rw.hi[kw];
                const shift = kw * aw.dil - aw.p;
                let p = rowX + (lo * aw.s + shift) * xsW;
                if (isMax) {
                  let flatAt = rowFlat + lo * aw.s + shift;
                  for (let ow = lo; ow < end; ow++, p += stepW, flatAt += aw.s) {
                    const v = xd[p];
                    const best = acc[ow];
                    // PyTorch's rule: a strictly larger value or any NaN takes over. Selected
                    // without branches (V8 emits no conditional moves): on real data the
                    // comparison is a coin flip, and mispredictions cost 2-3x the whole loop.
                    const take = +(v > best) | +(v !== v);
                    pair[0] = best;
                    pair[1] = v;
                    acc[ow] = pair[take];
                    const a = at[ow];
                    at[ow] = a ^ ((a ^ flatAt) & -take);
                  }
                } else {
                  for (let ow = lo; ow < end; ow++, p += stepW) acc[ow] += xd[p];
                }
              }
            }
          }
          if (isMax) {
            for (let ow = 0; ow < oW; ow++) od[o + ow] = acc[ow];
            if (id) { for (let ow = 0; ow < oW; ow++) id[io + ow] = at[ow]; }
          } else {
            for (let ow = 0; ow < oW; ow++) {
              od[o + ow] = divisor[ow] > 0 ? acc[ow] / divisor[ow] : 0;
            }
          }
          o += oW;
          io += oW;
        }
      }
    }
  }
}

/**
 * Max pooling's gradient, plane by plane: `out` `[P, S]` (contiguous, contents ignored) gets zeros
 * and then, for each `q` in order, `grad[p, q]` added at `out[p, indices[p, q]]`; `grad` and
 * `indices` (int32) are contiguous `[P, Q]`. An index outside `[0, S)` throws a RangeError naming
 * it (the output is then unspecified; the caller allocated it).
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const out = NDArray.fromTyped(new Float32Array(4).fill(9), [1, 4]);
 * const grad = NDArray.fromTyped(new Float32Array([0.5, 2]), [1, 2]);
 * const idx = NDArray.fromTyped(new Int32Array([1, 1]), [1, 2]);
 * jsBackend.maxPoolGrad(out, grad, idx);
 * console.assert(out.data.join() === "0,2.5,0,0");
 * ```
 */
export function maxPoolGrad(out: NDArray, grad: NDArray, indices: NDArray): void {
  const [P, S] = out.shape, Q = grad.shape[1];
  const od = out.data, gd = grad.data, id = indices.data;
  for (let p = 0; p < P; p++) {
    const o = out.offset + p * S, g = grad.offset + p * Q, i = indices.offset + p * Q;
    od.fill(0, o, o + S);
    for (let q = 0; q < Q; q++) {
      const v = id[i + q];
      if (v < 0 || v >= S) {
        throw new RangeError(`maxPoolGrad: index ${v} is out of range for a plane of ${S}`);
      }
      od[o + v] += gd[g + q];
    }
  }
}
