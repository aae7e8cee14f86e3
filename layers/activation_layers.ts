/**
 * Activations as modules, for `Sequential`: {@link ReLU}, {@link LeakyReLU}, {@link ELU},
 * {@link GELU}, {@link Sigmoid}, {@link Tanh}, {@link Softplus}, {@link Softmax},
 * {@link LogSoftmax}, {@link Maxout}, {@link Abs}.
 *
 * @module
 */
import { checkFloatDType, checkInt, checkNumber, checkOptions, describe, zeros } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import {
  elu,
  gelu,
  leakyRelu,
  maxout,
  sigmoid,
  softplus,
  type SoftplusOptions,
} from "./activations.ts";
import { linear, type LinearOptions } from "./linear.ts";
import { kaimingUniform, uniform } from "./init.ts";
import { asInput, checkAllocation, checkRng, shapeError } from "./_util.ts";

/**
 * `max(x, 0)` (PyTorch `nn.ReLU`; derivative 0 at 0).
 *
 * @example
 * ```ts
 * import { ReLU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new ReLU().forward(tensor([-1, 2])).toArray().toString() === "0,2");
 * ```
 */
export class ReLU extends Module<[Tensor], Tensor> {
  /** `max(x, 0)`. */
  forward(x: Tensor): Tensor {
    return asInput(x, "ReLU").relu();
  }
}

/**
 * Leaky ReLU (PyTorch `nn.LeakyReLU`, default slope 0.01; the notes use 0.1).
 *
 * @example
 * ```ts
 * import { LeakyReLU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new LeakyReLU(0.1).forward(tensor([-10, 2])).toArray().toString() === "-1,2");
 * ```
 */
export class LeakyReLU extends Module<[Tensor], Tensor> {
  /** Slope for negative inputs. */
  readonly negativeSlope: number;
  /** A leaky ReLU with the given slope. */
  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = checkNumber(negativeSlope, "LeakyReLU", "negativeSlope");
  }
  /** `x > 0 ? x : slope·x`. */
  forward(x: Tensor): Tensor {
    return leakyRelu(asInput(x, "LeakyReLU"), this.negativeSlope);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * Exponential linear unit (PyTorch `nn.ELU`, default α = 1).
 *
 * @example
 * ```ts
 * import { ELU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new ELU().forward(tensor([3])).item() === 3);
 * ```
 */
export class ELU extends Module<[Tensor], Tensor> {
  /** Scale of the negative part. */
  readonly alpha: number;
  /** An ELU with the given α. */
  constructor(alpha = 1) {
    super();
    this.alpha = checkNumber(alpha, "ELU", "alpha");
  }
  /** `x > 0 ? x : α(eˣ − 1)`. */
  forward(x: Tensor): Tensor {
    return elu(asInput(x, "ELU"), this.alpha);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * Gaussian error linear unit (PyTorch `nn.GELU`), exact (erf) or with the tanh approximation.
 *
 * @example
 * ```ts
 * import { GELU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new GELU("tanh").forward(tensor([0])).item() === 0);
 * ```
 */
export class GELU extends Module<[Tensor], Tensor> {
  /** `"none"` (exact) or `"tanh"`. */
  readonly approximate: "none" | "tanh";
  /** A GELU, exact by default. */
  constructor(approximate: "none" | "tanh" = "none") {
    super();
    if (approximate !== "none" && approximate !== "tanh") {
      throw new RangeError(
        `GELU: approximate must be "none" or "tanh", got ${describe(approximate)}`,
      );
    }
    this.approximate = approximate;
  }
  /** `x·Φ(x)`. */
  forward(x: Tensor): Tensor {
    return gelu(asInput(x, "GELU"), this.approximate);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `approximate=${this.approximate}`;
  }
}

/**
 * Logistic sigmoid `σ(slope·x)` (PyTorch `nn.Sigmoid` when slope is 1, the default).
 *
 * @example
 * ```ts
 * import { Sigmoid } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Sigmoid(5).forward(tensor([0])).item() === 0.5);
 * ```
 */
export class Sigmoid extends Module<[Tensor], Tensor> {
  /** Multiplies the input before the sigmoid. */
  readonly slope: number;
  /** A sigmoid with the given slope. */
  constructor(slope = 1) {
    super();
    this.slope = checkNumber(slope, "Sigmoid", "slope");
  }
  /** `1 / (1 + e^(−slope·x))`. */
  forward(x: Tensor): Tensor {
    return sigmoid(asInput(x, "Sigmoid"), this.slope);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return this.slope === 1 ? "" : `slope=${this.slope}`;
  }
}

/**
 * Hyperbolic tangent (PyTorch `nn.Tanh`).
 *
 * @example
 * ```ts
 * import { Tanh } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Tanh().forward(tensor([0])).item() === 0);
 * ```
 */
export class Tanh extends Module<[Tensor], Tensor> {
  /** `tanh(x)`. */
  forward(x: Tensor): Tensor {
    return asInput(x, "Tanh").tanh();
  }
}

/**
 * Softplus `(1/β) log(1 + e^(βx))` (PyTorch `nn.Softplus`).
 *
 * @example
 * ```ts
 * import { Softplus } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Softplus().forward(tensor([0], { dtype: "float64" })).item() === Math.LN2);
 * ```
 */
export class Softplus extends Module<[Tensor], Tensor> {
  /** Sharpness. */
  readonly beta: number;
  /** Linear above `β·x > threshold`. */
  readonly threshold: number;
  /** A softplus with β (default 1) and threshold (default 20). */
  constructor(options: SoftplusOptions = {}) {
    super();
    checkOptions(options, "Softplus");
    this.beta = checkNumber(options.beta ?? 1, "Softplus", "beta");
    this.threshold = checkNumber(options.threshold ?? 20, "Softplus", "threshold");
  }
  /** `(1/β) log(1 + e^(βx))`. */
  forward(x: Tensor): Tensor {
    return softplus(asInput(x, "Softplus"), { beta: this.beta, threshold: this.threshold });
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * Softmax along an axis (PyTorch `nn.Softmax(dim)`; default the last).
 *
 * @example
 * ```ts
 * import { Softmax } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Softmax().forward(tensor([1, 1])).toArray().toString() === "0.5,0.5");
 * ```
 */
export class Softmax extends Module<[Tensor], Tensor> {
  /** The axis normalised. */
  readonly axis: number;
  /** Softmax along `axis`. */
  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) {
      throw new TypeError(`Softmax: axis must be an integer, got ${describe(axis)}`);
    }
    this.axis = axis;
  }
  /** `exp(x) / Σ exp(x)`. */
  forward(x: Tensor): Tensor {
    return asInput(x, "Softmax").softmax(this.axis);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/**
 * Log-softmax along an axis (PyTorch `nn.LogSoftmax(dim)`; default the last).
 *
 * @example
 * ```ts
 * import { LogSoftmax } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new LogSoftmax().forward(tensor([0, 0], { dtype: "float64" })).get(0) === -Math.LN2);
 * ```
 */
export class LogSoftmax extends Module<[Tensor], Tensor> {
  /** The axis normalised. */
  readonly axis: number;
  /** Log-softmax along `axis`. */
  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) {
      throw new TypeError(`LogSoftmax: axis must be an integer, got ${describe(axis)}`);
    }
    this.axis = axis;
  }
  /** `x − logsumexp(x)`. */
  forward(x: Tensor): Tensor {
    return asInput(x, "LogSoftmax").logSoftmax(this.axis);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/**
 * Absolute value as a layer (the notes' "AbsU" networks).
 *
 * @example
 * ```ts
 * import { Abs } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Abs().forward(tensor([-2, 3])).toArray().toString() === "2,3");
 * ```
 */
export class Abs extends Module<[Tensor], Tensor> {
  /** `|x|` (derivative 0 at 0). */
  forward(x: Tensor): Tensor {
    return asInput(x, "Abs").abs();
  }
}

/**
 * A maxout layer (Goodfellow et al.; the notes' k-hinge units): `out` units, each the maximum of
 * `pieces` affine functions, `y_o = max_j (w_{o,j}ᵀx + b_{o,j})`. `weight` is `[out·pieces, in]`
 * with the pieces of unit `o` in rows `o·pieces … o·pieces + pieces − 1`; initialised as
 * {@link Linear}.
 *
 * @example
 * ```ts
 * import { Maxout } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const m = new Maxout(4, 3, 2);
 * console.assert(m.forward(ones([5, 4])).shape.join() === "5,3" && m.weight.shape.join() === "6,4");
 * ```
 */
export class Maxout extends Module<[Tensor], Tensor> {
  /** Input features. */
  readonly inFeatures: number;
  /** Output units. */
  readonly outFeatures: number;
  /** Affine pieces per unit. */
  readonly pieces: number;
  /** `[out·pieces, in]`. */
  weight: Parameter;
  /** `[out·pieces]`. */
  bias: Parameter;

  /** `out` maxout units of `pieces` pieces over `in` features. */
  constructor(
    inFeatures: number,
    outFeatures: number,
    pieces: number,
    options: LinearOptions = {},
  ) {
    super();
    const op = "Maxout";
    checkOptions(options, op);
    this.inFeatures = checkInt(inFeatures, op, "inFeatures", 1);
    this.outFeatures = checkInt(outFeatures, op, "outFeatures", 1);
    this.pieces = checkInt(pieces, op, "pieces", 1);
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    checkRng(options.rng, op);
    const shape = checkAllocation([outFeatures * pieces, inFeatures], op, "weight");
    this.weight = new Parameter(zeros(shape, { dtype }));
    this.bias = new Parameter(zeros([outFeatures * pieces], { dtype }));
    kaimingUniform(this.weight, { a: Math.sqrt(5), rng: options.rng });
    const bound = 1 / Math.sqrt(inFeatures);
    uniform(this.bias, -bound, bound, { rng: options.rng });
  }

  /** `x` `[*, in]` → `[*, out]`. */
  forward(x: Tensor): Tensor {
    const label = `Maxout(${this.inFeatures}→${this.outFeatures}×${this.pieces})`;
    const t = asInput(x, label);
    if (t.ndim < 1 || t.shape[t.ndim - 1] !== this.inFeatures) {
      throw shapeError(label, `[*, ${this.inFeatures}]`, t.shape);
    }
    return maxout(linear(t, this.weight, this.bias), this.pieces);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, pieces=${this.pieces}`;
  }
}
