/**
 * Convolution (PyTorch's cross-correlation over 1–3 spatial dimensions, with stride, padding,
 * dilation and groups) and its two gradients, as single kernels of the backend:
 * {@link convolution}, {@link convolutionInputGrad} (= the transposed convolution) and
 * {@link convolutionWeightGrad}. The native backend runs them image by image without unfolding the
 * whole batch; `@nnc/autograd`'s `conv1d/2d/3d` are built on them.
 *
 * @module
 */
import type { Backend, PooledGradient, WindowGeometry } from "./backend.ts";
import { isFloat } from "./dtype.ts";
import { allocOutput } from "./_axis.ts";
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { fmtShape } from "./shape.ts";
import { checkBool, checkNDArray, checkOptions, describe } from "./check.ts";
import { contiguous } from "./copy.ts";
import { releaseStorage } from "./storage_pool.ts";
import { outputSizes, poolGeometry, type SpatialOption, spatialOption } from "./_window.ts";
import type { MaxPoolOptions, MaxPoolResult } from "./window.ts";

/**
 * Options of {@link convolution} and its gradients: one number for every spatial dimension or one
 * per dimension; `groups` splits the channels into independent groups.
 *
 * @example
 * ```ts
 * import type { ConvolutionOptions } from "@nnc/tensor";
 * const same3x3: ConvolutionOptions = { padding: 1 };
 * const depthwise: ConvolutionOptions = { padding: 1, groups: 32 };
 * ```
 */
export interface ConvolutionOptions {
  /** Step between windows. Default 1. */
  stride?: SpatialOption;
  /** Zero padding on both sides. Default 0. */
  padding?: SpatialOption;
  /** Spacing between kernel taps. Default 1. */
  dilation?: SpatialOption;
  /** Channel groups; input and output channels must divide by it. Default 1. */
  groups?: number;
}

interface Resolved {
  g: WindowGeometry;
  groups: number;
}

function resolve(
  options: ConvolutionOptions,
  weightShape: readonly number[],
  op: string,
): Resolved {
  options = checkOptions(options, op);
  const d = weightShape.length - 2;
  const groups = options.groups ?? 1;
  if (typeof groups !== "number" || !Number.isSafeInteger(groups) || groups < 1) {
    throw new RangeError(`${op}: groups must be a positive integer, got ${describe(groups)}`);
  }
  return {
    g: {
      kernel: weightShape.slice(2),
      stride: spatialOption(options.stride, 1, d, 1, op, "stride"),
      padding: spatialOption(options.padding, 0, d, 0, op, "padding"),
      dilation: spatialOption(options.dilation, 1, d, 1, op, "dilation"),
    },
    groups,
  };
}

function checkShape(shape: unknown, op: string, name: string): number[] {
  if (
    !Array.isArray(shape) || shape.length < 3 || shape.length > 5 ||
    shape.some((d) => !Number.isSafeInteger(d) || d < 0)
  ) {
    throw new RangeError(
      `${op}: ${name} must be [N, C, ...1-3 spatial] of non-negative integers, got ${
        describe(shape)
      }`,
    );
  }
  return [...shape];
}

/** Checks input `[N, Cin, ...]`, weight `[Cout, Cin/groups, ...kernel]` and returns the output shape. */
function outputShape(
  inputShape: readonly number[],
  weightShape: readonly number[],
  r: Resolved,
  op: string,
): number[] {
  const d = inputShape.length - 2;
  if (d < 1 || d > 3 || weightShape.length !== d + 2) {
    throw new RangeError(
      `${op}: expected input [N, C, ...spatial] (1-3 spatial dimensions) and weight [Cout, Cin/groups, ...kernel] of the same rank, got ${
        fmtShape(inputShape)
      } and ${fmtShape(weightShape)}`,
    );
  }
  const [, cin] = inputShape, [cout, cinG] = weightShape;
  if (cin !== cinG * r.groups || cout % r.groups !== 0) {
    throw new RangeError(
      `${op}: input ${fmtShape(inputShape)} and weight ${
        fmtShape(weightShape)
      } do not fit groups=${r.groups} (need Cin = ${cinG}·${r.groups} and Cout divisible by ${r.groups})`,
    );
  }
  if (weightShape.slice(2).some((k) => k < 1) || inputShape.slice(2).some((n) => n < 1)) {
    throw new RangeError(
      `${op}: kernel and spatial extents must be positive, got input ${
        fmtShape(inputShape)
      } and weight ${fmtShape(weightShape)}`,
    );
  }
  return [inputShape[0], cout, ...outputSizes(inputShape.slice(2), r.g, false, op)];
}

function checkFloat(a: NDArray, op: string, name: string): void {
  if (!isFloat(a.dtype)) {
    throw new TypeError(`${op}: ${name} must be float32 or float64, got ${a.dtype}`);
  }
}

/** Checks a convolution's operands and options; returns the geometry and the output's shape. */
function checkForward(
  x: NDArray,
  weight: NDArray,
  bias: NDArray | null,
  options: ConvolutionOptions,
  op: string,
): { r: Resolved; shape: number[] } {
  checkNDArray(x, op, "x");
  checkNDArray(weight, op, "weight");
  checkFloat(x, op, "x");
  checkSameDType(x, weight, op, "x and weight");
  const r = resolve(options, weight.shape, op);
  const shape = outputShape(x.shape, weight.shape, r, op);
  checkBias(bias, x, weight, op);
  return { r, shape };
}

/** Checks that `bias` is null or `[Cout]` of `x`'s dtype. */
function checkBias(bias: NDArray | null, x: NDArray, weight: NDArray, op: string): void {
  if (bias === null) return;
  checkNDArray(bias, op, "bias");
  checkSameDType(x, bias, op, "x and bias");
  if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
    throw new RangeError(
      `${op}: bias must have shape [${weight.shape[0]}], got ${fmtShape(bias.shape)}`,
    );
  }
}

function checkSameDType(a: NDArray, b: NDArray, op: string, names: string): void {
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}: ${names} must share a dtype, got ${a.dtype} and ${b.dtype}`);
  }
}

/**
 * Convolution of `x` `[N, Cin, ...spatial]` with `weight` `[Cout, Cin/groups, ...kernel]` plus
 * `bias` `[Cout]`: `[N, Cout, ...outSpatial]`, PyTorch's `conv1d/2d/3d` (a cross-correlation).
 *
 * @example
 * ```ts
 * import { convolution, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
 * const w = NDArray.fromTyped(new Float32Array([1, 0, 0, 1]), [1, 1, 2, 2]);
 * const y = convolution(x, w, null);
 * console.assert(y.shape.join() === "1,1,2,2" && y.toArray().toString() === "6,8,12,14");
 * ```
 */
export function convolution(
  x: NDArray,
  weight: NDArray,
  bias: NDArray | null = null,
  options: ConvolutionOptions = {},
): NDArray {
  const { r, shape } = checkForward(x, weight, bias, options, "convolution");
  const out = allocOutput(x.dtype, shape);
  if (out.size > 0) getBackend().conv(out, x, contiguous(weight), bias, r.g, r.groups);
  return out;
}

/**
 * The gradient of {@link convolution} for its input (PyTorch's `conv2d_input`, the transposed
 * convolution): `dy` `[N, Cout, ...outSpatial]` and `weight` back to `inputShape` `[N, Cin, ...]`.
 * `inputShape` is needed because with stride > 1 several input sizes give the same output size.
 * With `pooled`, `dy` is the gradient of max pooling's output and `pooled.indices` its argmax within
 * each plane of the convolution's output ({@link convolutionMaxPool}'s): the convolution's output
 * gradient is `maxPoolGrad` of the two, never stored by the native backend.
 *
 * @example
 * ```ts
 * import { convolutionInputGrad, NDArray } from "@nnc/tensor";
 * const dy = NDArray.fromTyped(new Float32Array([1, 1, 1]), [1, 1, 3]);
 * const w = NDArray.fromTyped(new Float32Array([1, -1]), [1, 1, 2]);
 * console.assert(convolutionInputGrad(dy, w, [1, 1, 4]).toArray().toString() === "1,0,0,-1");
 * ```
 */
export function convolutionInputGrad(
  dy: NDArray,
  weight: NDArray,
  inputShape: readonly number[],
  options: ConvolutionOptions = {},
  pooled: PooledGradient | null = null,
): NDArray {
  const op = "convolutionInputGrad";
  checkNDArray(dy, op, "dy");
  checkNDArray(weight, op, "weight");
  checkFloat(dy, op, "dy");
  checkSameDType(dy, weight, op, "dy and weight");
  const shape = checkShape(inputShape, op, "inputShape");
  const r = resolve(options, weight.shape, op);
  const unpool = checkOutputGrad(
    dy,
    pooled,
    outputShape(shape, weight.shape, r, op),
    `input ${fmtShape(shape)}`,
    op,
  );
  const dx = allocOutput(dy.dtype, shape);
  if (dx.size > 0) {
    getBackend().convInputGrad(
      dx,
      contiguous(dy),
      contiguous(weight),
      r.g,
      r.groups,
      unpool,
    );
  }
  return dx;
}

/**
 * Checks the output gradient of the convolution's gradients: `dy` of the output's shape `expected`,
 * or with `pooled` max pooling's output gradient (int32 `pooled.indices` of its shape, the output's
 * batch and channels). Returns what the backend takes: null, or `pooled` with contiguous indices.
 */
function checkOutputGrad(
  dy: NDArray,
  pooled: PooledGradient | null,
  expected: readonly number[],
  what: string,
  op: string,
): PooledGradient | null {
  if (pooled === null) {
    if (fmtShape(expected) !== fmtShape(dy.shape)) {
      throw new RangeError(
        `${op}: dy must have shape ${fmtShape(expected)} for ${what}, got ${fmtShape(dy.shape)}`,
      );
    }
    return null;
  }
  const { indices, distinct } = checkOptions(pooled, op, "indices");
  checkNDArray(indices, op, "pooled.indices");
  if (indices.dtype !== "int32" || fmtShape(indices.shape) !== fmtShape(dy.shape)) {
    throw new TypeError(
      `${op}: pooled.indices must be int32 of dy's shape ${
        fmtShape(dy.shape)
      }, got ${indices.dtype} ${fmtShape(indices.shape)}`,
    );
  }
  if (dy.ndim !== expected.length || dy.shape[0] !== expected[0] || dy.shape[1] !== expected[1]) {
    throw new RangeError(
      `${op}: dy must be the pooled gradient [${expected[0]}, ${expected[1]}, ...${
        expected.length - 2
      } spatial] of the output ${fmtShape(expected)} for ${what}, got ${fmtShape(dy.shape)}`,
    );
  }
  return {
    indices: contiguous(indices),
    distinct: checkBool(distinct ?? false, op, "pooled.distinct"),
  };
}

/**
 * The gradient of {@link convolution} for its weight (PyTorch's `conv2d_weight`): `dy`
 * `[N, Cout, ...outSpatial]` against `x` `[N, Cin, ...spatial]`, summed over the batch, as an array
 * of `weightShape` `[Cout, Cin/groups, ...kernel]`. `pooled`: as for {@link convolutionInputGrad}.
 *
 * @example
 * ```ts
 * import { convolutionWeightGrad, NDArray } from "@nnc/tensor";
 * const dy = NDArray.fromTyped(new Float32Array([1, 1, 1]), [1, 1, 3]);
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [1, 1, 4]);
 * console.assert(convolutionWeightGrad(dy, x, [1, 1, 2]).toArray().toString() === "6,9");
 * ```
 */
export function convolutionWeightGrad(
  dy: NDArray,
  x: NDArray,
  weightShape: readonly number[],
  options: ConvolutionOptions = {},
  pooled: PooledGradient | null = null,
): NDArray {
  const op = "convolutionWeightGrad";
  checkNDArray(dy, op, "dy");
  checkNDArray(x, op, "x");
  checkFloat(dy, op, "dy");
  checkSameDType(dy, x, op, "dy and x");
  const shape = checkShape(weightShape, op, "weightShape");
  const r = resolve(options, shape, op);
  const unpool = checkOutputGrad(
    dy,
    pooled,
    outputShape(x.shape, shape, r, op),
    `x ${fmtShape(x.shape)}`,
    op,
  );
  const dw = allocOutput(dy.dtype, shape);
  if (dw.size > 0) {
    getBackend().convWeightGrad(
      dw,
      contiguous(dy),
      x,
      r.g,
      r.groups,
      unpool,
    );
  }
  return dw;
}

/**
 * Options of {@link convolutionMaxPool}'s pooling: max pooling's window, stride (default: the
 * window), padding, dilation and ceil mode, as `maxPool` takes them.
 *
 * @example
 * ```ts
 * import type { ConvolutionMaxPoolOptions } from "@nnc/tensor";
 * const pool2x2: ConvolutionMaxPoolOptions = { kernel: 2 };
 * ```
 */
export type ConvolutionMaxPoolOptions = MaxPoolOptions;

/**
 * {@link convolution} followed by max pooling (`maxPool`) in one backend call: the values and
 * argmax indices (flat within each plane of the convolution's output) are exactly those of the two
 * ops in turn, but the native backend pools each image's planes while they are in cache and never
 * stores the convolution's output (the conv → max-pool pair of a CNN; `Sequential` uses it).
 *
 * @example
 * ```ts
 * import { convolution, convolutionMaxPool, maxPool, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
 * const w = NDArray.fromTyped(new Float32Array([1, 0, 0, -1]), [1, 1, 2, 2]);
 * const fused = convolutionMaxPool(x, w, null, {}, { kernel: 2 });
 * const apart = maxPool(convolution(x, w, null), { kernel: 2 });
 * console.assert(fused.values.toArray().toString() === apart.values.toArray().toString());
 * console.assert(fused.indices.toArray().toString() === apart.indices.toArray().toString());
 * ```
 */
export function convolutionMaxPool(
  x: NDArray,
  weight: NDArray,
  bias: NDArray | null,
  convOptions: ConvolutionOptions,
  poolOptions: ConvolutionMaxPoolOptions,
): MaxPoolResult {
  const op = "convolutionMaxPool";
  const { r, shape: convShape } = checkForward(x, weight, bias, convOptions, op);
  const pooled = poolGeometry(
    { ndim: convShape.length, shape: convShape },
    poolOptions,
    null,
    op,
    true,
  );
  const values = allocOutput(x.dtype, pooled.shape);
  const indices = allocOutput("int32", pooled.shape);
  if (values.size > 0) {
    getBackend().convMaxPool(
      values,
      indices,
      x,
      contiguous(weight),
      bias && contiguous(bias),
      r.g,
      r.groups,
      pooled.g,
    );
  }
  return { values, indices };
}

/**
 * {@link Backend.convMaxPool} as {@link Backend.conv} into a fresh array followed by max pooling
 * with {@link Backend.pool}, both on `backend`: the reference that the JS backend runs and that
 * other backends fall back to where they have no fused kernel. Arguments as `convMaxPool`'s.
 *
 * @example
 * ```ts
 * import { convThenMaxPool, getBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [1, 1, 4]);
 * const w = NDArray.fromTyped(new Float32Array([1, -1]), [1, 1, 2]);
 * const out = NDArray.fromTyped(new Float32Array(1), [1, 1, 1]);
 * const indices = NDArray.fromTyped(new Int32Array(1), [1, 1, 1]);
 * const one = { stride: [1], padding: [0], dilation: [1] };
 * convThenMaxPool(getBackend(), out, indices, x, w, null, { kernel: [2], ...one }, 1, { kernel: [3], ...one });
 * console.assert(out.data[0] === -1 && indices.data[0] === 0); // max(-1, -1, -1), the first
 * ```
 */
export function convThenMaxPool(
  backend: Pick<Backend, "conv" | "pool">,
  out: NDArray,
  indices: NDArray,
  x: NDArray,
  w: NDArray,
  bias: NDArray | null,
  g: WindowGeometry,
  groups: number,
  pool: WindowGeometry,
): void {
  if (typeof backend?.conv !== "function" || typeof backend?.pool !== "function") {
    throw new TypeError(
      `convThenMaxPool: backend must have conv and pool kernels, got ${describe(backend)}`,
    );
  }
  checkNDArray(x, "convThenMaxPool", "x");
  checkNDArray(w, "convThenMaxPool", "w");
  const spatial = outputSizes(x.shape.slice(2), g, false, "convThenMaxPool");
  const y = allocOutput(x.dtype, [x.shape[0], w.shape[0], ...spatial]);
  backend.conv(y, x, w, bias, g, groups);
  backend.pool("max", out, indices, y, pool, false);
  releaseStorage(y.data); // read by nothing else: the next large allocation reuses it
}
