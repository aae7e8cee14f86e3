/**
 * Index-driven selection and accumulation with PyTorch semantics: `gather`, `scatterAdd`,
 * `scatterAddInPlace`, `indexSelect` and `oneHot`. Indices are int32 arrays; every index is checked
 * here, so kernels never read out of bounds.
 *
 * @module
 */
import { fmtShape, normalizeAxis } from "./shape.ts";
import { contiguous } from "./copy.ts";
import { checkDType, type DType } from "./dtype.ts";
import { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { releaseStorage } from "./storage_pool.ts";
import { allocArray, allocOutput, checkIndexArray } from "./_axis.ts";
import { checkInt, checkNDArray, checkOptions } from "./check.ts";

/**
 * Gathers values along `axis` (PyTorch `gather`): `out[...i, j, ...k] = x[...i, index[...i, j, ...k], ...k]`.
 * `index` (int32) has the rank of `x`, is no larger than `x` on the other axes, and the output has
 * its shape.
 *
 * @example
 * ```ts
 * import { array, gather } from "@nnc/tensor";
 * const x = array([[1, 2], [3, 4]]);
 * const picked = gather(x, 1, array([[0, 0], [1, 0]], { dtype: "int32" }));
 * console.assert(picked.toArray().toString() === "1,1,4,3");
 * ```
 */
export function gather(x: NDArray, axis: number, index: NDArray): NDArray {
  checkNDArray(x, "gather", "x");
  checkIndexArray(index, "gather", "index");
  const ax = normalizeAxis(axis, x.ndim, "gather");
  checkRank("gather", index, x, "x");
  for (let d = 0; d < x.ndim; d++) {
    if (d !== ax && index.shape[d] > x.shape[d]) {
      throw new RangeError(
        `gather: index shape ${fmtShape(index.shape)} is larger than x shape ${
          fmtShape(x.shape)
        } at axis ${d}`,
      );
    }
  }
  const idx = checkedIndex(index, axisSize(x, ax), "gather", ax);
  const out = allocArray(x.dtype, index.shape);
  getBackend().gather(out, x, ax, idx);
  releaseIndexCopy(idx, index);
  return out;
}

/**
 * A copy of `x` with `src` added at `index` along `axis` (PyTorch `scatter_add`):
 * `out[...i, index[...i, j, ...k], ...k] += src[...i, j, ...k]` for every position of `index`.
 * `index` (int32) and `src` (`x`'s dtype) have the rank of `x`; `index` is no larger than `src`
 * anywhere, nor than `x` on the other axes. Repeated indices accumulate.
 *
 * @example
 * ```ts
 * import { array, scatterAdd, zeros } from "@nnc/tensor";
 * const counts = scatterAdd(zeros([3]), 0, array([0, 2, 0], { dtype: "int32" }), array([1, 1, 1]));
 * console.assert(counts.toArray().toString() === "2,0,1");
 * ```
 */
export function scatterAdd(x: NDArray, axis: number, index: NDArray, src: NDArray): NDArray {
  const { ax, idx } = checkScatter("scatterAdd", x, axis, index, src);
  const out = allocOutput(x.dtype, x.shape); // the copy writes every element
  getBackend().copy(out, x);
  getBackend().scatterAdd(out, ax, idx, src);
  releaseIndexCopy(idx, index);
  return out;
}

/**
 * {@link scatterAdd} that writes into `x` itself and returns it. `x` must not be a broadcast
 * (expanded) view, whose elements share memory.
 *
 * @example
 * ```ts
 * import { array, scatterAddInPlace, zeros } from "@nnc/tensor";
 * const acc = zeros([2]);
 * scatterAddInPlace(acc, 0, array([1, 1], { dtype: "int32" }), array([0.5, 2]));
 * console.assert(acc.toArray().toString() === "0,2.5");
 * ```
 */
export function scatterAddInPlace(x: NDArray, axis: number, index: NDArray, src: NDArray): NDArray {
  const { ax, idx } = checkScatter("scatterAddInPlace", x, axis, index, src);
  if (x.strides.some((s, d) => s === 0 && x.shape[d] > 1)) {
    throw new RangeError(
      `scatterAddInPlace: x of shape ${
        fmtShape(x.shape)
      } is a broadcast (expanded) view; writes would overlap`,
    );
  }
  if (x.isContiguous) {
    getBackend().scatterAdd(x, ax, idx, src);
    releaseIndexCopy(idx, index);
    return x;
  }
  // Backends write into contiguous outputs only: scatter into a copy and write it back.
  const tmp = contiguous(x);
  getBackend().scatterAdd(tmp, ax, idx, src);
  getBackend().copy(x, tmp);
  return x;
}

/**
 * The entries `index` along `axis` of `x` (PyTorch `index_select`), in the order given; entries may
 * repeat. `index` is a 0-d or 1-d int32 array or a list of non-negative integers.
 *
 * @example
 * ```ts
 * import { array, indexSelect } from "@nnc/tensor";
 * const x = array([[1, 2], [3, 4], [5, 6]]);
 * console.assert(indexSelect(x, 0, [2, 0, 2]).toArray().toString() === "5,6,1,2,5,6");
 * ```
 */
export function indexSelect(x: NDArray, axis: number, index: NDArray | readonly number[]): NDArray {
  checkNDArray(x, "indexSelect", "x");
  const ax = normalizeAxis(axis, x.ndim, "indexSelect");
  const index1 = toIndexArray(index, "indexSelect");
  if (index1.ndim > 1) {
    throw new RangeError(
      `indexSelect: index must be 0-d or 1-d, got shape ${fmtShape(index1.shape)}`,
    );
  }
  const idx = checkedIndex(index1, axisSize(x, ax), "indexSelect", ax);
  if (x.ndim === 0 && idx.size !== 1) {
    throw new RangeError(`indexSelect: a 0-d x takes exactly one index, got ${idx.size}`);
  }
  const shape = [...x.shape];
  if (x.ndim > 0) shape[ax] = idx.size;
  const out = allocOutput(x.dtype, shape); // every element is written
  getBackend().indexSelect(out, x, ax, idx);
  return out;
}

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** Element type of the result. Default `float32` (PyTorch returns int64, which nnc lacks). */
  dtype?: DType;
}

/**
 * One-hot encoding (PyTorch `one_hot`): shape `[...labels.shape, numClasses]`, 1 at each label and
 * 0 elsewhere. `numClasses` -1 (the default) means the largest label plus one.
 *
 * @example
 * ```ts
 * import { oneHot } from "@nnc/tensor";
 * console.assert(oneHot([2, 0], 3).toArray().toString() === "0,0,1,1,0,0");
 * ```
 */
export function oneHot(
  labels: NDArray | readonly number[],
  numClasses = -1,
  options: OneHotOptions = {},
): NDArray {
  const dtype = checkDType(checkOptions(options, "oneHot").dtype ?? "float32", "oneHot");
  const lab = contiguous(toIndexArray(labels, "oneHot"));
  let classes = numClasses;
  if (numClasses === -1) {
    if (lab.size === 0) {
      throw new RangeError("oneHot: cannot infer numClasses from empty labels; pass numClasses");
    }
    classes = 0;
    for (let i = 0; i < lab.size; i++) classes = Math.max(classes, lab.data[lab.offset + i] + 1);
  } else {
    checkInt(numClasses, "oneHot", "numClasses", 1);
  }
  for (let i = 0; i < lab.size; i++) {
    const v = lab.data[lab.offset + i];
    if (v < 0 || v >= classes) {
      throw new RangeError(`oneHot: label ${v} is out of range for ${classes} classes`);
    }
  }
  const out = allocArray(dtype, [...lab.shape, classes]);
  const indexShape = [...lab.shape, 1];
  const index = new NDArray(lab.storage, indexShape, undefined, lab.offset);
  // A single 1 broadcast to every position of the index.
  const one = allocArray(dtype, []);
  one.data[0] = 1;
  const src = new NDArray(one.storage, indexShape, indexShape.map(() => 0));
  getBackend().scatterAdd(out, out.ndim - 1, index, src);
  return out;
}

// ----- helpers -----

function checkRank(op: string, a: NDArray, x: NDArray, name: string): void {
  if (a.ndim !== x.ndim) {
    throw new RangeError(
      `${op}: index has rank ${a.ndim} (shape ${
        fmtShape(a.shape)
      }) but ${name} has rank ${x.ndim} (shape ${fmtShape(x.shape)}); they must match`,
    );
  }
}

function axisSize(x: NDArray, axis: number): number {
  return x.ndim === 0 ? 1 : x.shape[axis];
}

function checkScatter(
  op: string,
  x: NDArray,
  axis: number,
  index: NDArray,
  src: NDArray,
): { ax: number; idx: NDArray } {
  checkNDArray(x, op, "x");
  checkIndexArray(index, op, "index");
  checkNDArray(src, op, "src");
  if (src.dtype !== x.dtype) {
    throw new TypeError(`${op}: src dtype ${src.dtype} differs from x dtype ${x.dtype}`);
  }
  const ax = normalizeAxis(axis, x.ndim, op);
  checkRank(op, index, x, "x");
  checkRank(op, index, src, "src");
  for (let d = 0; d < x.ndim; d++) {
    if (index.shape[d] > src.shape[d]) {
      throw new RangeError(
        `${op}: index shape ${fmtShape(index.shape)} is larger than src shape ${
          fmtShape(src.shape)
        } at axis ${d}`,
      );
    }
    if (d !== ax && index.shape[d] > x.shape[d]) {
      throw new RangeError(
        `${op}: index shape ${fmtShape(index.shape)} is larger than x shape ${
          fmtShape(x.shape)
        } at axis ${d}`,
      );
    }
  }
  return { ax, idx: checkedIndex(index, axisSize(x, ax), op, ax) };
}

/** An int32 array from an index argument (an int32 NDArray, or a list of integers as a 1-d array). */
function toIndexArray(index: NDArray | readonly number[], op: string): NDArray {
  if (index instanceof NDArray) {
    checkIndexArray(index, op, "index");
    return index;
  }
  if (!Array.isArray(index)) {
    throw new TypeError(
      `${op}: index must be an int32 NDArray or an array of integers, got ${typeof index}`,
    );
  }
  const data = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const v = index[i];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) {
      throw new TypeError(
        `${op}: index entries must be integers, got ${String(v)} at position ${i}`,
      );
    }
    if (v < -(2 ** 31) || v >= 2 ** 31) throw new RangeError(`${op}: index ${v} is out of range`);
    data[i] = v;
  }
  return NDArray.fromTyped(data, [index.length]);
}

/**
 * Hands the contiguous copy that {@link checkedIndex} made of a strided `index` (an embedding's
 * expanded token ids: 1 MiB a step in W5) to the storage pool once the kernel has read it.
 */
function releaseIndexCopy(idx: NDArray, index: NDArray): void {
  if (idx !== index) releaseStorage(idx.data);
}

/** A contiguous copy of `index` whose every entry is checked to lie in `[0, size)`. */
function checkedIndex(index: NDArray, size: number, op: string, axis: number): NDArray {
  const c = contiguous(index);
  const d = c.data;
  for (let i = c.offset, end = c.offset + c.size; i < end; i++) {
    const v = d[i];
    if (v < 0 || v >= size) {
      throw new RangeError(`${op}: index ${v} is out of range for axis ${axis} of size ${size}`);
    }
  }
  return c;
}
