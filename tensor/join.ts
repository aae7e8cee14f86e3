/**
 * Joining and splitting along an axis: `concat`, `stack`, `split`, `chunk` (PyTorch `cat`,
 * `stack`, `split`, `chunk`).
 *
 * @module
 */
import { promoteTypes } from "./dtype.ts";
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { fmtShape, normalizeAxis } from "./shape.ts";
import { allocArray, axisView } from "./_axis.ts";
import { checkInt, checkNDArray, describe } from "./check.ts";

/**
 * Joins arrays along an existing axis. Shapes must agree except along `axis`; the result has the
 * promoted dtype of all inputs (int32 with float32 gives float32).
 *
 * @example
 * ```ts
 * import { array, concat } from "@nnc/tensor";
 * const c = concat([array([[1, 2]]), array([[3, 4], [5, 6]])]);
 * console.assert(c.shape.join() === "3,2" && c.toArray().toString() === "1,2,3,4,5,6");
 * ```
 */
export function concat(arrays: readonly NDArray[], axis = 0): NDArray {
  checkList(arrays, "concat");
  const first = arrays[0];
  if (first.ndim === 0) {
    throw new RangeError("concat: 0-d arrays cannot be concatenated; use stack");
  }
  const ax = normalizeAxis(axis, first.ndim, "concat");
  let dtype = first.dtype;
  let total = 0;
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i];
    const agrees = a.ndim === first.ndim &&
      a.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!agrees) {
      throw new RangeError(
        `concat: array ${i} has shape ${fmtShape(a.shape)} but array 0 has shape ${
          fmtShape(first.shape)
        }; they must match except along axis ${ax}`,
      );
    }
    dtype = promoteTypes(dtype, a.dtype);
    total += a.shape[ax];
  }
  const shape = [...first.shape];
  shape[ax] = total;
  const out = allocArray(dtype, shape);
  const backend = getBackend();
  let start = 0;
  for (const a of arrays) {
    if (a.size > 0) backend.copy(axisView(out, ax, start, a.shape[ax]), a);
    start += a.shape[ax];
  }
  return out;
}

/**
 * Joins arrays of one shape along a new axis (`-1` = a new last axis).
 *
 * @example
 * ```ts
 * import { array, stack } from "@nnc/tensor";
 * const s = stack([array([1, 2]), array([3, 4])], 1);
 * console.assert(s.shape.join() === "2,2" && s.toArray().toString() === "1,3,2,4");
 * ```
 */
export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  checkList(arrays, "stack");
  const first = arrays[0];
  const ax = normalizeAxis(axis, first.ndim + 1, "stack");
  for (let i = 1; i < arrays.length; i++) {
    const a = arrays[i];
    if (a.ndim !== first.ndim || a.shape.some((d, j) => d !== first.shape[j])) {
      throw new RangeError(
        `stack: array ${i} has shape ${fmtShape(a.shape)} but array 0 has shape ${
          fmtShape(first.shape)
        }; all must be equal`,
      );
    }
  }
  return concat(arrays.map((a) => a.unsqueeze(ax)), ax);
}

/**
 * Splits into views along `axis`: a number is the size of each piece (the last may be smaller), a
 * list gives each piece's size and must sum to the axis size.
 *
 * @example
 * ```ts
 * import { arange, split } from "@nnc/tensor";
 * const parts = split(arange(5), 2);
 * console.assert(parts.map((p) => p.toArray().toString()).join(" | ") === "0,1 | 2,3 | 4");
 * console.assert(split(arange(5), [1, 4])[1].toArray().toString() === "1,2,3,4");
 * ```
 */
export function split(x: NDArray, sizeOrSections: number | readonly number[], axis = 0): NDArray[] {
  checkNDArray(x, "split", "x");
  if (x.ndim === 0) throw new RangeError("split: cannot split a 0-d array");
  const ax = normalizeAxis(axis, x.ndim, "split");
  const n = x.shape[ax];
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    const size = checkInt(sizeOrSections, "split", "the piece size", 1);
    sizes = [];
    for (let start = 0; start < n; start += size) sizes.push(Math.min(size, n - start));
    if (n === 0) sizes.push(0);
  } else if (Array.isArray(sizeOrSections)) {
    sizes = sizeOrSections.map((s, i) => checkInt(s, "split", `section ${i}`, 0));
    const sum = sizes.reduce((p, s) => p + s, 0);
    if (sum !== n) {
      throw new RangeError(
        `split: sections [${sizes.join(", ")}] sum to ${sum} but axis ${ax} of ${
          fmtShape(x.shape)
        } has size ${n}`,
      );
    }
  } else {
    throw new TypeError(
      `split: sizeOrSections must be a number or an array of numbers, got ${
        describe(sizeOrSections)
      }`,
    );
  }
  return piecesOf(x, ax, sizes);
}

/**
 * Splits into `chunks` views of equal size along `axis` (the last may be smaller; as in PyTorch,
 * fewer than `chunks` pieces come back when the size does not allow that many).
 *
 * @example
 * ```ts
 * import { arange, chunk } from "@nnc/tensor";
 * console.assert(chunk(arange(6), 4).map((p) => p.size).join() === "2,2,2");
 * ```
 */
export function chunk(x: NDArray, chunks: number, axis = 0): NDArray[] {
  checkNDArray(x, "chunk", "x");
  checkInt(chunks, "chunk", "chunks", 1);
  if (x.ndim === 0) throw new RangeError("chunk: cannot split a 0-d array");
  const ax = normalizeAxis(axis, x.ndim, "chunk");
  const n = x.shape[ax];
  if (n === 0) return piecesOf(x, ax, new Array<number>(chunks).fill(0));
  return split(x, Math.ceil(n / chunks), ax);
}

function checkList(arrays: readonly NDArray[], op: string): void {
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new TypeError(`${op}: expected a non-empty array of NDArrays, got ${describe(arrays)}`);
  }
  arrays.forEach((a, i) => checkNDArray(a, op, `arrays[${i}]`));
}

function piecesOf(x: NDArray, axis: number, sizes: readonly number[]): NDArray[] {
  const out: NDArray[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(axisView(x, axis, start, s));
    start += s;
  }
  return out;
}
