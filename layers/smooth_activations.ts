/**
 * Smooth activations of PyTorch's `torch.nn` beyond the common ones: {@link silu} (swish),
 * {@link mish}, {@link selu}, {@link celu}, {@link softsign}, {@link logSigmoid},
 * {@link tanhshrink} and {@link softmin}, with their modules ({@link SiLU}, {@link Mish},
 * {@link SELU}, {@link CELU}, {@link Softsign}, {@link LogSigmoid}, {@link Tanhshrink},
 * {@link Softmin}). Each is a composition of differentiable ops, so it differentiates to any
 * order; values and gradients are PyTorch 2.x's (layers/fixtures/activation_fixtures.py), NaN
 * passing through.
 *
 * @module
 */
import { clamp, expm1, type Tensor, where } from "@nnc/autograd";
import { checkNumber, describe } from "@nnc/tensor";
import { Module } from "./module.ts";
import { elu } from "./activations.ts";
import { asInput } from "./_util.ts";

/** SELU's α and scale (Klambauer et al. 2017), the constants PyTorch uses. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
/** SELU's scale λ (Klambauer et al. 2017). */
export const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * Sigmoid-weighted linear unit (swish): `x · σ(x)` (PyTorch `F.silu`).
 *
 * @example
 * ```ts
 * import { silu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = silu(tensor([0, 1], { dtype: "float64" }));
 * console.assert(y.get(0) === 0 && y.get(1) === 1 / (1 + Math.exp(-1)));
 * ```
 */
export function silu(x: Tensor): Tensor {
  const t = asInput(x, "silu");
  return t.mul(t.sigmoid());
}

/**
 * Mish (Misra 2019): `x · tanh(softplus(x))` (PyTorch `F.mish`).
 *
 * @example
 * ```ts
 * import { mish } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = mish(tensor([1], { dtype: "float64" }));
 * console.assert(Math.abs(y.item() - Math.tanh(Math.log1p(Math.E))) < 1e-15);
 * ```
 */
export function mish(x: Tensor): Tensor {
  const t = asInput(x, "mish");
  return t.mul(t.softplus().tanh());
}

/**
 * Scaled exponential linear unit: `scale · (x > 0 ? x : α(eˣ − 1))` with PyTorch's constants
 * {@link SELU_ALPHA} and {@link SELU_SCALE} (PyTorch `F.selu`; the derivative at 0 is
 * `scale · α`, the negative side's, as PyTorch's).
 *
 * @example
 * ```ts
 * import { selu, SELU_SCALE } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(selu(tensor([2], { dtype: "float64" })).item() === 2 * SELU_SCALE);
 * ```
 */
export function selu(x: Tensor): Tensor {
  return elu(asInput(x, "selu"), SELU_ALPHA).mul(SELU_SCALE);
}

/**
 * Continuously differentiable ELU (Barron 2017): `x > 0 ? x : α(e^(x/α) − 1)` (PyTorch `F.celu`,
 * default α = 1; α must not be 0).
 *
 * @example
 * ```ts
 * import { celu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = celu(tensor([-1, 3], { dtype: "float64" }), 2);
 * console.assert(y.get(0) === 2 * Math.expm1(-0.5) && y.get(1) === 3);
 * ```
 */
export function celu(x: Tensor, alpha = 1): Tensor {
  const t = asInput(x, "celu");
  checkNumber(alpha, "celu", "alpha");
  if (alpha === 0) throw new RangeError("celu: alpha must not be 0, got 0");
  // The exponential branch sees min(x, 0) only, so large x cannot overflow into the gradient.
  return where(t.data.gt(0), t, expm1(clamp(t, undefined, 0).div(alpha)).mul(alpha));
}

/**
 * `x / (1 + |x|)` (PyTorch `F.softsign`).
 *
 * @example
 * ```ts
 * import { softsign } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(softsign(tensor([-3, 1])).toArray().toString() === "-0.75,0.5");
 * ```
 */
export function softsign(x: Tensor): Tensor {
  const t = asInput(x, "softsign");
  return t.div(t.abs().add(1));
}

/**
 * `log σ(x) = −softplus(−x)`, finite for every finite x (PyTorch `F.logsigmoid`).
 *
 * @example
 * ```ts
 * import { logSigmoid } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = logSigmoid(tensor([0, -1000], { dtype: "float64" }));
 * console.assert(y.get(0) === -Math.LN2 && y.get(1) === -1000);
 * ```
 */
export function logSigmoid(x: Tensor): Tensor {
  return asInput(x, "logSigmoid").neg().softplus().neg();
}

/**
 * `x − tanh(x)` (PyTorch `F.tanhshrink`).
 *
 * @example
 * ```ts
 * import { tanhshrink } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(tanhshrink(tensor([1], { dtype: "float64" })).item() === 1 - Math.tanh(1));
 * ```
 */
export function tanhshrink(x: Tensor): Tensor {
  const t = asInput(x, "tanhshrink");
  return t.sub(t.tanh());
}

/**
 * Softmin along an axis: `softmax(−x)` (PyTorch `F.softmin(x, dim)`; default the last axis).
 *
 * @example
 * ```ts
 * import { softmin } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const p = softmin(tensor([0, Math.LN2], { dtype: "float64" }));
 * console.assert(Math.abs(p.get(0) - 2 / 3) < 1e-15);
 * ```
 */
export function softmin(x: Tensor, axis = -1): Tensor {
  const t = asInput(x, "softmin");
  if (!Number.isInteger(axis)) {
    throw new TypeError(`softmin: axis must be an integer, got ${describe(axis)}`);
  }
  return t.neg().softmax(axis);
}

/**
 * {@link silu} as a module (PyTorch `nn.SiLU`).
 *
 * @example
 * ```ts
 * import { SiLU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new SiLU().forward(tensor([0])).item() === 0);
 * ```
 */
export class SiLU extends Module<[Tensor], Tensor> {
  /** `x · σ(x)`. */
  forward(x: Tensor): Tensor {
    return silu(asInput(x, "SiLU"));
  }
}

/**
 * {@link mish} as a module (PyTorch `nn.Mish`).
 *
 * @example
 * ```ts
 * import { Mish } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Mish().forward(tensor([0])).item() === 0);
 * ```
 */
export class Mish extends Module<[Tensor], Tensor> {
  /** `x · tanh(softplus(x))`. */
  forward(x: Tensor): Tensor {
    return mish(asInput(x, "Mish"));
  }
}

/**
 * {@link selu} as a module (PyTorch `nn.SELU`).
 *
 * @example
 * ```ts
 * import { SELU, SELU_SCALE } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new SELU().forward(tensor([1], { dtype: "float64" })).item() === SELU_SCALE);
 * ```
 */
export class SELU extends Module<[Tensor], Tensor> {
  /** `scale · elu(x, α)`. */
  forward(x: Tensor): Tensor {
    return selu(asInput(x, "SELU"));
  }
}

/**
 * {@link celu} as a module (PyTorch `nn.CELU`, default α = 1).
 *
 * @example
 * ```ts
 * import { CELU } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new CELU(0.5).forward(tensor([2])).item() === 2);
 * ```
 */
export class CELU extends Module<[Tensor], Tensor> {
  /** Scale of the negative part (not 0). */
  readonly alpha: number;
  /** A CELU with the given α. */
  constructor(alpha = 1) {
    super();
    this.alpha = checkNumber(alpha, "CELU", "alpha");
    if (alpha === 0) throw new RangeError("CELU: alpha must not be 0, got 0");
  }
  /** `x > 0 ? x : α(e^(x/α) − 1)`. */
  forward(x: Tensor): Tensor {
    return celu(asInput(x, "CELU"), this.alpha);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * {@link softsign} as a module (PyTorch `nn.Softsign`).
 *
 * @example
 * ```ts
 * import { Softsign } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Softsign().forward(tensor([1])).item() === 0.5);
 * ```
 */
export class Softsign extends Module<[Tensor], Tensor> {
  /** `x / (1 + |x|)`. */
  forward(x: Tensor): Tensor {
    return softsign(asInput(x, "Softsign"));
  }
}

/**
 * {@link logSigmoid} as a module (PyTorch `nn.LogSigmoid`).
 *
 * @example
 * ```ts
 * import { LogSigmoid } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new LogSigmoid().forward(tensor([0], { dtype: "float64" })).item() === -Math.LN2);
 * ```
 */
export class LogSigmoid extends Module<[Tensor], Tensor> {
  /** `log σ(x)`. */
  forward(x: Tensor): Tensor {
    return logSigmoid(asInput(x, "LogSigmoid"));
  }
}

/**
 * {@link tanhshrink} as a module (PyTorch `nn.Tanhshrink`).
 *
 * @example
 * ```ts
 * import { Tanhshrink } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Tanhshrink().forward(tensor([0])).item() === 0);
 * ```
 */
export class Tanhshrink extends Module<[Tensor], Tensor> {
  /** `x − tanh(x)`. */
  forward(x: Tensor): Tensor {
    return tanhshrink(asInput(x, "Tanhshrink"));
  }
}

/**
 * {@link softmin} as a module (PyTorch `nn.Softmin(dim)`; default the last axis).
 *
 * @example
 * ```ts
 * import { Softmin } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new Softmin().forward(tensor([3, 3])).toArray().toString() === "0.5,0.5");
 * ```
 */
export class Softmin extends Module<[Tensor], Tensor> {
  /** The axis normalised. */
  readonly axis: number;
  /** Softmin along `axis`. */
  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) {
      throw new TypeError(`Softmin: axis must be an integer, got ${describe(axis)}`);
    }
    this.axis = axis;
  }
  /** `softmax(−x)`. */
  forward(x: Tensor): Tensor {
    return softmin(asInput(x, "Softmin"), this.axis);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
