/**
 * {@link Bilinear}: `y = x₁ᵀ A x₂ + b`, and its functional form {@link bilinear}.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkOptions,
  fmtShape,
  type Rng,
  sameShape,
  zeros,
} from "@nnc/tensor";
import { matmul, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { uniform } from "./init.ts";
import type { LinearOptions } from "./linear.ts";
import { asInput, checkAllocation, checkRng, shapeError } from "./_util.ts";

/**
 * `y_k = x₁ᵀ W_k x₂ + b_k` (PyTorch `F.bilinear`): `x1` `[*, in1]`, `x2` `[*, in2]`, `weight`
 * `[out, in1, in2]`, `bias` `[out]`.
 *
 * @example
 * ```ts
 * import { bilinear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = bilinear(tensor([[1, 2]]), tensor([[3]]), tensor([[[1], [1]]]));
 * console.assert(y.item() === 9);
 * ```
 */
export function bilinear(
  x1: Tensor,
  x2: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
): Tensor {
  const a = asInput(x1, "bilinear", "x1"), b = asInput(x2, "bilinear", "x2");
  weight = asInput(weight, "bilinear", "weight");
  if (bias !== null) bias = asInput(bias, "bilinear", "bias");
  if (weight.ndim !== 3) {
    throw new RangeError(`bilinear: weight must be [out, in1, in2], got ${fmtShape(weight.shape)}`);
  }
  const [out, in1, in2] = weight.shape;
  const lead = a.shape.slice(0, -1);
  if (
    a.ndim < 1 || a.shape[a.ndim - 1] !== in1 || b.ndim !== a.ndim || b.shape[b.ndim - 1] !== in2 ||
    !sameShape(lead, b.shape.slice(0, -1))
  ) {
    throw new RangeError(
      `bilinear: inputs ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not fit weight ${
        fmtShape(weight.shape)
      } (need [*, ${in1}] and [*, ${in2}])`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new RangeError(`bilinear: bias must be [${out}] (out), got ${fmtShape(bias.shape)}`);
  }
  const n = lead.reduce((p, d) => p * d, 1);
  // (x1 · W) as one matrix product, then contract with x2.
  const w = weight.permute(1, 0, 2).reshape(in1, out * in2);
  const t = matmul(a.reshape(n, in1), w).reshape(n, out, in2);
  let y = t.mul(b.reshape(n, 1, in2)).sum({ axis: 2 });
  if (bias !== null) y = y.add(bias);
  return y.reshape([...lead, out]);
}

/**
 * Bilinear layer (PyTorch `nn.Bilinear`): `weight` `[out, in1, in2]` and `bias` `[out]`, both
 * from U(−1/√in1, 1/√in1).
 *
 * @example
 * ```ts
 * import { Bilinear } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const layer = new Bilinear(3, 4, 5);
 * console.assert(layer.forward(ones([2, 3]), ones([2, 4])).shape.join() === "2,5");
 * ```
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  /** Features of the first input. */
  readonly in1Features: number;
  /** Features of the second input. */
  readonly in2Features: number;
  /** Output features. */
  readonly outFeatures: number;
  /** `[out, in1, in2]`. */
  weight: Parameter;
  /** `[out]`, or null. */
  bias: Parameter | null;

  /** A layer from `[*, in1]` and `[*, in2]` to `[*, out]`. */
  constructor(
    in1Features: number,
    in2Features: number,
    outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const op = "Bilinear";
    checkOptions(options, op);
    this.in1Features = checkInt(in1Features, op, "in1Features", 1);
    this.in2Features = checkInt(in2Features, op, "in2Features", 1);
    this.outFeatures = checkInt(outFeatures, op, "outFeatures", 1);
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const bias = checkBool(options.bias ?? true, op, "bias");
    const shape = checkAllocation([outFeatures, in1Features, in2Features], op, "weight");
    this.weight = new Parameter(zeros(shape, { dtype }));
    this.bias = bias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(checkRng(options.rng, op));
  }

  /** Re-draws the weights as PyTorch's `reset_parameters`. */
  resetParameters(rng?: Rng): void {
    checkRng(rng, "resetParameters");
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform(this.weight, -bound, bound, { rng });
    if (this.bias !== null) uniform(this.bias, -bound, bound, { rng });
  }

  /** `x1` `[*, in1]`, `x2` `[*, in2]` → `[*, out]`. */
  forward(x1: Tensor, x2: Tensor): Tensor {
    const label = `Bilinear(${this.in1Features}×${this.in2Features}→${this.outFeatures})`;
    const a = asInput(x1, label, "x1"), b = asInput(x2, label, "x2");
    if (a.ndim < 1 || a.shape[a.ndim - 1] !== this.in1Features) {
      throw shapeError(label, `x1 [*, ${this.in1Features}]`, a.shape);
    }
    if (b.ndim < 1 || b.shape[b.ndim - 1] !== this.in2Features) {
      throw shapeError(label, `x2 [*, ${this.in2Features}]`, b.shape);
    }
    return bilinear(a, b, this.weight, this.bias);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${
      this.bias !== null
    }`;
  }
}
