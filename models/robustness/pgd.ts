/**
 * {@link pgd}: projected gradient descent on the loss (Madry et al.; 003:L673–701, 001:L932–940),
 * and its two building blocks {@link steepestDirection} and {@link projectPerturbation}.
 *
 * @module
 */
import {
  asNDArray,
  checkBool,
  checkInt,
  checkOptions,
  checkPositive,
  describe,
  NDArray,
  Rng,
} from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import type { AttackLoss, Box, Classifier } from "./classifier.ts";
import {
  boxOption,
  checkInBox,
  clipToBox,
  epsOption,
  forwardOf,
  inputBatch,
  inputGradient,
  labelBatch,
  lossOption,
  type Norm,
  normOption,
  projectBall,
  sampleNorms,
  steepest,
  withFrozenParameters,
} from "./_attack.ts";

/**
 * Options of {@link pgd}.
 *
 * @example
 * ```ts
 * import type { PgdOptions } from "@nnc/models/robustness";
 * const madry: PgdOptions = { eps: 0.3, alpha: 0.01, steps: 40, randomStart: true };
 * ```
 */
export interface PgdOptions {
  /** Radius of the ball around the input (≥ 0). Required. */
  eps: number;
  /** Step size (> 0). Default `2.5·eps/steps` (Madry et al.). */
  alpha?: number;
  /** Number of steps (≥ 1). Default 10. */
  steps?: number;
  /** The ball: `"linf"` (default, sign steps) or `"l2"` (normalised-gradient steps). */
  norm?: "linf" | "l2";
  /** Start from a uniformly random point of the ball instead of the input. Default false. */
  randomStart?: boolean;
  /** Generator of the random start. Default a fresh `Rng(0)`. */
  rng?: Rng;
  /** Move towards class `y` (descend its loss) instead of away from it. Default false. */
  targeted?: boolean;
  /** The loss to ascend; default summed cross-entropy of class indices. */
  loss?: AttackLoss;
  /** Valid input range; inputs must lie in it and every iterate is clipped to it. Default `[0, 1]`. */
  box?: Box | null;
}

function normOfArg(norm: unknown, op: string): Norm {
  return normOption(norm, op);
}

/**
 * The unit vector of a norm that increases a linear function with gradient `z` the most,
 * `argmax_{‖v‖ ≤ 1} vᵀz`, for each row of a batch (the first axis): `sign(z)` for ℓ∞ and `z/‖z‖₂`
 * for ℓ2 (0 where z = 0). It is PGD's step direction (001:L932–940).
 *
 * @example
 * ```ts
 * import { steepestDirection } from "@nnc/models/robustness";
 * import { array } from "@nnc/tensor";
 * const z = array([[3, -4]], { dtype: "float64" });
 * console.assert(steepestDirection(z, "l2").toArray().toString() === "0.6,-0.8");
 * console.assert(steepestDirection(z, "linf").toArray().toString() === "1,-1");
 * ```
 */
export function steepestDirection(z: NDArray, norm: "linf" | "l2"): NDArray {
  const op = "steepestDirection";
  const a = asNDArray(z, op, "z");
  if (a.ndim < 1 || a.size === 0) {
    throw new RangeError(
      `${op}: z must be a non-empty batch [N, …], got shape [${a.shape.join(", ")}]`,
    );
  }
  return steepest(a.contiguous(), normOfArg(norm, op));
}

/**
 * `x0 + Π(x − x0)`: the point of the ε-ball around `x0` (ℓ∞: clip each element to
 * `[x0 − ε, x0 + ε]`; ℓ2: scale the perturbation down to length ε) nearest a candidate `x`, per row
 * of a batch — PGD's projection.
 *
 * @example
 * ```ts
 * import { projectPerturbation } from "@nnc/models/robustness";
 * import { array } from "@nnc/tensor";
 * const x0 = array([[0.5, 0.5]], { dtype: "float64" });
 * const x = projectPerturbation(array([[0.7, 0.45]], { dtype: "float64" }), x0, 0.1, "linf");
 * console.assert(Math.abs(x.get(0, 0) - 0.6) < 1e-15 && x.get(0, 1) === 0.45);
 * ```
 */
export function projectPerturbation(
  x: NDArray,
  x0: NDArray,
  eps: number,
  norm: "linf" | "l2",
): NDArray {
  const op = "projectPerturbation";
  const a = asNDArray(x, op, "x"), b = asNDArray(x0, op, "x0");
  if (a.shape.join() !== b.shape.join() || a.ndim < 1 || a.size === 0) {
    throw new RangeError(
      `${op}: x and x0 must be non-empty batches of one shape, got ${describe(a.shape)} and ${
        describe(b.shape)
      }`,
    );
  }
  return b.add(projectBall(a.sub(b).contiguous(), epsOption(eps, op), normOfArg(norm, op)));
}

/** A uniform sample of the ε-ball of `norm`, one per row of `like`. */
function randomInBall(like: NDArray, eps: number, norm: Norm, rng: Rng): NDArray {
  const n = like.shape[0], d = like.size / n;
  const out = new Float64Array(like.size);
  if (norm === "linf") {
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-eps, eps);
  } else {
    // a Gaussian direction, scaled to radius ε·u^(1/d): uniform in the ball
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    const dir = NDArray.fromTyped(out, like.shape);
    const radius = new Float64Array(n);
    for (let i = 0; i < n; i++) radius[i] = eps * Math.pow(rng.random(), 1 / d);
    const r = NDArray.fromTyped(radius, [n, ...new Array<number>(like.ndim - 1).fill(1)]);
    return dir.div(sampleNorms(dir, 2)).mul(r).astype(like.dtype);
  }
  return NDArray.fromTyped(out, like.shape).astype(like.dtype);
}

/**
 * Projected gradient descent (ascent on the loss): from `x0` (or a random point of the ball),
 * `steps` times `x ← clip_box(x0 + Π_ε(x + α·d − x0))` with `d` the steepest direction of the
 * loss gradient for the norm (`sign ∇` for ℓ∞, `∇/‖∇‖₂` for ℓ2), subtracted instead for a targeted
 * attack towards `y`. With `steps: 1, alpha: eps` and no random start, ℓ∞ PGD is {@link fgsm}.
 * Returns the last iterate as a new Tensor without gradient.
 *
 * @example
 * ```ts
 * import { pgd } from "@nnc/models/robustness";
 * import { bceWithLogits } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * // logistic regression w = (1, −2): two sign steps of 0.1 inside a 0.15 box (002-part-b G23)
 * const model = (x: ReturnType<typeof tensor>) => x.matmul(tensor([1, -2], { dtype: "float64" }));
 * const adv = pgd(model, tensor([[1, 1]], { dtype: "float64" }), tensor([1], { dtype: "float64" }), {
 *   eps: 0.15, alpha: 0.1, steps: 2, box: null,
 *   loss: (z, y) => bceWithLogits(z, y, { reduction: "sum" }),
 * });
 * console.assert(Math.abs(adv.get(0, 0) - 0.85) < 1e-12 && Math.abs(adv.get(0, 1) - 1.15) < 1e-12);
 * ```
 */
export function pgd(
  model: Classifier,
  x: Tensor | NDArray,
  y: Tensor | NDArray | readonly number[],
  options: PgdOptions,
): Tensor {
  const op = "pgd";
  const o = checkOptions(options, op);
  const eps = epsOption(o.eps, op);
  const steps = checkInt(o.steps ?? 10, op, "steps", 1);
  const alpha = o.alpha === undefined ? 2.5 * eps / steps : checkPositive(o.alpha, op, "alpha");
  const norm = normOption(o.norm, op);
  const randomStart = checkBool(o.randomStart ?? false, op, "randomStart");
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  const targeted = checkBool(o.targeted ?? false, op, "targeted");
  const loss = lossOption(o.loss, op);
  const box = boxOption(o.box, op);
  const forward = forwardOf(model, op);
  const x0 = inputBatch(x, op);
  const labels = labelBatch(y, x0.shape[0], op);
  checkInBox(x0, box, op);
  if (eps === 0) return new Tensor(x0.clone());
  let adv = randomStart
    ? clipToBox(x0.add(randomInBall(x0, eps, norm, o.rng ?? new Rng(0))), box)
    : x0;
  withFrozenParameters(model, () => {
    for (let k = 0; k < steps; k++) {
      const { grad } = inputGradient(forward, loss, adv, labels, op);
      const step = steepest(grad, norm).mul(alpha);
      const moved = targeted ? adv.sub(step) : adv.add(step);
      adv = clipToBox(x0.add(projectBall(moved.sub(x0), eps, norm)), box);
    }
  });
  return new Tensor(adv);
}
