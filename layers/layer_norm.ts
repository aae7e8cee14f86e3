/**
 * {@link LayerNorm} and its functional form {@link layerNorm}.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkNumber,
  checkOptions,
  type DType,
  fmtShape,
  ones,
  zeros,
} from "@nnc/tensor";
import { layerNorm as fusedLayerNorm, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { asInput, checkAllocation } from "./_util.ts";
import { checkEndsIn, checkLayerInput, normalizedShapeOf } from "./_normalized_shape.ts";

/**
 * Options of {@link LayerNorm}.
 *
 * @example
 * ```ts
 * import type { LayerNormOptions } from "@nnc/layers";
 * const o: LayerNormOptions = { eps: 1e-6, elementwiseAffine: false };
 * ```
 */
export interface LayerNormOptions {
  /** Added to the variance inside the square root. Default 1e-5. */
  eps?: number;
  /** Learn a per-element scale (`weight`, ones) and shift (`bias`, zeros). Default true. */
  elementwiseAffine?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Normalises over the trailing dimensions `normalizedShape` of each sample (PyTorch
 * `F.layer_norm`): `(x − μ)/√(σ² + eps)` with the biased variance (the notes' formula), then
 * `weight ⊙ · + bias` when given.
 *
 * @example
 * ```ts
 * import { layerNorm } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = layerNorm(tensor([[1, 3], [0, 4]], { dtype: "float64" }), [2], null, null, 0);
 * console.assert(y.toArray().toString() === "-1,1,-1,1");
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = "layerNorm";
  const t = asInput(x, op);
  checkEndsIn(t, normalizedShape, op);
  const w = weight === null ? null : asInput(weight, op, "weight");
  const b = bias === null ? null : asInput(bias, op, "bias");
  checkNumber(eps, op, "eps", 0);
  // One fused primitive (a single pass each way) rather than the nine ops of the formula.
  return fusedLayerNorm(t, normalizedShape, w, b, eps);
}

/**
 * Layer normalisation (PyTorch `nn.LayerNorm`): each sample is normalised over its last
 * dimensions (`normalizedShape`), with learnable `weight` and `bias` of that shape.
 *
 * @example
 * ```ts
 * import { LayerNorm } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const ln = new LayerNorm(8);
 * const y = ln.forward(randn([2, 5, 8]));
 * console.assert(Math.abs(y.mean({ axis: -1 }).get(1, 3)) < 1e-6);
 * ```
 */
export class LayerNorm extends Module<[Tensor], Tensor> {
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance. */
  readonly eps: number;
  /** Scale, of `normalizedShape`, or null. */
  weight: Parameter | null;
  /** Shift, of `normalizedShape`, or null. */
  bias: Parameter | null;

  /** Normalises over the trailing `normalizedShape` (one number for the last dimension). */
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const op = "LayerNorm";
    checkOptions(options, op);
    const shape = normalizedShapeOf(normalizedShape, op);
    this.normalizedShape = shape;
    this.eps = checkNumber(options.eps ?? 1e-5, op, "eps", 0);
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const affine = checkBool(options.elementwiseAffine ?? true, op, "elementwiseAffine");
    if (affine) checkAllocation(shape, op, "weight");
    this.weight = affine ? new Parameter(ones(shape, { dtype })) : null;
    this.bias = affine ? new Parameter(zeros(shape, { dtype })) : null;
  }

  /** Normalises `x` `[*, ...normalizedShape]`. */
  forward(x: Tensor): Tensor {
    const label = `LayerNorm(${fmtShape(this.normalizedShape)})`;
    const t = asInput(x, label);
    checkLayerInput(t, this.normalizedShape, label);
    return layerNorm(t, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${
      this.weight !== null
    }`;
  }
}
