/**
 * Differentiable batch normalisation on one fused kernel for the statistics and output and one for
 * all three gradients ({@link batchNormalize}); `@nnc/layers`' `batchNorm` and `BatchNorm1d/2d/3d`
 * are built on it.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { NDArray, NormActivation } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { fmtShape } from "./_shape_util.ts";
import { BATCH_NORM } from "./_prim_norm.ts";

/**
 * Options of {@link batchNormalize}.
 *
 * @example
 * ```ts
 * import type { BatchNormalizeOptions } from "@nnc/autograd";
 * const opts: BatchNormalizeOptions = { training: true, eps: 1e-5 };
 * ```
 */
export interface BatchNormalizeOptions {
  /** Scale γ `[C]`, or none. */
  weight?: Tensor | null;
  /** Shift β `[C]`, or none. */
  bias?: Tensor | null;
  /** Added to the variance inside the square root. Default 1e-5. */
  eps?: number;
  /** Normalise with the batch's statistics (differentiated through). Default false. */
  training?: boolean;
  /** Statistics to normalise with when not training `[C]` (constants). */
  mean?: NDArray | null;
  /** Biased variance to normalise with when not training `[C]` (a constant). */
  variance?: NDArray | null;
  /**
   * An activation applied in the same kernel (relu, or leaky relu with its slope): the values and
   * gradients of batch norm followed by the separate op, without its passes over memory.
   */
  activation?: NormActivation | null;
}

/**
 * The normalised tensor and the statistics used (the batch's mean and biased variance when
 * training), as {@link batchNormalize} returns them.
 *
 * @example
 * ```ts
 * import { batchNormalize, type BatchNormalizeOutput, tensor } from "@nnc/autograd";
 * const r: BatchNormalizeOutput = batchNormalize(tensor([[1], [3]]), { training: true, eps: 0 });
 * console.assert(r.variance.item() === 1);
 * ```
 */
export interface BatchNormalizeOutput {
  /** `γ·(x − mean)/√(variance + eps) + β`. */
  output: Tensor;
  /** Mean per channel `[C]`. */
  mean: NDArray;
  /** Biased variance per channel `[C]`. */
  variance: NDArray;
}

/**
 * Normalises each channel (dimension 1) of `x` `[N, C, ...]`: with `training` by the batch's mean
 * and biased variance over every other dimension (the gradient includes their dependence on `x`),
 * otherwise by the given `mean` and `variance`; then `γ·x̂ + β`. Differentiable in `x`, `weight`
 * and `bias`, to any order.
 *
 * @example
 * ```ts
 * import { batchNormalize, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 10], [3, 30]], { dtype: "float64", requiresGrad: true });
 * const { output } = batchNormalize(x, { training: true, eps: 0 });
 * console.assert(output.toArray().toString() === "-1,-1,1,1");
 * output.mul(tensor([[1, 0], [0, 0]], { dtype: "float64" })).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,0,0,0");
 * ```
 */
export function batchNormalize(
  x: Tensor,
  options: BatchNormalizeOptions = {},
): BatchNormalizeOutput {
  const op = "batchNormalize";
  checkTensor(x, op, "x");
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${op}: options must be an object, got ${nd.describe(options)}`);
  }
  if (x.ndim < 2) throw new RangeError(`${op}: expected x [N, C, ...], got ${fmtShape(x.shape)}`);
  const C = x.shape[1];
  const inputs = [x];
  for (const name of ["weight", "bias"] as const) {
    const t = options[name];
    if (t === null || t === undefined) continue;
    checkTensor(t, op, name);
    if (t.ndim !== 1 || t.shape[0] !== C) {
      throw new RangeError(`${op}: ${name} must have shape [${C}], got ${fmtShape(t.shape)}`);
    }
    inputs.push(t.dtype === x.dtype ? t : t.astype(x.dtype));
  }
  const training = options.training ?? false;
  const params = {
    eps: options.eps ?? 1e-5,
    training,
    hasWeight: options.weight != null,
    hasBias: options.bias != null,
    mean: training ? null : options.mean ?? null,
    variance: training ? null : options.variance ?? null,
    activation: options.activation ?? null,
  };
  if (!training && (params.mean === null || params.variance === null)) {
    throw new TypeError(`${op}: without training, mean and variance are required`);
  }
  const output = applyPrimitive(BATCH_NORM, inputs, params);
  return { output, mean: params.mean as NDArray, variance: params.variance as NDArray };
}
