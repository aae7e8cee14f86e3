/**
 * {@link Linear}: the fully connected layer, and its functional form {@link linear}.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkOptions,
  type DType,
  fmtShape,
  type Rng,
  zeros,
} from "@nnc/tensor";
import { addmm, markGraphOwned, matmul, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { kaimingUniform, uniform } from "./init.ts";
import { asInput, checkAllocation, checkRng, shapeError } from "./_util.ts";

/**
 * Options shared by layers with parameters.
 *
 * @example
 * ```ts
 * import type { LayerOptions } from "@nnc/layers";
 * import { Rng } from "@nnc/tensor";
 * const o: LayerOptions = { dtype: "float64", rng: new Rng(0) };
 * ```
 */
export interface LayerOptions {
  /** Parameter dtype, float32 (default) or float64. */
  dtype?: DType;
  /** Generator for the initial weights; the default one of @nnc/tensor when omitted. */
  rng?: Rng;
}

/**
 * Options of {@link Linear}.
 *
 * @example
 * ```ts
 * import type { LinearOptions } from "@nnc/layers";
 * const o: LinearOptions = { bias: false };
 * ```
 */
export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * `y = x Wᵀ + b` (PyTorch `F.linear`): `x` `[*, in]`, `weight` `[out, in]`, `bias` `[out]`.
 *
 * @example
 * ```ts
 * import { linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = linear(tensor([[1, 2]]), tensor([[1, 0], [1, 1]]), tensor([0, 10]));
 * console.assert(y.toArray().toString() === "1,13");
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const input = asInput(x, "linear");
  weight = asInput(weight, "linear", "weight");
  if (bias !== null) bias = asInput(bias, "linear", "bias");
  if (weight.ndim !== 2) {
    throw new RangeError(`linear: weight must be [out, in], got ${fmtShape(weight.shape)}`);
  }
  if (input.ndim < 1 || input.shape[input.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(
      `linear: input ${fmtShape(input.shape)} does not end in ${
        weight.shape[1]
      }, the weight's in-features`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new RangeError(
      `linear: bias must be [${weight.shape[0]}] (the weight's out-features), got ${
        fmtShape(bias.shape)
      }`,
    );
  }
  // Leading dimensions fold into one product (as PyTorch's F.linear; a 1-d input is one row): one
  // GEMM each way, and the weight's gradient comes out as one product too instead of a batch of
  // them summed afterwards. The folded views are read by the ops here alone: graph-owned (see
  // markGraphOwned). A caller's array is released only when every tensor of the graph over it is
  // marked, so these marks let a caller that marks its input or this result see it released, and
  // release nothing when it does not. With a bias, one addmm: the bias goes into the product's
  // memory in place (one array and one graph node instead of a product and a sum).
  const lead = input.shape.slice(0, -1);
  const x2 = input.ndim !== 2 ? markGraphOwned(input.reshape(-1, weight.shape[1])) : input;
  const y = bias === null ? matmul(x2, weight.T) : addmm(bias, x2, weight.T);
  return input.ndim !== 2 ? markGraphOwned(y).reshape([...lead, weight.shape[0]]) : y;
}

/**
 * Fully connected layer `y = x Wᵀ + b` (PyTorch `nn.Linear`) with `weight` `[out, in]` and `bias`
 * `[out]`, both initialised from U(−1/√in, 1/√in) as PyTorch does (Kaiming uniform with a = √5).
 * The notes write `y = Wᵀx` with `W` `[in, out]`: that `W` is this layer's `weight.T`.
 *
 * @example
 * ```ts
 * import { Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const fc = new Linear(3, 2, { rng: new Rng(0) });
 * const y = fc.forward(tensor([[1, 2, 3]]));
 * console.assert(y.shape.join() === "1,2" && fc.numParameters() === 8);
 * ```
 */
export class Linear extends Module<[Tensor], Tensor> {
  /** Input features. */
  readonly inFeatures: number;
  /** Output features. */
  readonly outFeatures: number;
  /** `[out, in]`. */
  weight: Parameter;
  /** `[out]`, or null without bias. */
  bias: Parameter | null;

  /** A layer from `inFeatures` to `outFeatures`. */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const op = "Linear";
    checkOptions(options, op);
    this.inFeatures = checkInt(inFeatures, op, "inFeatures", 1);
    this.outFeatures = checkInt(outFeatures, op, "outFeatures", 1);
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const bias = checkBool(options.bias ?? true, op, "bias");
    this.weight = new Parameter(
      zeros(checkAllocation([outFeatures, inFeatures], op, "weight"), { dtype }),
    );
    this.bias = bias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(checkRng(options.rng, op));
  }

  /** Re-draws the weights as PyTorch's `reset_parameters`. */
  resetParameters(rng?: Rng): void {
    checkRng(rng, "resetParameters");
    kaimingUniform(this.weight, { a: Math.sqrt(5), rng });
    const bound = 1 / Math.sqrt(this.inFeatures);
    if (this.bias !== null) uniform(this.bias, -bound, bound, { rng });
  }

  /** `x` `[*, in]` → `[*, out]`. */
  forward(x: Tensor): Tensor {
    const input = asInput(x, this.#label());
    if (input.ndim < 1 || input.shape[input.ndim - 1] !== this.inFeatures) {
      throw shapeError(this.#label(), `[*, ${this.inFeatures}]`, input.shape);
    }
    return linear(input, this.weight, this.bias);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${
      this.bias !== null
    }`;
  }

  #label(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures})`;
  }
}
