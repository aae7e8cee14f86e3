/**
 * {@link gumbelSoftmax}: differentiable samples of a categorical distribution (Jang et al., 2017;
 * Maddison et al., 2017).
 *
 * @module
 */
import {
  arange,
  argmax,
  astype,
  checkBool,
  checkNumber,
  checkOptions,
  describe,
  eq,
  log,
  normalizeAxis,
  rand,
  Rng,
} from "@nnc/tensor";
import { softmax, Tensor } from "@nnc/autograd";
import { asInput } from "./_util.ts";

/**
 * Options of {@link gumbelSoftmax}.
 *
 * @example
 * ```ts
 * import type { GumbelSoftmaxOptions } from "@nnc/layers";
 * import { Rng } from "@nnc/tensor";
 * const o: GumbelSoftmaxOptions = { tau: 0.5, hard: true, rng: new Rng(0) };
 * ```
 */
export interface GumbelSoftmaxOptions {
  /** Temperature τ > 0: small is close to one-hot, large close to uniform. Default 1. */
  tau?: number;
  /**
   * Return one-hot samples whose gradient is the soft sample's (the straight-through estimator).
   * Default false.
   */
  hard?: boolean;
  /** The dimension of the categories. Default -1. */
  dim?: number;
  /** Generator of the Gumbel noise; the default one (`manualSeed`) when omitted. */
  rng?: Rng;
}

/**
 * A sample of the Gumbel-softmax distribution over `logits` (PyTorch's `F.gumbel_softmax`):
 * `softmax((logits + g) / τ)` along `dim`, with `g = −log(E)`, `E` standard exponential noise.
 * With `hard` the sample is one-hot at its largest entry — the category the Gumbel-max trick draws
 * with probability `softmax(logits)` — and its gradient is the soft sample's.
 *
 * @example
 * ```ts
 * import { gumbelSoftmax } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const logits = tensor([[1, 2, 3], [0, 0, 0]], { requiresGrad: true });
 * const y = gumbelSoftmax(logits, { hard: true, rng: new Rng(0) });
 * console.assert((y.sum({ axis: -1 }).toArray() as number[]).join() === "1,1");
 * y.mul(tensor([1, 2, 3])).sum().backward(); // the soft sample's gradient
 * console.assert(logits.grad !== null);
 * ```
 */
export function gumbelSoftmax(logits: Tensor, options: GumbelSoftmaxOptions = {}): Tensor {
  const op = "gumbelSoftmax";
  checkOptions(options, op);
  const x = asInput(logits, op, "logits");
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new TypeError(`${op}: logits must be float32 or float64, got ${x.dtype}`);
  }
  if (x.ndim === 0) throw new RangeError(`${op}: logits must have at least one dimension`);
  const tau = checkNumber(options.tau ?? 1, op, "tau", Number.MIN_VALUE);
  const hard = checkBool(options.hard ?? false, op, "hard");
  const axis = normalizeAxis(options.dim ?? -1, x.ndim, op);
  if (options.rng !== undefined && !(options.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(options.rng)}`);
  }
  // E = −log(1 − U) with U in [0, 1) is exponential; g = −log(E). In float64, then the logits' dtype.
  const u = rand(x.shape, { dtype: "float64", rng: options.rng });
  const gumbel = log(log(u.neg().add(1)).neg()).neg();
  const soft = softmax(x.add(astype(gumbel, x.dtype)).div(tau), axis);
  if (!hard) return soft;
  // One-hot at the largest entry (the first of ties), plus the soft sample minus its own value.
  const shape = x.shape.map((s, k) => (k === axis ? s : 1));
  const positions = arange(0, x.shape[axis], 1, { dtype: "int32" }).reshape(shape);
  const oneHot = astype(eq(positions, argmax(soft.data, { axis, keepDims: true })), x.dtype);
  return soft.sub(soft.detach()).add(new Tensor(oneHot));
}
