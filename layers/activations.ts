/**
 * Activation functions beyond the ones every tensor has (`relu`, `tanh`, `abs`, `softmax` are
 * methods of `Tensor`): {@link leakyRelu}, {@link elu}, {@link gelu}, {@link sigmoid} with a slope,
 * {@link softplus} with β and a threshold, and {@link maxout}. All are compositions of
 * differentiable ops, so they differentiate to any order.
 *
 * @module
 */
import {
  clamp,
  expm1,
  gelu as geluExact,
  leakyRelu as leakyReluKernel,
  type Tensor,
  where,
} from "@nnc/autograd";
import { asInput } from "./_util.ts";
import { checkInt, checkNumber, describe, fmtShape } from "@nnc/tensor";

/**
 * `x` where `x > 0`, else `slope · x` (PyTorch `F.leaky_relu`, default slope 0.01; the notes use
 * 0.1). The derivative at 0 is `slope`, as PyTorch's. One fused kernel each way (autograd's
 * `leakyRelu`).
 *
 * @example
 * ```ts
 * import { leakyRelu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(leakyRelu(tensor([-10, 3]), 0.1).toArray().toString() === "-1,3");
 * ```
 */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const t = asInput(x, "leakyRelu");
  checkNumber(slope, "leakyRelu", "slope");
  return leakyReluKernel(t, slope);
}

/**
 * `x` where `x > 0`, else `α(eˣ − 1)` (PyTorch `F.elu`, default α = 1).
 *
 * @example
 * ```ts
 * import { elu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = elu(tensor([-1, 2], { dtype: "float64" }));
 * console.assert(y.get(0) === Math.expm1(-1) && y.get(1) === 2);
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  const t = asInput(x, "elu");
  checkNumber(alpha, "elu", "alpha");
  // The exponential branch sees min(x, 0) only, so large x cannot overflow into the gradient.
  return where(t.data.gt(0), t, expm1(clamp(t, undefined, 0)).mul(alpha));
}

/**
 * Gaussian error linear unit (PyTorch `F.gelu`): exactly `x · Φ(x) = ½x(1 + erf(x/√2))`, or with
 * `approximate: "tanh"` the form `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
 *
 * @example
 * ```ts
 * import { gelu } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = gelu(tensor([1], { dtype: "float64" }));
 * console.assert(Math.abs(y.item() - 0.8413447460685429) < 1e-15);
 * ```
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  const t = asInput(x, "gelu");
  if (approximate === "none") return geluExact(t);
  if (approximate === "tanh") {
    const inner = t.add(t.mul(t).mul(t).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return t.mul(inner.tanh().add(1)).mul(0.5);
  }
  throw new RangeError(`gelu: approximate must be "none" or "tanh", got ${describe(approximate)}`);
}

/**
 * Logistic sigmoid `1 / (1 + e^(−slope·x))`; `slope` (default 1) sharpens it, as the notes'
 * `σ(a·x)` with a = 5 or 10.
 *
 * @example
 * ```ts
 * import { sigmoid } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(sigmoid(tensor([0])).item() === 0.5);
 * console.assert(sigmoid(tensor([1], { dtype: "float64" }), 5).item() === 1 / (1 + Math.exp(-5)));
 * ```
 */
export function sigmoid(x: Tensor, slope = 1): Tensor {
  const t = asInput(x, "sigmoid");
  checkNumber(slope, "sigmoid", "slope");
  return (slope === 1 ? t : t.mul(slope)).sigmoid();
}

/**
 * Options of {@link softplus}.
 *
 * @example
 * ```ts
 * import type { SoftplusOptions } from "@nnc/layers";
 * const o: SoftplusOptions = { beta: 2, threshold: 20 };
 * ```
 */
export interface SoftplusOptions {
  /** Sharpness β (default 1). */
  beta?: number;
  /** Above `β·x > threshold` the function is taken as linear (default 20), as PyTorch. */
  threshold?: number;
}

/**
 * `(1/β) log(1 + e^(βx))`, linear where `βx > threshold` (PyTorch `F.softplus`).
 *
 * @example
 * ```ts
 * import { softplus } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const y = softplus(tensor([0, 100], { dtype: "float64" }));
 * console.assert(y.get(0) === Math.LN2 && y.get(1) === 100);
 * ```
 */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  const t = asInput(x, "softplus");
  const beta = checkNumber(options.beta ?? 1, "softplus", "beta");
  const threshold = checkNumber(options.threshold ?? 20, "softplus", "threshold");
  const bx = beta === 1 ? t : t.mul(beta);
  const soft = beta === 1 ? bx.softplus() : bx.softplus().div(beta);
  return where(bx.data.gt(threshold), t, soft);
}

/**
 * Maxout over groups of `pieces` consecutive features along `axis` (default the last): an axis of
 * size `out · pieces` becomes `out`, feature `o` being the maximum of entries `o·pieces … o·pieces +
 * pieces − 1` (the notes' `max_j (θ_jᵀx + b_j)` when the input is a linear layer's output).
 *
 * @example
 * ```ts
 * import { maxout } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(maxout(tensor([[1, 5, 3, 2]]), 2).toArray().toString() === "5,3");
 * ```
 */
export function maxout(x: Tensor, pieces: number, axis = -1): Tensor {
  const t = asInput(x, "maxout");
  checkInt(pieces, "maxout", "pieces", 1);
  checkInt(axis, "maxout", "axis");
  const ax = axis < 0 ? axis + t.ndim : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= t.ndim) {
    throw new RangeError(
      `maxout: axis ${describe(axis)} is out of range for input ${fmtShape(t.shape)}`,
    );
  }
  const n = t.shape[ax];
  if (n % pieces !== 0) {
    throw new RangeError(
      `maxout: axis ${ax} of input ${
        fmtShape(t.shape)
      } has ${n} features, not a multiple of ${pieces} pieces`,
    );
  }
  const grouped = t.reshape([
    ...t.shape.slice(0, ax),
    n / pieces,
    pieces,
    ...t.shape.slice(ax + 1),
  ]);
  return grouped.max({ axis: ax + 1 });
}
