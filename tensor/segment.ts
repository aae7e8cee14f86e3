/**
 * Unsorted segment reductions (PyTorch Geometric's `scatter(src, index, reduce=…)`, TensorFlow's
 * `unsorted_segment_*`): row `e` of `src` belongs to segment `index[e]`, and each segment's rows
 * are summed, averaged, maximised or minimised, or softmax-normalised. In a graph the segments are
 * the nodes and the rows the edges (messages), so these are the aggregations of message passing
 * and the readouts that pool a batch of graphs.
 *
 * @module
 */
import { NDArray } from "./ndarray.ts";
import { allocArray } from "./_axis.ts";
import { contiguous } from "./copy.ts";
import { getBackend } from "./registry.ts";
import { checkIndexList, checkInt, describe } from "./check.ts";
import { fmtShape, sizeOf } from "./shape.ts";
import { div, exp, sub } from "./elementwise.ts";
import { indexSelect } from "./indexing.ts";
import { checkFloatArray } from "./_sparse_check.ts";

/** How {@link segmentReduce} combines the rows of a segment. */
export type SegmentReduction = "sum" | "mean" | "max" | "min";

/** The values and positions of segment maxima or minima. */
export interface SegmentArgResult {
  /** `[numSegments, ...F]`: the extreme of each segment (0 for an empty one). */
  values: NDArray;
  /** int32 `[numSegments, ...F]`: the row of `src` it came from (-1 for an empty segment). */
  indices: NDArray;
}

interface Checked {
  src: NDArray;
  index: NDArray;
  rest: number[];
  width: number;
}

function check(
  op: string,
  src: unknown,
  index: unknown,
  numSegments: unknown,
  float: boolean,
): Checked {
  if (!(src instanceof NDArray)) {
    throw new TypeError(`${op}: src must be an NDArray, got ${describe(src)}`);
  }
  if (float) checkFloatArray(src, op, "src");
  if (src.ndim < 1) throw new RangeError(`${op}: src must be at least 1-d, got a 0-d array`);
  const n = checkInt(numSegments, op, "numSegments", 0, 2 ** 31 - 1);
  const idx = checkIndexList(index, n, op, "index", `0..${n - 1} (numSegments ${n})`);
  if (idx.size !== src.shape[0]) {
    throw new RangeError(
      `${op}: index has ${idx.size} entries but src has ${src.shape[0]} rows (shape ${
        fmtShape(src.shape)
      })`,
    );
  }
  const rest = src.shape.slice(1);
  return { src: contiguous(src), index: contiguous(idx), rest, width: sizeOf(rest) };
}

function run(
  op: "sum" | "max" | "min",
  c: Checked,
  n: number,
): { values: NDArray; indices: NDArray | null } {
  const e = c.src.shape[0];
  const out = allocArray(c.src.dtype, [n, c.width]);
  const arg = op === "sum" ? null : allocArray("int32", [n, c.width]);
  getBackend().segmentReduce(op, out, arg, c.src.reshape([e, c.width]), c.index);
  return {
    values: out.reshape([n, ...c.rest]),
    indices: arg === null ? null : arg.reshape([n, ...c.rest]),
  };
}

/**
 * Reduces the rows of `src` `[E, ...F]` by segment: `out[i] = reduce{ src[e] : index[e] = i }`,
 * shape `[numSegments, ...F]`. `index` holds one integer in `0..numSegments-1` per row. Sums add
 * in row order; `mean` divides by the row count; an empty segment is 0 for every reduction (as in
 * PyTorch Geometric). `mean` needs float `src`.
 *
 * @example
 * ```ts
 * import { array, segmentReduce } from "@nnc/tensor";
 * const src = array([[1, 2], [3, 4], [5, 6]]);
 * console.assert(segmentReduce(src, [0, 2, 0], 3, "sum").toArray().toString() === "6,8,0,0,3,4");
 * console.assert(segmentReduce(src, [0, 2, 0], 3, "mean").toArray().toString() === "3,4,0,0,3,4");
 * console.assert(segmentReduce(src, [0, 2, 0], 3, "max").toArray().toString() === "5,6,0,0,3,4");
 * ```
 */
export function segmentReduce(
  src: NDArray,
  index: NDArray | readonly number[],
  numSegments: number,
  reduce: SegmentReduction = "sum",
): NDArray {
  const op = "segmentReduce";
  if (reduce !== "sum" && reduce !== "mean" && reduce !== "max" && reduce !== "min") {
    throw new TypeError(
      `${op}: reduce must be "sum", "mean", "max" or "min", got ${describe(reduce)}`,
    );
  }
  const c = check(op, src, index, numSegments, reduce === "mean");
  if (reduce !== "mean") return run(reduce, c, numSegments).values;
  const sum = run("sum", c, numSegments).values;
  const counts = segmentCount(c.index, numSegments);
  const denom = allocArray(sum.dtype, [numSegments, ...c.rest.map(() => 1)]);
  for (let i = 0; i < numSegments; i++) denom.data[i] = Math.max(1, counts.data[i]);
  return div(sum, denom);
}

/**
 * Segment maxima or minima with the rows they came from (what the gradient of a max aggregation
 * routes through): the first extreme wins ties, NaN wins over numbers.
 *
 * @example
 * ```ts
 * import { array, segmentArgReduce } from "@nnc/tensor";
 * const { values, indices } = segmentArgReduce(array([4, 9, 1]), [1, 1, 1], 3, "max");
 * console.assert(values.toArray().toString() === "0,9,0" && indices.toArray().toString() === "-1,1,-1");
 * ```
 */
export function segmentArgReduce(
  src: NDArray,
  index: NDArray | readonly number[],
  numSegments: number,
  reduce: "max" | "min",
): SegmentArgResult {
  const op = "segmentArgReduce";
  if (reduce !== "max" && reduce !== "min") {
    throw new TypeError(`${op}: reduce must be "max" or "min", got ${describe(reduce)}`);
  }
  const r = run(reduce, check(op, src, index, numSegments, false), numSegments);
  return { values: r.values, indices: r.indices! };
}

/**
 * The number of rows in each segment, int32 `[numSegments]` (a bincount; in a graph, in-degrees).
 *
 * @example
 * ```ts
 * import { segmentCount } from "@nnc/tensor";
 * console.assert(segmentCount([2, 0, 2], 4).toArray().toString() === "1,0,2,0");
 * ```
 */
export function segmentCount(index: NDArray | readonly number[], numSegments: number): NDArray {
  const op = "segmentCount";
  const n = checkInt(numSegments, op, "numSegments", 0, 2 ** 31 - 1);
  const idx = checkIndexList(index, n, op, "index", `0..${n - 1} (numSegments ${n})`);
  const out = new Int32Array(n);
  const d = idx.data, o = idx.offset;
  for (let e = 0; e < idx.size; e++) out[d[o + e]]++;
  return NDArray.fromTyped(out, [n]);
}

/**
 * Softmax of the rows of each segment (PyTorch Geometric's `utils.softmax`):
 * `out[e] = exp(src[e] − m) / Σ_{index[e'] = index[e]} exp(src[e'] − m)` with `m` the segment's
 * maximum, for each trailing position separately. Attention over a node's incoming edges.
 *
 * @example
 * ```ts
 * import { array, segmentSoftmax } from "@nnc/tensor";
 * const p = segmentSoftmax(array([0, Math.log(3), 5]), [0, 0, 1], 2);
 * console.assert([...p.data].map((v) => v.toFixed(2)).join() === "0.25,0.75,1.00");
 * ```
 */
export function segmentSoftmax(
  src: NDArray,
  index: NDArray | readonly number[],
  numSegments: number,
): NDArray {
  const c = check("segmentSoftmax", src, index, numSegments, true);
  const max = run("max", c, numSegments).values;
  const shifted = exp(sub(c.src, indexSelect(max, 0, c.index)));
  const total = run("sum", { ...c, src: shifted }, numSegments).values;
  return div(shifted, indexSelect(total, 0, c.index));
}
