/**
 * Reductions over any axes: `sum`, `mean`, `prod`, `max`, `min`, `argmax`, `argmin`, `variance`,
 * `std`, `logsumexp`.
 *
 * @module
 */
import { allocArray } from "./_axis.ts";
import { type DType, isFloat } from "./dtype.ts";
import type { ArgReduceOptions, NDArray, ReduceOptions, VarianceOptions } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import type { ReduceOp } from "./backend.ts";
import { fmtShape, normalizeAxes, normalizeAxis } from "./shape.ts";
import { astype } from "./copy.ts";
import { div, exp, log, mul, sqrt, sub } from "./elementwise.ts";
import { checkBool, checkNDArray, checkOptions, describe } from "./check.ts";

/**
 * Checks a reduction's input and options under the public function's name, so that the
 * reductions it is built from (variance from mean, std from variance) cannot fail on them later
 * under their own.
 */
function checkReduce<O extends ReduceOptions | ArgReduceOptions | VarianceOptions>(
  op: string,
  x: unknown,
  options: O | undefined,
): O {
  checkNDArray(x, op, "x");
  const o = checkOptions(options, op);
  if (o.keepDims !== undefined) checkBool(o.keepDims, op, "keepDims");
  normalizeAxes(o.axis, x.ndim, op);
  return o;
}

/** Shape with the reduced axes set to 1, and the final shape (dropped unless keepDims). */
function reducedShapes(
  x: NDArray,
  axes: readonly number[],
  keepDims: boolean,
): [number[], number[]] {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return [kept, keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i))];
}

function reduceOp(
  name: string,
  op: ReduceOp,
  x: NDArray,
  options: ReduceOptions | undefined,
  dtype?: DType,
): NDArray {
  options = checkReduce(name, x, options);
  dtype ??= x.dtype;
  const axes = normalizeAxes(options.axis, x.ndim, name);
  if ((op === "max" || op === "min") && axes.some((a) => x.shape[a] === 0)) {
    throw new RangeError(
      `${name}: cannot reduce an empty axis of shape ${fmtShape(x.shape)} (no identity for ${op})`,
    );
  }
  const [kept, final] = reducedShapes(x, axes, options.keepDims ?? false);
  const out = allocArray(dtype, kept);
  getBackend().reduce(op, out, astype(x, dtype), axes);
  return options.keepDims ? out : out.reshape(final);
}

/** Number of elements folded into each output of a reduction. */
function reducedCount(x: NDArray, axis: ReduceOptions["axis"], op: string): number {
  return normalizeAxes(axis, x.ndim, op).reduce((p, a) => p * x.shape[a], 1);
}

/**
 * Sum over the given axes (all by default).
 *
 * @example
 * ```ts
 * import { array, sum } from "@nnc/tensor";
 * const a = array([[1, 2], [3, 4]]);
 * console.assert(sum(a).item() === 10);
 * console.assert(sum(a, { axis: 0 }).toArray().toString() === "4,6");
 * console.assert(sum(a, { axis: 1, keepDims: true }).shape.join() === "2,1");
 * ```
 */
export function sum(x: NDArray, options?: ReduceOptions): NDArray {
  return reduceOp("sum", "sum", x, options);
}

/**
 * Mean over the given axes (int32 input gives float32).
 *
 * @example
 * ```ts
 * import { array, mean } from "@nnc/tensor";
 * console.assert(mean(array([[1, 2], [3, 4]]), { axis: -1 }).toArray().toString() === "1.5,3.5");
 * ```
 */
export function mean(x: NDArray, options?: ReduceOptions): NDArray {
  checkNDArray(x, "mean", "x");
  const dtype = isFloat(x.dtype) ? x.dtype : "float32";
  const total = reduceOp("mean", "sum", x, options, dtype);
  return div(total, reducedCount(x, options?.axis, "mean"));
}

/**
 * Product over the given axes.
 *
 * @example
 * ```ts
 * import { array, prod } from "@nnc/tensor";
 * console.assert(prod(array([1, 2, 3, 4])).item() === 24);
 * ```
 */
export function prod(x: NDArray, options?: ReduceOptions): NDArray {
  return reduceOp("prod", "prod", x, options);
}

/**
 * Maximum over the given axes (NaN propagates).
 *
 * @example
 * ```ts
 * import { array, max } from "@nnc/tensor";
 * console.assert(max(array([[1, 5], [3, 4]]), { axis: 0 }).toArray().toString() === "3,5");
 * ```
 */
export function max(x: NDArray, options?: ReduceOptions): NDArray {
  return reduceOp("max", "max", x, options);
}

/**
 * Minimum over the given axes (NaN propagates).
 *
 * @example
 * ```ts
 * import { array, min } from "@nnc/tensor";
 * console.assert(min(array([[1, 5], [3, 4]]), { axis: 1 }).toArray().toString() === "1,3");
 * ```
 */
export function min(x: NDArray, options?: ReduceOptions): NDArray {
  return reduceOp("min", "min", x, options);
}

function argOp(name: "argmax" | "argmin", x: NDArray, options?: ArgReduceOptions): NDArray {
  options = checkReduce(name, x, options);
  // A 0-d array's only axis (0 or -1, checked above) is its flattening, as in PyTorch.
  const flat = options.axis === undefined || x.ndim === 0;
  const src = flat ? x.reshape(-1) : x;
  const axis = flat ? 0 : normalizeAxis(options.axis as number, x.ndim, name);
  if (src.shape[axis] === 0) {
    throw new RangeError(`${name}: axis ${axis} of shape ${fmtShape(x.shape)} is empty`);
  }
  const kept = src.shape.map((d, i) => (i === axis ? 1 : d));
  const out = allocArray("int32", kept);
  getBackend().argReduce(name, out, src, axis);
  if (flat) return options.keepDims ? out.reshape(x.shape.map(() => 1)) : out.reshape([]);
  return options.keepDims ? out : out.squeeze(axis);
}

/**
 * Index (int32) of the first maximum, along an axis or over the flattened array.
 *
 * @example
 * ```ts
 * import { argmax, array } from "@nnc/tensor";
 * console.assert(argmax(array([[1, 9], [8, 2]]), { axis: 1 }).toArray().toString() === "1,0");
 * console.assert(argmax(array([[1, 9], [8, 2]])).item() === 1);
 * ```
 */
export function argmax(x: NDArray, options?: ArgReduceOptions): NDArray {
  return argOp("argmax", x, options);
}

/**
 * Index (int32) of the first minimum, along an axis or over the flattened array.
 *
 * @example
 * ```ts
 * import { argmin, array } from "@nnc/tensor";
 * console.assert(argmin(array([3, 1, 1])).item() === 1);
 * ```
 */
export function argmin(x: NDArray, options?: ArgReduceOptions): NDArray {
  return argOp("argmin", x, options);
}

/**
 * Variance over axes with `correction` (1 by default: the unbiased estimate, as PyTorch; 0 as NumPy).
 * Computed in two passes (mean first) for accuracy.
 *
 * @example
 * ```ts
 * import { array, variance } from "@nnc/tensor";
 * console.assert(variance(array([1, 2, 3, 4], { dtype: "float64" })).item() === 5 / 3);
 * console.assert(variance(array([1, 2, 3, 4]), { correction: 0 }).item() === 1.25);
 * ```
 */
export function variance(x: NDArray, options?: VarianceOptions): NDArray {
  return varianceOf("variance", x, options);
}

function varianceOf(op: string, x: NDArray, options: VarianceOptions | undefined): NDArray {
  options = checkReduce(op, x, options);
  const correction = options.correction ?? 1;
  if (typeof correction !== "number" || !Number.isFinite(correction) || correction < 0) {
    throw new RangeError(
      `${op}: correction must be a non-negative number, got ${describe(correction)}`,
    );
  }
  const xf = isFloat(x.dtype) ? x : astype(x, "float32");
  const m = mean(xf, { axis: options.axis, keepDims: true });
  const d = sub(xf, m);
  const ss = reduceOp(op, "sum", mul(d, d), {
    axis: options.axis,
    keepDims: options.keepDims,
  });
  return div(ss, Math.max(0, reducedCount(x, options.axis, op) - correction));
}

/**
 * Standard deviation: square root of {@link variance}.
 *
 * @example
 * ```ts
 * import { array, std } from "@nnc/tensor";
 * console.assert(std(array([1, 3]), { correction: 0 }).item() === 1);
 * ```
 */
export function std(x: NDArray, options?: VarianceOptions): NDArray {
  return sqrt(varianceOf("std", x, options));
}

/**
 * `log(Σ exp(x))` over axes, computed stably by shifting by the maximum.
 *
 * @example
 * ```ts
 * import { array, logsumexp } from "@nnc/tensor";
 * console.assert(Math.abs(logsumexp(array([1000, 1000])).item() - (1000 + Math.LN2)) < 1e-3);
 * ```
 */
export function logsumexp(x: NDArray, options?: ReduceOptions): NDArray {
  options = checkReduce("logsumexp", x, options);
  const xf = isFloat(x.dtype) ? x : astype(x, "float32");
  const m = reduceOp("logsumexp", "max", xf, { axis: options.axis, keepDims: true });
  // An all -inf slice would give -inf - -inf = NaN; shift by 0 there instead.
  const shift = m.clone();
  const sd = shift.data;
  for (let i = 0; i < sd.length; i++) if (!Number.isFinite(sd[i])) sd[i] = 0;
  const s = reduceOp("logsumexp", "sum", exp(sub(xf, shift)), {
    axis: options.axis,
    keepDims: true,
  });
  const out = log(s).add(shift);
  if (options.keepDims) return out;
  const axes = normalizeAxes(options.axis, x.ndim, "logsumexp");
  return out.reshape(x.shape.filter((_, i) => !axes.includes(i)));
}
