/**
 * Map-style data sets: the {@link Dataset} interface (a length and random access), the
 * {@link TensorDataset} over arrays that share their first dimension, {@link Subset} and
 * {@link randomSplit}.
 *
 * @module
 */
import { checkOptions, describe, NDArray } from "@nnc/tensor";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { checkDataset } from "./_check.ts";

/**
 * Anything with a length and a sample at each index `0..length-1`.
 *
 * @example
 * ```ts
 * import type { Dataset } from "@nnc/datasets";
 * const squares: Dataset<number> = { length: 5, get: (i) => i * i };
 * console.assert(squares.get(3) === 9);
 * ```
 */
export interface Dataset<T> {
  /** Number of samples. */
  readonly length: number;
  /** The sample at an index in `0..length-1`. */
  get(index: number): T;
}

/**
 * Samples that are rows of arrays: sample `i` is `[a[i], b[i], …]` (views, not copies). The arrays
 * must agree in their first dimension; non-contiguous arrays are made contiguous once, here, so
 * that loaders can gather rows straight from storage.
 *
 * @example
 * ```ts
 * import { TensorDataset } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const ds = new TensorDataset(array([[1, 2], [3, 4], [5, 6]]), array([0, 1, 0], { dtype: "int32" }));
 * const [x, y] = ds.get(1);
 * console.assert(ds.length === 3 && x.toArray().toString() === "3,4" && y.item() === 1);
 * ```
 */
export class TensorDataset implements Dataset<NDArray[]> {
  /** The arrays, contiguous. */
  readonly arrays: readonly NDArray[];

  /** A data set over one or more arrays with equal first dimensions. */
  constructor(...arrays: NDArray[]) {
    if (arrays.length === 0) throw new TypeError("TensorDataset: expected at least one array");
    arrays.forEach((a, i) => {
      if (!(a instanceof NDArray)) {
        throw new TypeError(`TensorDataset: argument ${i} is ${describe(a)}, expected an NDArray`);
      }
      if (a.ndim === 0) {
        throw new RangeError(
          `TensorDataset: argument ${i} is 0-d; every array needs a first (sample) dimension`,
        );
      }
      if (a.shape[0] !== arrays[0].shape[0]) {
        throw new RangeError(
          `TensorDataset: array ${i} has ${a.shape[0]} rows but array 0 has ${arrays[0].shape[0]}`,
        );
      }
    });
    this.arrays = Object.freeze(arrays.map((a) => a.contiguous()));
  }

  /** Number of samples (rows). */
  get length(): number {
    return this.arrays[0].shape[0];
  }

  /** Row `index` of every array, as views. */
  get(index: number): NDArray[] {
    checkIndex(index, this.length, "TensorDataset.get");
    return this.arrays.map((a) => a.slice(index));
  }
}

/**
 * The samples of a data set at chosen indices, in that order.
 *
 * @example
 * ```ts
 * import { Subset, TensorDataset } from "@nnc/datasets";
 * import { arange } from "@nnc/tensor";
 * const sub = new Subset(new TensorDataset(arange(10)), [9, 0]);
 * console.assert(sub.length === 2 && sub.get(0)[0].item() === 9);
 * ```
 */
export class Subset<T> implements Dataset<T> {
  /** The underlying data set. */
  readonly dataset: Dataset<T>;
  /** Indices into it. */
  readonly indices: Int32Array;

  /** A view of `dataset` at `indices` (each in `0..dataset.length-1`). */
  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    checkDataset(dataset, "Subset");
    if (
      indices === null || typeof indices !== "object" ||
      !Number.isSafeInteger((indices as ArrayLike<number>).length)
    ) {
      throw new TypeError(`Subset: indices must be an array of integers, got ${describe(indices)}`);
    }
    const idx = Int32Array.from(indices as ArrayLike<number>);
    for (let i = 0; i < idx.length; i++) {
      const v = (indices as ArrayLike<number>)[i];
      if (!Number.isInteger(v) || v < 0 || v >= dataset.length) {
        throw new RangeError(
          `Subset: index ${v} at position ${i} is out of range for a data set of length ${dataset.length}`,
        );
      }
    }
    this.dataset = dataset;
    this.indices = idx;
  }

  /** Number of samples. */
  get length(): number {
    return this.indices.length;
  }

  /** Sample `indices[index]` of the underlying data set. */
  get(index: number): T {
    checkIndex(index, this.length, "Subset.get");
    return this.dataset.get(this.indices[index]);
  }
}

/**
 * Splits a data set at random into non-overlapping subsets, of given sizes or of given fractions
 * (which must sum to 1; rounding leftovers go to the first parts, as PyTorch does).
 *
 * @example
 * ```ts
 * import { randomSplit, TensorDataset } from "@nnc/datasets";
 * import { arange } from "@nnc/tensor";
 * const [train, val, test] = randomSplit(new TensorDataset(arange(10)), [0.7, 0.2, 0.1], { seed: 0 });
 * console.assert(train.length === 7 && val.length === 2 && test.length === 1);
 * ```
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  options: RandomSource = {},
): Subset<T>[] {
  const op = "randomSplit";
  checkDataset(dataset, op);
  if (
    !Array.isArray(lengths) || lengths.length === 0 ||
    !lengths.every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0)
  ) {
    throw new TypeError(
      `${op}: lengths must be a non-empty array of non-negative numbers, got ${describe(lengths)}`,
    );
  }
  const n = dataset.length;
  let sizes: number[];
  if (lengths.every(Number.isInteger) && lengths.reduce((a, b) => a + b, 0) === n) {
    sizes = [...lengths];
  } else if (Math.abs(lengths.reduce((a, b) => a + b, 0) - 1) < 1e-9) {
    sizes = lengths.map((f) => Math.floor(f * n));
    let left = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; left > 0; i = (i + 1) % sizes.length, left--) sizes[i]++;
  } else {
    throw new RangeError(
      `${op}: lengths [${
        lengths.join(", ")
      }] neither sum to the data set's length ${n} nor are fractions summing to 1`,
    );
  }
  const perm = resolveRng(checkOptions(options, op), op).permutation(n);
  let at = 0;
  return sizes.map((s) => new Subset(dataset, perm.subarray(at, at += s)));
}

function checkIndex(index: number, length: number, op: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${op}: index ${describe(index)} is out of range for length ${length}`);
  }
}
