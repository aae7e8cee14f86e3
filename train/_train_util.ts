// Conversions shared by the training loop, metrics and callbacks.
import { asNDArray, type NDArray, type TypedArray } from "@nnc/tensor";

/** The NDArray behind an input (an NDArray, or a Tensor's data), validated. */
export function toNd(x: unknown, op: string, name: string): NDArray {
  return asNDArray(x, op, name);
}

/** A contiguous view's typed array and offset, for tight loops. */
export function flatData(a: NDArray): { data: TypedArray; offset: number } {
  const c = a.isContiguous ? a : a.contiguous();
  return { data: c.data, offset: c.offset };
}

/** Creates the parent folder of a file path. */
export async function ensureParent(path: string): Promise<void> {
  const i = path.lastIndexOf("/");
  if (i > 0) await Deno.mkdir(path.slice(0, i), { recursive: true });
}
