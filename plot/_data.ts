// Reading plotted data: contiguous values of an NDArray and class indices from scores.
import { argmax, asNDArray, describe, fmtShape, type NDArray, type TypedArray } from "@nnc/tensor";

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

/**
 * A matrix given as rows of numbers or as a 2-d NDArray(-like), flattened row by row; errors name
 * `op` (a ragged or empty matrix, a value that is not a number, another rank).
 */
export function matrixOf(
  values: unknown,
  op: string,
): { rows: number; cols: number; data: Float64Array } {
  if (Array.isArray(values)) {
    const cols = Array.isArray(values[0]) ? values[0].length : -1;
    values.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols || !row.every((v) => typeof v === "number")) {
        throw new TypeError(
          `${op}: values must be a 2-d array of numbers with rows of equal length; row ${i} is ${
            describe(row)
          }`,
        );
      }
    });
    if (values.length === 0 || cols === 0) throw new RangeError(`${op}: values are empty`);
    return { rows: values.length, cols, data: Float64Array.from((values as number[][]).flat()) };
  }
  const a = asNDArray(values, op, "values");
  if (a.ndim !== 2) throw new RangeError(`${op}: values must be 2-d, got ${fmtShape(a.shape)}`);
  const [rows, cols] = a.shape;
  if (rows === 0 || cols === 0) throw new RangeError(`${op}: values are empty`);
  const { data, offset } = flatData(a);
  return { rows, cols, data: Float64Array.from(data.subarray(offset, offset + rows * cols)) };
}
