// JS kernels: reductions over axes, and argmax/argmin along one axis.
import type { ReduceOp } from "../backend.ts";
import type { NDArray } from "../ndarray.ts";
import { contiguousStrides } from "../shape.ts";
import { forEachRow, innerStrides, makePlan } from "./_strided.ts";

const INITIAL: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/**
 * Walks `x` in its own memory order and folds each element into a float64 accumulator laid out like
 * `out` (stride 0 along reduced axes): cache-friendly whichever axes are reduced, and exact for int32.
 */
export function reduce(op: ReduceOp, out: NDArray, x: NDArray, axes: readonly number[]): void {
  const acc = new Float64Array(out.size).fill(INITIAL[op]);
  const accStrides = contiguousStrides(out.shape).map((s, i) => (axes.includes(i) ? 0 : s));
  const plan = makePlan(x.shape, [accStrides, x.strides]);
  const [sAcc, sx] = innerStrides(plan);
  const a = x.data;
  const row = ROWS[op];
  forEachRow(plan, [0, x.offset], (n, pAcc, px) => row(acc, pAcc, sAcc, a, px, sx, n));
  const o = out.data;
  if (out.isContiguous) {
    for (let i = 0; i < acc.length; i++) o[out.offset + i] = acc[i];
  } else {
    throw new RangeError("reduce: out must be contiguous");
  }
}

type Row = (
  acc: Float64Array,
  pAcc: number,
  sAcc: number,
  a: ArrayLike<number>,
  px: number,
  sx: number,
  n: number,
) => void;

const ROWS: Record<ReduceOp, Row> = {
  sum: (acc, pAcc, sAcc, a, px, sx, n) => {
    if (sAcc === 0) {
      let s = 0;
      for (let i = 0; i < n; i++, px += sx) s += a[px];
      acc[pAcc] += s;
    } else {
      for (let i = 0; i < n; i++, px += sx, pAcc += sAcc) acc[pAcc] += a[px];
    }
  },
  prod: (acc, pAcc, sAcc, a, px, sx, n) => {
    if (sAcc === 0) {
      let s = 1;
      for (let i = 0; i < n; i++, px += sx) s *= a[px];
      acc[pAcc] *= s;
    } else {
      for (let i = 0; i < n; i++, px += sx, pAcc += sAcc) acc[pAcc] *= a[px];
    }
  },
  // Max and min propagate NaN (as PyTorch): once the accumulator is NaN no comparison replaces it.
  max: (acc, pAcc, sAcc, a, px, sx, n) => {
    for (let i = 0; i < n; i++, px += sx, pAcc += sAcc) {
      const v = a[px], m = acc[pAcc];
      if (v > m || (v !== v && m === m)) acc[pAcc] = v;
    }
  },
  min: (acc, pAcc, sAcc, a, px, sx, n) => {
    for (let i = 0; i < n; i++, px += sx, pAcc += sAcc) {
      const v = a[px], m = acc[pAcc];
      if (v < m || (v !== v && m === m)) acc[pAcc] = v;
    }
  },
};

/** Index of the first max/min along `axis` (NaN counts as the extreme, as PyTorch). */
export function argReduce(op: "argmax" | "argmin", out: NDArray, x: NDArray, axis: number): void {
  const n = x.shape[axis], s = x.strides[axis];
  const outer = x.shape.filter((_, i) => i !== axis);
  const xStrides = x.strides.filter((_, i) => i !== axis);
  const oStrides = out.strides.filter((_, i) => i !== axis);
  const plan = makePlan(outer, [oStrides, xStrides]);
  const [so, sx] = innerStrides(plan);
  const o = out.data, a = x.data;
  const sgn = op === "argmax" ? 1 : -1;
  forEachRow(plan, [out.offset, x.offset], (m, po, px) => {
    for (let r = 0; r < m; r++, po += so, px += sx) {
      let best = 0, bv = a[px] * sgn;
      if (bv === bv) {
        for (let i = 1, p = px + s; i < n; i++, p += s) {
          const v = a[p] * sgn;
          if (v > bv || v !== v) {
            best = i;
            bv = v;
            if (v !== v) break;
          }
        }
      }
      o[po] = best;
    }
  });
}
