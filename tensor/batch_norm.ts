/**
 * Batch normalisation as two kernels of the backend, {@link batchNormalize} and
 * {@link batchNormalizeBackward}: one pass for the statistics and one for the output (the composite
 * of mean, subtraction, square, mean, rsqrt, product, scale and shift wrote nine arrays of the
 * input's size), and two passes for all three gradients. `@nnc/autograd`'s `batchNorm` is built on
 * them.
 *
 * @module
 */
import { allocForOverwrite, type DType, isFloat } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { fmtShape } from "./shape.ts";
import { describe } from "./check.ts";
import { astype, contiguous } from "./copy.ts";
import type { NormActivation } from "./backend.ts";

/**
 * Options of {@link batchNormalize}.
 *
 * @example
 * ```ts
 * import type { BatchNormalizeOptions } from "@nnc/tensor";
 * const train: BatchNormalizeOptions = { training: true, eps: 1e-5 };
 * ```
 */
export interface BatchNormalizeOptions {
  /** Scale γ `[C]`, or none. */
  weight?: NDArray | null;
  /** Shift β `[C]`, or none. */
  bias?: NDArray | null;
  /** Added to the variance inside the square root. Default 1e-5. */
  eps?: number;
  /** Normalise with the batch's statistics (and return them). Default false. */
  training?: boolean;
  /** The statistics to normalise with when not training `[C]`. */
  mean?: NDArray | null;
  /** The (biased) variance to normalise with when not training `[C]`. */
  variance?: NDArray | null;
  /**
   * An activation applied to the normalised values in the same pass (relu, or leaky relu with its
   * slope): the values of the separate op, bit for bit, without a second pass over memory.
   */
  activation?: NormActivation | null;
}

/**
 * What {@link batchNormalize} returns: the normalised array and the statistics it used (the batch's
 * mean and biased variance in training).
 *
 * @example
 * ```ts
 * import { array, batchNormalize, type BatchNormalizeResult } from "@nnc/tensor";
 * const r: BatchNormalizeResult = batchNormalize(array([[1], [3]]), { training: true, eps: 0 });
 * console.assert(r.mean.item() === 2 && r.variance.item() === 1);
 * ```
 */
export interface BatchNormalizeResult {
  /** `γ·(x − mean)/√(variance + eps) + β`, the input's shape. */
  output: NDArray;
  /** Mean per channel `[C]`. */
  mean: NDArray;
  /** Biased variance per channel `[C]`. */
  variance: NDArray;
}

/**
 * The gradients {@link batchNormalizeBackward} returns; `dweight` is null without a weight.
 *
 * @example
 * ```ts
 * import { array, batchNormalize, batchNormalizeBackward, type BatchNormalizeGrads } from "@nnc/tensor";
 * const x = array([[1], [3]]);
 * const r = batchNormalize(x, { training: true, eps: 0 });
 * const d: BatchNormalizeGrads = batchNormalizeBackward(array([[1], [0]]), x, r.mean, r.variance, { training: true, eps: 0 });
 * console.assert(d.dx.toArray().toString() === "0,0" && d.dweight === null);
 * ```
 */
export interface BatchNormalizeGrads {
  /** Gradient for the input. */
  dx: NDArray;
  /** Gradient for γ `[C]`, or null. */
  dweight: NDArray | null;
  /** Gradient for β `[C]` (Σ g per channel). */
  dbias: NDArray;
}

// The kernels write every element of their outputs (statistics, normalised values, gradients):
// a recycled array need not be cleared first (a pass over a batch's activations, 5 % of a ResNet step).
function empty(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(
    new Storage(allocForOverwrite(dtype, shape.reduce((p, d) => p * d, 1))),
    shape,
  );
}

function channelArray(
  a: NDArray | null | undefined,
  C: number,
  dtype: DType,
  op: string,
  name: string,
): NDArray | null {
  if (a === null || a === undefined) return null;
  if (!(a instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(a)}`);
  }
  if (a.ndim !== 1 || a.shape[0] !== C) {
    throw new RangeError(`${op}: ${name} must have shape [${C}], got ${fmtShape(a.shape)}`);
  }
  return a.dtype === dtype ? a : astype(a, dtype);
}

function checkInput(x: unknown, op: string, name: string): NDArray {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
  }
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: ${name} must be float, got ${x.dtype}`);
  if (x.ndim < 2) {
    throw new RangeError(`${op}: expected ${name} [N, C, ...], got ${fmtShape(x.shape)}`);
  }
  return x;
}

function checkActivation(a: unknown, op: string): NormActivation | null {
  if (a === null || a === undefined) return null;
  const act = a as NormActivation;
  if (typeof a !== "object" || (act.op !== "relu" && act.op !== "leakyRelu")) {
    throw new TypeError(
      `${op}: activation must be { op: "relu" | "leakyRelu", negativeSlope } or null, got ${
        describe(a)
      }`,
    );
  }
  const slope = act.op === "relu" ? 0 : act.negativeSlope;
  if (typeof slope !== "number" || !Number.isFinite(slope)) {
    throw new RangeError(
      `${op}: activation.negativeSlope must be a finite number, got ${describe(slope)}`,
    );
  }
  return { op: act.op, negativeSlope: slope };
}

function checkEps(eps: unknown, op: string): number {
  if (typeof eps !== "number" || !(eps >= 0) || !Number.isFinite(eps)) {
    throw new RangeError(`${op}: eps must be a finite number >= 0, got ${describe(eps)}`);
  }
  return eps;
}

/**
 * Normalises each channel (dimension 1) of `x` `[N, C, ...]` (PyTorch's `batch_norm`): with
 * `training`, by the batch's mean and biased variance over every other dimension (returned);
 * otherwise by the given `mean` and `variance`. Then `γ·x̂ + β`, and `activation` when given.
 *
 * @example
 * ```ts
 * import { array, batchNormalize } from "@nnc/tensor";
 * const { output } = batchNormalize(array([[1, 10], [3, 30]]), { training: true, eps: 0 });
 * console.assert(output.toArray().toString() === "-1,-1,1,1");
 * ```
 */
export function batchNormalize(
  x: NDArray,
  options: BatchNormalizeOptions = {},
): BatchNormalizeResult {
  const op = "batchNormalize";
  checkInput(x, op, "x");
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  }
  const C = x.shape[1], dtype = x.dtype;
  const eps = checkEps(options.eps ?? 1e-5, op);
  const training = options.training ?? false;
  if (typeof training !== "boolean") {
    throw new TypeError(`${op}: training must be a boolean, got ${describe(training)}`);
  }
  const weight = channelArray(options.weight, C, dtype, op, "weight");
  const bias = channelArray(options.bias, C, dtype, op, "bias");
  let mean: NDArray, variance: NDArray;
  if (training) {
    mean = empty(dtype, [C]);
    variance = empty(dtype, [C]);
  } else {
    const m = channelArray(options.mean, C, dtype, op, "mean");
    const v = channelArray(options.variance, C, dtype, op, "variance");
    if (m === null || v === null) {
      throw new TypeError(`${op}: without training, mean and variance are required`);
    }
    mean = m;
    variance = v;
  }
  const activation = checkActivation(options.activation, op);
  const output = empty(dtype, x.shape);
  getBackend().batchNorm(
    output,
    mean,
    variance,
    contiguous(x),
    weight,
    bias,
    eps,
    training,
    activation,
  );
  return { output, mean, variance };
}

/**
 * The gradients of {@link batchNormalize} for the output gradient `g`: `dx`, `dweight` (Σ g·x̂
 * per channel, when `weight` is given) and `dbias` (Σ g per channel); `inputGrad: false` skips
 * `dx` (then returned as an empty array). `mean` and `variance` are the statistics the forward pass used; with `training`
 * `dx` includes their dependence on `x`. After a forward pass with an `activation`, pass it and
 * the forward pass's `bias`: `g` is then the activation's output gradient.
 *
 * @example
 * ```ts
 * import { array, batchNormalizeBackward } from "@nnc/tensor";
 * const x = array([[1], [3]]), g = array([[1], [1]]);
 * const d = batchNormalizeBackward(g, x, array([2]), array([1]), { eps: 0, weight: array([2]) });
 * console.assert(d.dx.toArray().toString() === "2,2" && d.dweight?.item() === 0);
 * ```
 */
export function batchNormalizeBackward(
  g: NDArray,
  x: NDArray,
  mean: NDArray,
  variance: NDArray,
  options: {
    weight?: NDArray | null;
    bias?: NDArray | null;
    eps?: number;
    training?: boolean;
    inputGrad?: boolean;
    activation?: NormActivation | null;
  } = {},
): BatchNormalizeGrads {
  const op = "batchNormalizeBackward";
  checkInput(x, op, "x");
  checkInput(g, op, "g");
  if (fmtShape(g.shape) !== fmtShape(x.shape)) {
    throw new RangeError(
      `${op}: g ${fmtShape(g.shape)} and x ${fmtShape(x.shape)} must have one shape`,
    );
  }
  const C = x.shape[1], dtype = x.dtype;
  const eps = checkEps(options.eps ?? 1e-5, op);
  const weight = channelArray(options.weight, C, dtype, op, "weight");
  const bias = channelArray(options.bias, C, dtype, op, "bias");
  const activation = checkActivation(options.activation, op);
  const m = channelArray(mean, C, dtype, op, "mean");
  const v = channelArray(variance, C, dtype, op, "variance");
  if (m === null || v === null) throw new TypeError(`${op}: mean and variance are required`);
  const wantDx = options.inputGrad ?? true;
  const dx = empty(dtype, wantDx ? x.shape : [0]);
  const dweight = weight === null ? null : empty(dtype, [C]);
  const dbias = empty(dtype, [C]);
  getBackend().batchNormBackward(
    wantDx ? dx : null,
    dweight,
    dbias,
    contiguous(g.dtype === dtype ? g : astype(g, dtype)),
    contiguous(x),
    m,
    v,
    weight,
    eps,
    options.training ?? false,
    bias,
    activation,
  );
  return { dx, dweight, dbias };
}
