/**
 * Ordering: `sort`, `argsort` and `topk` along any axis.
 *
 * Order follows NumPy and PyTorch: sorts are stable (equal values keep their order, in both
 * directions), NaN counts as larger than +∞ (last when ascending, first when descending, and
 * among the largest for `topk`), and -0 equals +0.
 *
 * @module
 */
import { normalizeAxis } from "./shape.ts";
import { contiguous } from "./copy.ts";
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { allocArray, axisBackPermutation, axisLastPermutation, axisView } from "./_axis.ts";
import { checkBool, checkInt, checkNDArray, checkOptions } from "./check.ts";
import { selectTopk } from "./_topk.ts";

// `topk` scans each row once with a k-slot insertion buffer up to this k, and sorts whole rows
// above it, where the O(n·k) worst case of the scan would lose to the sort.
const SELECT_MAX_K = 16;

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** Axis to sort along; the last by default. Negative values count from the end. */
  axis?: number;
  /** Largest first. Default false. */
  descending?: boolean;
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** Axis to search; the last by default. */
  axis?: number;
  /** The `k` largest (default) or, when false, the `k` smallest. */
  largest?: boolean;
  /**
   * Accepted for PyTorch compatibility: results always come sorted (largest first, or smallest
   * first when `largest` is false), which `sorted: false` permits.
   */
  sorted?: boolean;
}

/** Values and the int32 positions they came from along the axis. */
export interface SortResult {
  /** The selected values, in order. */
  values: NDArray;
  /** Their positions along the axis in the input (int32). */
  indices: NDArray;
}

/**
 * Sorts along an axis (the last by default) and returns the sorted values with their original
 * positions. Stable; NaN last (first when `descending`).
 *
 * @example
 * ```ts
 * import { array, sort } from "@nnc/tensor";
 * const { values, indices } = sort(array([3, 1, 2, 1]));
 * console.assert(values.toArray().toString() === "1,1,2,3");
 * console.assert(indices.toArray().toString() === "1,3,2,0");
 * ```
 */
export function sort(x: NDArray, options?: SortOptions): SortResult {
  return sortAs("sort", x, options);
}

function sortAs(op: string, x: NDArray, options: SortOptions | undefined): SortResult {
  checkNDArray(x, op, "x");
  options = checkOptions(options, op);
  const ax = normalizeAxis(options.axis ?? -1, x.ndim, op);
  const descending = checkBool(options.descending ?? false, op, "descending");
  const rows = axisLast(x, ax);
  const values = allocArray(x.dtype, rows.shape);
  const indices = allocArray("int32", rows.shape);
  getBackend().sort(values, indices, rows, descending);
  return { values: axisBack(values, ax), indices: axisBack(indices, ax) };
}

/**
 * The int32 positions that sort `x` along an axis: `sort(x, options).indices`.
 *
 * @example
 * ```ts
 * import { argsort, array } from "@nnc/tensor";
 * console.assert(argsort(array([[3, 1, 2]]), { descending: true }).toArray().toString() === "0,2,1");
 * ```
 */
export function argsort(x: NDArray, options?: SortOptions): NDArray {
  return sortAs("argsort", x, options).indices;
}

/**
 * The `k` largest (or smallest) values along an axis, sorted, with their positions. Ties keep
 * the earlier position first; NaN ranks above every number.
 *
 * @example
 * ```ts
 * import { array, topk } from "@nnc/tensor";
 * const { values, indices } = topk(array([[1, 5, 3, 5]]), 2);
 * console.assert(values.toArray().toString() === "5,5" && indices.toArray().toString() === "1,3");
 * ```
 */
export function topk(x: NDArray, k: number, options?: TopkOptions): SortResult {
  checkNDArray(x, "topk", "x");
  options = checkOptions(options, "topk");
  const ax = normalizeAxis(options.axis ?? -1, x.ndim, "topk");
  const largest = checkBool(options.largest ?? true, "topk", "largest");
  checkBool(options.sorted ?? true, "topk", "sorted");
  const n = x.ndim === 0 ? 1 : x.shape[ax];
  checkInt(k, "topk", `k (for an axis of size ${n})`, 0, n);
  const moved = x.ndim === 0 ? x : x.permute(axisLastPermutation(x.ndim, ax));
  const shape = x.ndim > 0 ? [...moved.shape.slice(0, -1), k] : k === 1 ? [] : [0];
  const values = allocArray(x.dtype, shape);
  const indices = allocArray("int32", shape);
  if (k <= SELECT_MAX_K && k < n) {
    selectTopk(values.data, indices.data, moved, k, largest);
  } else if (k > 0) {
    const rows = contiguous(moved);
    const all = sort(rows, { descending: largest });
    const last = rows.ndim - 1;
    getBackend().copy(values, last < 0 ? all.values : axisView(all.values, last, 0, k));
    getBackend().copy(indices, last < 0 ? all.indices : axisView(all.indices, last, 0, k));
  }
  return { values: axisBack(values, ax), indices: axisBack(indices, ax) };
}

/** `x` with `axis` moved last, contiguous (the sort kernel works on rows). */
function axisLast(x: NDArray, axis: number): NDArray {
  if (x.ndim === 0 || axis === x.ndim - 1) return contiguous(x);
  return contiguous(x.permute(axisLastPermutation(x.ndim, axis)));
}

/** Undoes {@link axisLast} on a result, returning a contiguous array. */
function axisBack(a: NDArray, axis: number): NDArray {
  if (a.ndim === 0 || axis === a.ndim - 1) return a;
  return contiguous(a.permute(axisBackPermutation(a.ndim, axis)));
}
