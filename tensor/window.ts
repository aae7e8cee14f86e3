/**
 * Sliding-window ops over the trailing 1–3 spatial dimensions of `[N, C, ...spatial]` arrays:
 * {@link im2col} / {@link col2im} (PyTorch `unfold` / `fold`, the building blocks of convolution and
 * its gradient) and max / average pooling.
 *
 * @module
 */
import type { WindowGeometry } from "./backend.ts";
import { isFloat } from "./dtype.ts";
import { allocOutput } from "./_axis.ts";
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { checkShape, fmtShape, sameShape, sizeOf } from "./shape.ts";
import { checkBool, checkNDArray, checkOptions, describe } from "./check.ts";
import {
  checkWindowInput,
  outputSizes,
  poolGeometry,
  resolveGeometry,
  type SpatialOption,
} from "./_window.ts";

export type { SpatialOption } from "./_window.ts";

/**
 * Geometry of a sliding window. Every field takes one number (used for every spatial dimension) or
 * one number per spatial dimension.
 *
 * @example
 * ```ts
 * import type { WindowOptions } from "@nnc/tensor";
 * const same3x3: WindowOptions = { kernel: 3, padding: 1 };
 * ```
 */
export interface WindowOptions {
  /** Window size. */
  kernel: SpatialOption;
  /** Step between windows. Default 1. */
  stride?: SpatialOption;
  /** Zero padding added on both sides. Default 0. */
  padding?: SpatialOption;
  /** Spacing between window taps. Default 1. */
  dilation?: SpatialOption;
}

/**
 * Options of {@link windowOutputShape}.
 *
 * @example
 * ```ts
 * import type { WindowShapeOptions } from "@nnc/tensor";
 * const pool: WindowShapeOptions = { kernel: 2, stride: 2, ceilMode: true };
 * ```
 */
export interface WindowShapeOptions extends WindowOptions {
  /** Round the number of windows up (keeping a last partial window), as pooling's `ceil_mode`. Default false. */
  ceilMode?: boolean;
}

/**
 * Options of max pooling. `stride` defaults to the kernel size.
 *
 * @example
 * ```ts
 * import type { MaxPoolOptions } from "@nnc/tensor";
 * const opts: MaxPoolOptions = { kernel: 3, stride: 2, padding: 1 };
 * ```
 */
export interface MaxPoolOptions extends WindowShapeOptions {}

/**
 * Options of average pooling. `stride` defaults to the kernel size.
 *
 * @example
 * ```ts
 * import type { AvgPoolOptions } from "@nnc/tensor";
 * const opts: AvgPoolOptions = { kernel: 2, padding: 1, countIncludePad: false };
 * ```
 */
export interface AvgPoolOptions {
  /** Window size. */
  kernel: SpatialOption;
  /** Step between windows. Default: the kernel size. */
  stride?: SpatialOption;
  /** Implicit zero padding on both sides, at most half the kernel. Default 0. */
  padding?: SpatialOption;
  /** Keep a last partial window (PyTorch's `ceil_mode`). Default false. */
  ceilMode?: boolean;
  /** Count padding zeros in the divisor (PyTorch's `count_include_pad`). Default true. */
  countIncludePad?: boolean;
}

/**
 * Values and argmax indices of max pooling.
 *
 * @example
 * ```ts
 * import { maxPool1d, NDArray, type MaxPoolResult } from "@nnc/tensor";
 * const r: MaxPoolResult = maxPool1d(NDArray.fromTyped(new Float32Array([1, 3]), [1, 1, 2]), { kernel: 2 });
 * console.assert(r.values.item() === 3 && r.indices.item() === 1);
 * ```
 */
export interface MaxPoolResult {
  /** The maxima, `[N, C, ...outSpatial]`, in the input's dtype. */
  values: NDArray;
  /** Flat index (int32) of each maximum within its input plane, as PyTorch's `return_indices`. */
  indices: NDArray;
}

/**
 * The number of window positions along each spatial dimension:
 * `floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1`, or with `ceilMode` rounded up
 * unless the last window would start in the right padding (PyTorch's pooling rule). `stride` defaults
 * to 1 here (pass the kernel size for pooling's default). Throws a RangeError when a window does not
 * fit into the padded input.
 *
 * @example
 * ```ts
 * import { windowOutputShape } from "@nnc/tensor";
 * console.assert(windowOutputShape([28, 28], { kernel: 5 }).join() === "24,24");
 * console.assert(windowOutputShape([5], { kernel: 2, stride: 2, ceilMode: true }).join() === "3");
 * ```
 */
export function windowOutputShape(
  inputSpatialShape: readonly number[],
  options: WindowShapeOptions,
): number[] {
  const op = "windowOutputShape";
  const spatial = checkSpatialShape(inputSpatialShape, op, "inputSpatialShape");
  options = checkOptions(options, op);
  const g = resolveGeometry(options, spatial.length, op);
  return outputSizes(spatial, g, checkBool(options.ceilMode ?? false, op, "ceilMode"), op);
}

/**
 * Unfolds sliding windows (PyTorch `torch.nn.functional.unfold`, generalised to 1–3 spatial
 * dimensions): `x` `[N, C, ...spatial]` becomes `[N, C·∏kernel, L]`, one column per window position
 * (L of them, row-major over the output grid), rows ordered by channel and then kernel tap. Padding
 * reads as zero. A convolution is then `weight.reshape(O, -1)` times this matrix.
 *
 * @example
 * ```ts
 * import { im2col, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
 * const cols = im2col(x, { kernel: 2 });
 * console.assert(cols.shape.join() === "1,4,4");
 * console.assert(cols.toArray().toString() === "1,2,4,5,2,3,5,6,4,5,7,8,5,6,8,9");
 * ```
 */
export function im2col(x: NDArray, options: WindowOptions): NDArray {
  const op = "im2col";
  checkNDArray(x, op, "input");
  const d = checkWindowInput(x, null, op);
  options = checkOptions(options, op);
  const g = resolveGeometry(options, d, op);
  const L = sizeOf(outputSizes(x.shape.slice(2), g, false, op));
  const shape = [x.shape[0], x.shape[1] * sizeOf(g.kernel), L];
  const out = allocOutput(x.dtype, shape);
  getBackend().im2col(out, x, g);
  return out;
}

/**
 * Folds columns back into an image (PyTorch `torch.nn.functional.fold`, for 1–3 spatial dimensions):
 * `cols` `[N, C·∏kernel, L]` is summed into `[N, C, ...outputSpatialShape]`, every entry added where
 * {@link im2col} with the same options would have read it (overlaps add up). It is the adjoint of
 * `im2col`, which makes it the gradient of a convolution with respect to its input.
 *
 * @example
 * ```ts
 * import { col2im, NDArray } from "@nnc/tensor";
 * const ones = NDArray.fromTyped(new Float32Array(16).fill(1), [1, 4, 4]);
 * const counts = col2im(ones, [3, 3], { kernel: 2 });
 * console.assert(counts.toArray().toString() === "1,2,1,2,4,2,1,2,1");
 * ```
 */
export function col2im(
  cols: NDArray,
  outputSpatialShape: readonly number[],
  options: WindowOptions,
): NDArray {
  const op = "col2im";
  checkNDArray(cols, op, "cols");
  const spatial = checkSpatialShape(outputSpatialShape, op, "outputSpatialShape");
  if (cols.ndim !== 3) {
    throw new RangeError(`${op}: expected cols [N, C·∏kernel, L], got ${fmtShape(cols.shape)}`);
  }
  options = checkOptions(options, op);
  const g = resolveGeometry(options, spatial.length, op);
  const K = sizeOf(g.kernel);
  if (cols.shape[1] % K !== 0) {
    throw new RangeError(
      `${op}: cols ${fmtShape(cols.shape)} has ${
        cols.shape[1]
      } rows, not a multiple of the kernel size ${K} ${fmtShape(g.kernel)}`,
    );
  }
  const grid = outputSizes(spatial, g, false, op);
  if (cols.shape[2] !== sizeOf(grid)) {
    throw new RangeError(
      `${op}: cols ${fmtShape(cols.shape)} has ${cols.shape[2]} columns, but output ${
        fmtShape(spatial)
      } with this ` +
        `geometry has ${sizeOf(grid)} window positions ${fmtShape(grid)}`,
    );
  }
  const shape = [cols.shape[0], cols.shape[1] / K, ...spatial];
  const out = allocOutput(cols.dtype, shape);
  getBackend().col2im(out, cols, g);
  return out;
}

/**
 * Max pooling over 1–3 spatial dimensions (the rank is `x.ndim − 2`). Padding is ignored (acts as
 * −∞) and may be at most half the kernel; `stride` defaults to the kernel size. Returns the maxima
 * and their flat indices within each input plane (`h·W + w` in 2-d), as PyTorch's `return_indices`.
 *
 * @example
 * ```ts
 * import { maxPool, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 3, 2, 4, 6, 5, 8, 7, 9]), [1, 1, 3, 3]);
 * const { values, indices } = maxPool(x, { kernel: 2, stride: 1 });
 * console.assert(values.toArray().toString() === "6,6,8,9");
 * console.assert(indices.toArray().toString() === "4,4,6,8");
 * ```
 */
export function maxPool(x: NDArray, options: MaxPoolOptions): MaxPoolResult {
  return maxPoolN(x, options, null, "maxPool");
}

/**
 * Average pooling of float inputs over 1–3 spatial dimensions (the rank is `x.ndim − 2`). With
 * `countIncludePad` (the default) padding zeros count in the divisor; otherwise only input elements
 * do. `stride` defaults to the kernel size; padding may be at most half the kernel. Sums are
 * accumulated in float64.
 *
 * @example
 * ```ts
 * import { avgPool, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [1, 1, 4]);
 * console.assert(avgPool(x, { kernel: 2 }).toArray().toString() === "1.5,3.5");
 * console.assert(avgPool(x, { kernel: 2, padding: 1 }).toArray().toString() === "0.5,2.5,2");
 * ```
 */
export function avgPool(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolN(x, options, null, "avgPool");
}

/**
 * {@link maxPool} of `[N, C, L]` inputs.
 *
 * @example
 * ```ts
 * import { maxPool1d, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 5, 2, 0, 7]), [1, 1, 5]);
 * console.assert(maxPool1d(x, { kernel: 2 }).values.toArray().toString() === "5,2");
 * ```
 */
export function maxPool1d(x: NDArray, options: MaxPoolOptions): MaxPoolResult {
  return maxPoolN(x, options, 1, "maxPool1d");
}

/**
 * {@link maxPool} of `[N, C, H, W]` inputs.
 *
 * @example
 * ```ts
 * import { maxPool2d, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 9, 0, 1, 8, 3, 4]), [1, 1, 4, 4]);
 * console.assert(maxPool2d(x, { kernel: 2 }).values.toArray().toString() === "6,4,8,9");
 * ```
 */
export function maxPool2d(x: NDArray, options: MaxPoolOptions): MaxPoolResult {
  return maxPoolN(x, options, 2, "maxPool2d");
}

/**
 * {@link maxPool} of `[N, C, D, H, W]` inputs.
 *
 * @example
 * ```ts
 * import { maxPool3d, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 8, 5, 6, 7]), [1, 1, 2, 2, 2]);
 * const { values, indices } = maxPool3d(x, { kernel: 2 });
 * console.assert(values.item() === 8 && indices.item() === 4);
 * ```
 */
export function maxPool3d(x: NDArray, options: MaxPoolOptions): MaxPoolResult {
  return maxPoolN(x, options, 3, "maxPool3d");
}

/**
 * {@link avgPool} of `[N, C, L]` inputs.
 *
 * @example
 * ```ts
 * import { avgPool1d, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5]), [1, 1, 5]);
 * console.assert(avgPool1d(x, { kernel: 2, ceilMode: true }).toArray().toString() === "1.5,3.5,5");
 * ```
 */
export function avgPool1d(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolN(x, options, 1, "avgPool1d");
}

/**
 * {@link avgPool} of `[N, C, H, W]` inputs.
 *
 * @example
 * ```ts
 * import { avgPool2d, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 9, 0, 1, 8, 3, 4]), [1, 1, 4, 4]);
 * console.assert(avgPool2d(x, { kernel: 2 }).toArray().toString() === "3.75,2.25,4.5,4");
 * ```
 */
export function avgPool2d(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolN(x, options, 2, "avgPool2d");
}

/**
 * {@link avgPool} of `[N, C, D, H, W]` inputs.
 *
 * @example
 * ```ts
 * import { avgPool3d, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), [1, 1, 2, 2, 2]);
 * console.assert(avgPool3d(x, { kernel: 2 }).item() === 4.5);
 * ```
 */
export function avgPool3d(x: NDArray, options: AvgPoolOptions): NDArray {
  return avgPoolN(x, options, 3, "avgPool3d");
}

/**
 * The gradient of {@link maxPool} with respect to its input: a zero array of `inputShape`
 * (`[N, C, ...spatial]`) with each element of `grad` added at the argmax position `indices` gives
 * it within its plane (PyTorch's `max_pool2d_with_indices_backward`; like `max_unpool2d`, except
 * that repeated positions, from overlapping windows, add up in order instead of overwriting).
 * `grad` is a float array of `indices`' shape `[N, C, ...outSpatial]`; `indices` is int32, as
 * `maxPool` returns it.
 *
 * @example
 * ```ts
 * import { maxPool2d, maxPoolGrad, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 5, 2, 0, 3, 4, 8, 7, 6]), [1, 1, 3, 3]);
 * const { indices } = maxPool2d(x, { kernel: 2, stride: 1 }); // overlapping windows
 * const g = NDArray.fromTyped(new Float32Array([1, 1, 1, 1]), [1, 1, 2, 2]);
 * console.assert(maxPoolGrad(g, indices, x.shape).toArray().toString() === "0,2,0,0,0,0,1,1,0");
 * ```
 */
export function maxPoolGrad(
  grad: NDArray,
  indices: NDArray,
  inputShape: readonly number[],
): NDArray {
  const op = "maxPoolGrad";
  checkNDArray(grad, op, "grad");
  checkNDArray(indices, op, "indices");
  if (!isFloat(grad.dtype)) {
    throw new TypeError(`${op}: grad must be float32 or float64, got ${grad.dtype}`);
  }
  if (indices.dtype !== "int32") {
    throw new TypeError(`${op}: indices must be int32, got ${indices.dtype}`);
  }
  if (grad.ndim < 3 || !sameShape(grad.shape, indices.shape)) {
    throw new RangeError(
      `${op}: grad ${fmtShape(grad.shape)} and indices ${
        fmtShape(indices.shape)
      } must share one shape [N, C, ...spatial]`,
    );
  }
  checkShape(inputShape, op);
  if (
    inputShape.length !== grad.ndim || inputShape[0] !== grad.shape[0] ||
    inputShape[1] !== grad.shape[1]
  ) {
    throw new RangeError(
      `${op}: inputShape ${fmtShape(inputShape)} must be [${grad.shape[0]}, ${grad.shape[1]}, ` +
        `...${grad.ndim - 2} spatial sizes] for grad ${fmtShape(grad.shape)}`,
    );
  }
  const planes = grad.shape[0] * grad.shape[1];
  const out = allocOutput(grad.dtype, inputShape);
  if (out.size === 0) return out;
  const S = out.size / planes, Q = planes === 0 ? 0 : grad.size / planes;
  getBackend().maxPoolGrad(
    out.reshape([planes, S]),
    grad.contiguous().reshape([planes, Q]),
    indices.contiguous().reshape([planes, Q]),
  );
  return out;
}

function maxPoolN(
  x: NDArray,
  options: MaxPoolOptions,
  rank: number | null,
  op: string,
): MaxPoolResult {
  const { g, shape } = poolSetup(x, options, rank, op, true);
  const values = allocOutput(x.dtype, shape);
  const indices = allocOutput("int32", shape);
  getBackend().pool("max", values, indices, x, g, false);
  return { values, indices };
}

function avgPoolN(x: NDArray, options: AvgPoolOptions, rank: number | null, op: string): NDArray {
  const { g, shape } = poolSetup(x, options, rank, op, false);
  if (!isFloat(x.dtype)) {
    throw new TypeError(`${op}: expected a float32 or float64 input, got ${x.dtype}`);
  }
  const include = checkBool(options.countIncludePad ?? true, op, "countIncludePad");
  const out = allocOutput(x.dtype, shape);
  getBackend().pool("avg", out, null, x, g, include);
  return out;
}

/** Validates a pooling call and computes its geometry and output shape. */
function poolSetup(
  x: NDArray,
  options: MaxPoolOptions | AvgPoolOptions,
  rank: number | null,
  op: string,
  dilated: boolean,
): { g: WindowGeometry; shape: number[] } {
  checkNDArray(x, op, "input");
  return poolGeometry(x, options, rank, op, dilated);
}

/** Checks a spatial shape argument: 1–3 positive integers. */
function checkSpatialShape(shape: unknown, op: string, name: string): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: ${name} must be an array of 1 to 3 sizes, got ${describe(shape)}`);
  }
  if (
    shape.length < 1 || shape.length > 3 || shape.some((s) => !Number.isSafeInteger(s) || s < 1)
  ) {
    throw new RangeError(
      `${op}: ${name} must be 1 to 3 positive integers, got [${shape.map(describe).join(", ")}]`,
    );
  }
  return [...shape];
}
