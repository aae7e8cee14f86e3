/**
 * {@link RMSNorm} and its functional form {@link rmsNorm}: root-mean-square normalisation (Zhang
 * and Sennrich, 2019; the normalisation of LLaMA-style transformers), layer normalisation without
 * the mean's subtraction and without a shift.
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
  sameShape,
} from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { asInput, checkAllocation } from "./_util.ts";
import { checkEndsIn, checkLayerInput, normalizedShapeOf } from "./_normalized_shape.ts";

/**
 * Options of {@link RMSNorm}.
 *
 * @example
 * ```ts
 * import type { RMSNormOptions } from "@nnc/layers";
 * const o: RMSNormOptions = { eps: 1e-6, elementwiseAffine: false };
 * ```
 */
export interface RMSNormOptions {
  /** Added to the mean square inside the root. Default: the machine epsilon of the input's dtype. */
  eps?: number;
  /** Learn a per-element scale (`weight`, ones). Default true. */
  elementwiseAffine?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/** The machine epsilon of a float dtype: PyTorch's default `eps` for RMSNorm. */
function machineEpsilon(dtype: DType): number {
  return dtype === "float64" ? Number.EPSILON : 2 ** -23;
}

/**
 * Normalises over the trailing dimensions `normalizedShape` of each sample by their root mean
 * square (PyTorch `F.rms_norm`): `x / √(mean(x²) + eps)`, then `weight ⊙ ·` when given. `eps`
 * defaults to the machine epsilon of `x`'s dtype, as in PyTorch.
 *
 * @example
 * ```ts
 * import { rmsNorm } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * // Row (3, 4): mean square 12.5, so 3/√12.5 and 4/√12.5.
 * const y = rmsNorm(tensor([[3, 4]], { dtype: "float64" }), [2], null, 0);
 * console.assert(y.toArray().toString() === [3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5)].toString());
 * ```
 */
export function rmsNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  eps?: number,
): Tensor {
  const op = "rmsNorm";
  const t = asInput(x, op);
  checkEndsIn(t, normalizedShape, op);
  const w = weight === null ? null : asInput(weight, op, "weight");
  if (w !== null && !sameShape(w.shape, normalizedShape)) {
    throw new RangeError(
      `${op}: weight ${fmtShape(w.shape)} must have the normalized shape ${
        fmtShape(normalizedShape)
      }`,
    );
  }
  checkFloatDType(t.dtype, op, "input's dtype");
  const e = eps === undefined ? machineEpsilon(t.dtype) : checkNumber(eps, op, "eps", 0);
  const k = normalizedShape.length;
  const axis = Array.from({ length: k }, (_, i) => t.ndim - k + i);
  const y = t.mul(t.square().mean({ axis, keepDims: true }).add(e).rsqrt());
  return w === null ? y : y.mul(w);
}

/**
 * Root-mean-square normalisation (PyTorch `nn.RMSNorm`): each sample is divided by the root mean
 * square of its last dimensions (`normalizedShape`) and scaled by a learnable `weight` of that
 * shape. No mean is subtracted and there is no bias.
 *
 * @example
 * ```ts
 * import { RMSNorm } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const norm = new RMSNorm(8);
 * const y = norm.forward(randn([2, 5, 8]));
 * console.assert(Math.abs(y.square().mean({ axis: -1 }).get(1, 3) - 1) < 1e-5);
 * ```
 */
export class RMSNorm extends Module<[Tensor], Tensor> {
  /** The trailing shape normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the mean square; undefined: the machine epsilon of the input's dtype. */
  readonly eps: number | undefined;
  /** Scale, of `normalizedShape`, or null. */
  weight: Parameter | null;

  /** Normalises over the trailing `normalizedShape` (one number for the last dimension). */
  constructor(normalizedShape: number | readonly number[], options: RMSNormOptions = {}) {
    super();
    const op = "RMSNorm";
    checkOptions(options, op);
    const shape = normalizedShapeOf(normalizedShape, op);
    this.normalizedShape = shape;
    this.eps = options.eps === undefined ? undefined : checkNumber(options.eps, op, "eps", 0);
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const affine = checkBool(options.elementwiseAffine ?? true, op, "elementwiseAffine");
    this.weight = affine
      ? new Parameter(ones(checkAllocation(shape, op, "weight"), { dtype }))
      : null;
  }

  /** Normalises `x` `[*, ...normalizedShape]`. */
  forward(x: Tensor): Tensor {
    const label = `RMSNorm(${fmtShape(this.normalizedShape)})`;
    const t = asInput(x, label);
    checkLayerInput(t, this.normalizedShape, label);
    return rmsNorm(t, this.normalizedShape, this.weight, this.eps);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${
      this.eps ?? "machine epsilon"
    }, elementwiseAffine=${this.weight !== null}`;
  }
}
