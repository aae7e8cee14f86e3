// JS kernel: softmax and log-softmax along one axis, shifted by the maximum for stability.
import type { NDArray } from "../ndarray.ts";
import { LANES, laneTotal } from "./_lane_sum.ts";
import { forEachRow, innerStrides, makePlan } from "./_strided.ts";

const laneSums = new Float64Array(LANES);

/** Softmax (or log-softmax) of `x` along `axis` into `out` (same shape). */
export function softmax(out: NDArray, x: NDArray, axis: number, log: boolean): void {
  const n = x.shape[axis], sx = x.strides[axis], so = out.strides[axis];
  if (n === 0) return;
  const outer = x.shape.filter((_, i) => i !== axis);
  const plan = makePlan(outer, [
    out.strides.filter((_, i) => i !== axis),
    x.strides.filter((_, i) => i !== axis),
  ]);
  const [ro, rx] = innerStrides(plan);
  const o = out.data, a = x.data;
  forEachRow(plan, [out.offset, x.offset], (m, po, px) => {
    for (let r = 0; r < m; r++, po += ro, px += rx) {
      let mx = -Infinity;
      for (let i = 0, p = px; i < n; i++, p += sx) if (a[p] > mx || a[p] !== a[p]) mx = a[p];
      if (mx === -Infinity) mx = 0;
      // Eight lane sums (lane i mod 8 in order) combined pairwise: libnnc's order (reduce.c).
      const lanes = laneSums.fill(0);
      for (let i = 0, p = px; i < n; i++, p += sx) lanes[i & 7] += Math.exp(a[p] - mx);
      const s = laneTotal(lanes);
      if (log) {
        const lse = mx + Math.log(s);
        for (let i = 0, p = px, q = po; i < n; i++, p += sx, q += so) o[q] = a[p] - lse;
      } else {
        const inv = 1 / s;
        for (let i = 0, p = px, q = po; i < n; i++, p += sx, q += so) {
          o[q] = Math.exp(a[p] - mx) * inv;
        }
      }
    }
  });
}
