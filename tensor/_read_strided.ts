// Reads an NDArray's elements through its strides into a flat typed array, in row-major order.
import type { NDArray } from "./ndarray.ts";
import { forEachRow, makePlan } from "./js/_strided.ts";

/** A writable flat numeric buffer: a typed array or a plain number array. */
export type FlatBuffer = { [i: number]: number; length: number };

/**
 * Copies the elements of `x` in row-major order into `out` from index `at` (converting to the
 * element type of `out`). Contiguous arrays are one `set`; views go row by row.
 */
export function readInto(x: NDArray, out: FlatBuffer, at: number): void {
  const size = x.size;
  if (size === 0) return;
  const data = x.data;
  if (x.isContiguous && ArrayBuffer.isView(out)) {
    (out as unknown as Float64Array).set(data.subarray(x.offset, x.offset + size), at);
    return;
  }
  const plan = makePlan(x.shape, [x.strides]);
  const s = plan.strides[0][plan.strides[0].length - 1];
  let o = at;
  forEachRow(plan, [x.offset], (n, p) => {
    for (let i = 0; i < n; i++, p += s) out[o++] = data[p];
  });
}

/** The elements of `x` in row-major order as float64 (exact for every nnc dtype). */
export function readFloat64(x: NDArray): Float64Array {
  const out = new Float64Array(x.size);
  readInto(x, out, 0);
  return out;
}
