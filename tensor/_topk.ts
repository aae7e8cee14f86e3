// The small-k path of `topk`: one pass over each row keeping the best k in a sorted buffer (the
// output row itself), which for k << n costs about one comparison per element instead of a sort.
import type { TypedArray } from "./dtype.ts";
import type { NDArray } from "./ndarray.ts";
import { nextRow } from "./js/_strided.ts";

/**
 * Writes the `k` (>= 0, < row length) largest or smallest entries of each row (last axis) of `rows`
 * (any strides: a permuted view needs no copy) into the contiguous `values`/`indices` buffers, `k`
 * per row, best first. Ties keep the earlier position first and NaN ranks above every number,
 * exactly as the first `k` entries of a stable descending (or ascending) sort.
 */
export function selectTopk(
  values: TypedArray,
  indices: TypedArray,
  rows: NDArray,
  k: number,
  largest: boolean,
): void {
  if (k === 0 || rows.size === 0) return;
  const shape = rows.ndim === 0 ? [1] : rows.shape;
  const strides = [rows.ndim === 0 ? [0] : rows.strides];
  const last = shape.length - 1;
  const n = shape[last], step = strides[0][last];
  const offsets = [rows.offset];
  const coord = new Int32Array(shape.length);
  const xd = rows.data;
  for (let r = 0, count = rows.size / n; r < count; r++) {
    if (largest) largestRow(xd, offsets[0], step, n, values, indices, r * k, k);
    else smallestRow(xd, offsets[0], step, n, values, indices, r * k, k);
    nextRow(shape, coord, strides, offsets);
  }
}

// A new entry displaces the worst kept one only when strictly better, so among equals the
// earlier position stays, as in a stable sort.
function largestRow(
  xd: TypedArray,
  xo: number,
  step: number,
  n: number,
  vd: TypedArray,
  id: TypedArray,
  o: number,
  k: number,
): void {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = xd[xo + i * step];
    let pos: number;
    if (kept < k) {
      pos = kept++;
    } else {
      const w = vd[o + k - 1];
      if (!(v > w || (v !== v && w === w))) continue;
      pos = k - 1;
    }
    for (; pos > 0; pos--) {
      const w = vd[o + pos - 1];
      if (!(v > w || (v !== v && w === w))) break;
      vd[o + pos] = w;
      id[o + pos] = id[o + pos - 1];
    }
    vd[o + pos] = v;
    id[o + pos] = i;
  }
}

function smallestRow(
  xd: TypedArray,
  xo: number,
  step: number,
  n: number,
  vd: TypedArray,
  id: TypedArray,
  o: number,
  k: number,
): void {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = xd[xo + i * step];
    let pos: number;
    if (kept < k) {
      pos = kept++;
    } else {
      const w = vd[o + k - 1];
      if (!(v < w || (w !== w && v === v))) continue;
      pos = k - 1;
    }
    for (; pos > 0; pos--) {
      const w = vd[o + pos - 1];
      if (!(v < w || (w !== w && v === v))) break;
      vd[o + pos] = w;
      id[o + pos] = id[o + pos - 1];
    }
    vd[o + pos] = v;
    id[o + pos] = i;
  }
}
