// Reading plotted data: contiguous values of an NDArray and class indices from scores.
import { argmax, fmtShape, type NDArray, type TypedArray } from "@nnc/tensor";

/** A contiguous view's typed array and offset, for tight loops. */
export function flatData(a: NDArray): { data: TypedArray; offset: number } {
  const c = a.isContiguous ? a : a.contiguous();
  return { data: c.data, offset: c.offset };
}

/**
 * Class indices from `[N]` indices, `[N, C]` scores (argmax of each row) or `[N, 1]`
 * probabilities (above 0.5 is class 1).
 */
export function classIndices(a: NDArray, op: string, name: string): Int32Array {
  if (a.ndim === 1) {
    const { data, offset } = flatData(a);
    return Int32Array.from(data.subarray(offset, offset + a.size), Math.round);
  }
  if (a.ndim !== 2) {
    throw new RangeError(
      `${op}: ${name} must be [N] class indices or [N, C] scores, got ${fmtShape(a.shape)}`,
    );
  }
  if (a.shape[1] >= 2) {
    const { data, offset } = flatData(argmax(a, { axis: 1 }));
    return Int32Array.from(data.subarray(offset, offset + a.shape[0]));
  }
  const { data, offset } = flatData(a);
  return Int32Array.from(data.subarray(offset, offset + a.shape[0]), (v) => (v > 0.5 ? 1 : 0));
}

/** Creates the parent folder of a file path. */
export async function ensureParent(path: string): Promise<void> {
  const i = path.lastIndexOf("/");
  if (i > 0) await Deno.mkdir(path.slice(0, i), { recursive: true });
}
