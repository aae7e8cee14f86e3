/**
 * Negative log-likelihood losses of PyTorch for counts and real values: {@link poissonNllLoss}
 * and {@link gaussianNllLoss}, with their modules {@link PoissonNLLLoss} and
 * {@link GaussianNLLLoss}. Both are composed of differentiable ops, so they differentiate to any
 * order; values and gradients are PyTorch 2.x's (layers/fixtures/ranking_likelihood_fixtures.py).
 *
 * @module
 */
import {
  broadcastShapes,
  checkBool,
  checkNumber,
  checkOptions,
  fmtShape,
  full,
  type NDArray,
  sameShape,
} from "@nnc/tensor";
import { Tensor, where } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Loss, type LossTarget } from "./loss_layers.ts";
import { reduceLoss } from "./_reduction.ts";
import { checkPlainReduction, sameDType } from "./_plain_reduction.ts";
import type { PlainReduction } from "./ranking_losses.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link poissonNllLoss} and {@link PoissonNLLLoss}.
 *
 * @example
 * ```ts
 * import type { PoissonNllLossOptions } from "@nnc/layers";
 * const o: PoissonNllLossOptions = { logInput: false, full: true };
 * ```
 */
export interface PoissonNllLossOptions {
  /** The input is the log of the rate (default true), or the rate itself. */
  logInput?: boolean;
  /** Add Stirling's approximation of `log(y!)` where the target exceeds 1. Default false. */
  full?: boolean;
  /** Added to the rate under the log when `logInput` is false. Default 1e-8. */
  eps?: number;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

interface PoissonSettings {
  logInput: boolean;
  full: boolean;
  eps: number;
  reduction: PlainReduction;
}

function poissonSettings(options: PoissonNllLossOptions, op: string): PoissonSettings {
  checkOptions(options, op);
  return {
    logInput: checkBool(options.logInput ?? true, op, "logInput"),
    full: checkBool(options.full ?? false, op, "full"),
    eps: checkNumber(options.eps ?? 1e-8, op, "eps"),
    reduction: checkPlainReduction(options.reduction, op),
  };
}

function poissonNll(
  op: string,
  input: Tensor,
  target: LossTarget,
  options: PoissonNllLossOptions,
): Tensor {
  const s = poissonSettings(options, op);
  const x = asInput(input, op, "input");
  const y = sameDType(asInput(target, op, "target"), x);
  broadcastShapes(x.shape, y.shape, op);
  let loss = s.logInput ? x.exp().sub(y.mul(x)) : x.sub(y.mul(x.add(s.eps).log()));
  if (s.full) {
    // y·log y − y + ½·log(2πy) where y > 1 (NaN targets included, as masked_fill(y <= 1, 0)); the
    // term is evaluated at 2 elsewhere so that its gradient is 0 there, not PyTorch's NaN at y = 0.
    const small = y.data.le(1);
    const ys = where(small, 2, y);
    const stirling = ys.mul(ys.log()).sub(ys).add(ys.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(where(small, 0, stirling));
  }
  return reduceLoss(loss, s.reduction);
}

/**
 * PyTorch's `F.poisson_nll_loss`: the negative log-likelihood of counts `target` under a Poisson
 * rate, `exp(x) − y·x` for a log-rate input (default), `x − y·log(x + eps)` for a rate. With
 * `full`, Stirling's term `y·log y − y + ½·log(2πy)` is added where `y > 1`. Input and target
 * broadcast, as in PyTorch. The target may carry a gradient; at `y ≤ 1` the Stirling term adds 0
 * to it (PyTorch gives NaN at y = 0).
 *
 * @example
 * ```ts
 * import { poissonNllLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = poissonNllLoss(tensor([0], { dtype: "float64" }), tensor([3], { dtype: "float64" }));
 * console.assert(l.item() === 1); // exp(0) − 3·0
 * ```
 */
export function poissonNllLoss(
  input: Tensor,
  target: Tensor | NDArray,
  options: PoissonNllLossOptions = {},
): Tensor {
  return poissonNll("poissonNllLoss", input, target, options);
}

/**
 * Options of {@link gaussianNllLoss} and {@link GaussianNLLLoss}.
 *
 * @example
 * ```ts
 * import type { GaussianNllLossOptions } from "@nnc/layers";
 * const o: GaussianNllLossOptions = { full: true, eps: 1e-4 };
 * ```
 */
export interface GaussianNllLossOptions {
  /** Add the constant `½·log(2π)`. Default false. */
  full?: boolean;
  /** Smallest variance used (larger variances are kept). Default 1e-6. */
  eps?: number;
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: PlainReduction;
}

interface GaussianSettings {
  full: boolean;
  eps: number;
  reduction: PlainReduction;
}

function gaussianSettings(options: GaussianNllLossOptions, op: string): GaussianSettings {
  checkOptions(options, op);
  return {
    full: checkBool(options.full ?? false, op, "full"),
    eps: checkNumber(options.eps ?? 1e-6, op, "eps", 0),
    reduction: checkPlainReduction(options.reduction, op),
  };
}

/** The variance as a tensor shaped to broadcast with the input (PyTorch's three cases). */
function varianceOf(op: string, x: Tensor, variance: Tensor | NDArray | number): Tensor {
  if (typeof variance === "number") {
    if (variance < 0) throw new RangeError(`${op}: var must be >= 0, got ${variance}`);
    return new Tensor(
      full(x.shape, variance, { dtype: x.dtype }),
    );
  }
  const v = sameDType(asInput(variance, op, "var"), x);
  if (v.size > 0) {
    const low = v.data.min().item() as number;
    if (low < 0) {
      throw new RangeError(
        `${op}: var has negative entries (the smallest is ${low}); var must be >= 0`,
      );
    }
  }
  if (sameShape(v.shape, x.shape)) return v;
  if (x.ndim > 0 && sameShape(v.shape, x.shape.slice(0, -1))) return v.unsqueeze(-1);
  if (v.ndim === x.ndim) {
    const differ = x.shape.map((n, i) => n !== v.shape[i]);
    if (differ.filter(Boolean).length === 1 && v.shape[differ.indexOf(true)] === 1) return v;
  }
  throw new RangeError(
    `${op}: var ${fmtShape(v.shape)} must have the input's shape ${
      fmtShape(x.shape)
    }, that shape without its last dimension, or that shape with one dimension of size 1`,
  );
}

function gaussianNll(
  op: string,
  input: Tensor,
  target: LossTarget,
  variance: Tensor | NDArray | number,
  options: GaussianNllLossOptions,
): Tensor {
  const s = gaussianSettings(options, op);
  const x = asInput(input, op, "input");
  const y = sameDType(asInput(target, op, "target"), x);
  const v = varianceOf(op, x, variance);
  broadcastShapes(broadcastShapes(x.shape, y.shape, op), v.shape, op);
  // PyTorch clamps a copy in place under no_grad: the value is max(var, eps) and the gradient
  // passes straight through, as if unclamped (var − var.detach() is an exact 0 with var's graph).
  const clamped = where(v.data.lt(s.eps), v.sub(v.detach()).add(s.eps), v);
  let loss = clamped.log().add(x.sub(y).square().div(clamped)).mul(0.5);
  if (s.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduceLoss(loss, s.reduction);
}

/**
 * PyTorch's `F.gaussian_nll_loss`: the negative log-likelihood of `target` under a normal
 * distribution with mean `input` and variance `var`, `½·(log v + (x − y)² / v)` elementwise
 * (plus `½·log(2π)` with `full`). `var` has the input's shape (heteroscedastic), or that shape
 * without its last dimension, or with one dimension of size 1 (homoscedastic), or is a number.
 * It is clamped below at `eps` as PyTorch does, in place without autograd: the gradient with
 * respect to `var` passes through the clamp unchanged (evaluated at `eps`), it is not zeroed.
 * Negative variances are errors. The target broadcasts against the input.
 *
 * @example
 * ```ts
 * import { gaussianNllLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = gaussianNllLoss(tensor([1], { dtype: "float64" }), tensor([3], { dtype: "float64" }), 4);
 * console.assert(l.item() === 0.5 * (Math.log(4) + 1));
 * ```
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor | NDArray,
  variance: Tensor | NDArray | number,
  options: GaussianNllLossOptions = {},
): Tensor {
  return gaussianNll("gaussianNllLoss", input, target, variance, options);
}

/**
 * {@link poissonNllLoss} as a module (PyTorch `nn.PoissonNLLLoss`).
 *
 * @example
 * ```ts
 * import { PoissonNLLLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = new PoissonNLLLoss({ logInput: false }).forward(tensor([1]), tensor([1]));
 * console.assert(Math.abs(l.item() - 1) < 1e-6);
 * ```
 */
export class PoissonNLLLoss extends Loss<PoissonNllLossOptions> {
  /** Checks the options. */
  constructor(options: PoissonNllLossOptions = {}) {
    super(options);
    poissonSettings(options, "PoissonNLLLoss");
  }
  /** The Poisson negative log-likelihood of counts `target`. */
  forward(input: Tensor, target: LossTarget): Tensor {
    return poissonNll("PoissonNLLLoss", input, target, this.options);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const s = poissonSettings(this.options, "PoissonNLLLoss");
    return `logInput=${s.logInput}, full=${s.full}, eps=${s.eps}, reduction=${s.reduction}`;
  }
}

/**
 * {@link gaussianNllLoss} as a module (PyTorch `nn.GaussianNLLLoss`): `forward(input, target, var)`.
 *
 * @example
 * ```ts
 * import { GaussianNLLLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const l = new GaussianNLLLoss().forward(tensor([0]), tensor([0]), tensor([1]));
 * console.assert(l.item() === 0);
 * ```
 */
export class GaussianNLLLoss
  extends Module<[Tensor, LossTarget, Tensor | NDArray | number], Tensor> {
  /** The options passed to {@link gaussianNllLoss}. */
  readonly options: Readonly<GaussianNllLossOptions>;
  /** Checks the options. */
  constructor(options: GaussianNllLossOptions = {}) {
    super();
    gaussianSettings(options, "GaussianNLLLoss");
    this.options = { ...options };
  }
  /** The Gaussian negative log-likelihood of `target` given mean `input` and variance `v`. */
  forward(input: Tensor, target: LossTarget, v: Tensor | NDArray | number): Tensor {
    return gaussianNll("GaussianNLLLoss", input, target, v, this.options);
  }
  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const s = gaussianSettings(this.options, "GaussianNLLLoss");
    return `full=${s.full}, eps=${s.eps}, reduction=${s.reduction}`;
  }
}
