/**
 * {@link gradientPenalty}: WGAN-GP's penalty `λ E[(‖∇ₓ D(x̂)‖₂ − 1)²]` at random interpolates
 * `x̂ = α x + (1 − α) x̃`, differentiated through the input gradient (double backward).
 *
 * @module
 */
import {
  checkInt,
  checkNumber,
  checkOptions,
  describe,
  fmtShape,
  NDArray,
  rand,
  type Rng,
} from "@nnc/tensor";
import { gradients, Tensor } from "@nnc/autograd";
import { Module } from "@nnc/layers";

/**
 * Options of {@link gradientPenalty}.
 *
 * @example
 * ```ts
 * import type { GradientPenaltyOptions } from "@nnc/models/generative";
 * const o: GradientPenaltyOptions = { weight: 10, target: 1 };
 * ```
 */
export interface GradientPenaltyOptions {
  /** λ. Default 10 (Gulrajani et al.). */
  weight?: number;
  /** The gradient norm the penalty pulls towards. Default 1 (1-Lipschitz). */
  target?: number;
  /** Interpolation weights α, one per sample (`[N]` or `[N, 1, …]`); default α ~ U[0, 1). */
  alpha?: NDArray;
  /** Generator of α. Default: @nnc/tensor's default one. */
  rng?: Rng;
}

/** A critic: a module or a function from a batch to scores. */
export type Critic = Module<[Tensor], Tensor> | ((x: Tensor) => Tensor);

/**
 * `λ · mean_n (‖∇ₓ D(x̂ₙ)‖₂ − target)²` at `x̂ = α real + (1 − α) fake` (both detached), with the
 * input gradient taken with `createGraph`, so that `backward()` of the result reaches the critic's
 * parameters through the second derivative. The critic must treat samples independently (no batch
 * norm).
 *
 * @example
 * ```ts
 * import { gradientPenalty } from "@nnc/models/generative";
 * import { Linear } from "@nnc/layers";
 * import { array, Rng } from "@nnc/tensor";
 * import { Tensor } from "@nnc/autograd";
 * const critic = new Linear(2, 1, { dtype: "float64", rng: new Rng(0) });
 * critic.weight.data = array([[3, 4]], { dtype: "float64" }); // ‖∇D‖ = 5 everywhere
 * const real = new Tensor(array([[0, 0], [1, 1]], { dtype: "float64" }));
 * const gp = gradientPenalty(critic, real, real.mul(2), { weight: 10 });
 * console.assert(Math.abs(gp.item() - 160) < 1e-9); // 10 · (5 − 1)²
 * gp.backward();
 * console.assert(critic.weight.grad !== null);
 * ```
 */
export function gradientPenalty(
  critic: Critic,
  real: Tensor,
  fake: Tensor,
  options: GradientPenaltyOptions = {},
): Tensor {
  const op = "gradientPenalty";
  const o = checkOptions(options, op);
  const fn = critic instanceof Module
    ? (x: Tensor) => critic.forward(x)
    : typeof critic === "function"
    ? critic
    : null;
  if (fn === null) {
    throw new TypeError(`${op}: critic must be a Module or a function, got ${describe(critic)}`);
  }
  if (!(real instanceof Tensor) || !(fake instanceof Tensor)) {
    throw new TypeError(`${op}: real and fake must be Tensors`);
  }
  if (real.shape.length < 1 || real.shape.join() !== fake.shape.join()) {
    throw new RangeError(
      `${op}: real ${fmtShape(real.shape)} and fake ${
        fmtShape(fake.shape)
      } must have the same shape`,
    );
  }
  const weight = checkNumber(o.weight ?? 10, op, "weight", 0);
  const target = checkNumber(o.target ?? 1, op, "target", 0);
  const n = checkInt(real.shape[0], op, "batch size", 1);
  const alphaShape = [n, ...new Array<number>(real.ndim - 1).fill(1)];
  let alpha: NDArray;
  if (o.alpha !== undefined) {
    if (!(o.alpha instanceof NDArray) || o.alpha.size !== n) {
      throw new RangeError(
        `${op}: alpha must be an NDArray with one weight per sample (${n}), got ${
          describe(o.alpha)
        }`,
      );
    }
    alpha = o.alpha.astype(real.dtype).reshape(alphaShape);
  } else alpha = rand(alphaShape, { dtype: real.dtype, rng: o.rng });
  const xHat = new Tensor(real.data.mul(alpha).add(fake.data.mul(alpha.neg().add(1))), {
    requiresGrad: true,
  });
  const scores = fn(xHat);
  if (!(scores instanceof Tensor)) {
    throw new TypeError(
      `${op}: the critic must return a Tensor of scores, got ${describe(scores)}`,
    );
  }
  const [g] = gradients(scores.sum(), xHat, { createGraph: true });
  const squares = g!.reshape([n, -1]).square().sum({ axis: 1 });
  // Target 0 (R1 on real data): ‖∇D‖² itself, without a square root whose derivative at 0 is ∞.
  if (target === 0) return squares.mean().mul(weight);
  return squares.sqrt().sub(target).square().mean().mul(weight);
}
