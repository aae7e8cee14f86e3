// What the attacks share: the box, ε, norm and loss options; the input gradient of a loss; per-sample
// norms, steepest-ascent steps and projections on NDArrays.
import { checkNumber, checkOneOf, describe, fmtShape, fullLike, type NDArray } from "@nnc/tensor";
import { gradients, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { compact, namingErrors } from "../_common/input_gradients.ts";
import type { AttackLoss, Box } from "./classifier.ts";
export {
  compact,
  forwardOf,
  inputBatch,
  labelBatch,
  namingErrors,
  predict,
  scoresOf,
  valuesOf,
  withFrozenParameters,
} from "../_common/input_gradients.ts";

/** An attack norm. */
export type Norm = "linf" | "l2";

/** The box option: `[low, high]` with low < high, or null; the default when undefined. */
export function boxOption(box: unknown, op: string, fallback: Box | null = [0, 1]): Box | null {
  if (box === undefined) return fallback;
  if (box === null) return null;
  if (
    !Array.isArray(box) || box.length !== 2 || !box.every((v) => Number.isFinite(v)) ||
    !(box[0] < box[1])
  ) {
    throw new RangeError(
      `${op}: box must be [low, high] with low < high, or null, got ${describe(box)}`,
    );
  }
  return [box[0], box[1]];
}

/** Throws when an input lies outside the box (the attack would otherwise move it silently). */
export function checkInBox(x: NDArray, box: Box | null, op: string, name = "x"): void {
  if (box === null) return;
  const lo = x.min().item(), hi = x.max().item();
  if (!(lo >= box[0] && hi <= box[1])) {
    throw new RangeError(
      `${op}: ${name} has values in [${lo}, ${hi}], outside the box [${box[0]}, ${
        box[1]
      }]; pass box: [low, high] for another valid range, or box: null for none`,
    );
  }
}

/** Clips to the box (no-op for null). */
export function clipToBox(x: NDArray, box: Box | null): NDArray {
  return box === null ? x : x.clamp(box[0], box[1]);
}

/** A non-negative finite ε. */
export function epsOption(eps: unknown, op: string, name = "eps"): number {
  if (eps === undefined) throw new TypeError(`${op}: ${name} is required`);
  return checkNumber(eps, op, name, 0);
}

/** The norm option. */
export function normOption(norm: unknown, op: string): Norm {
  return checkOneOf(norm ?? "linf", op, "norm", ["linf", "l2"] as const);
}

/** The loss option, by default the summed cross-entropy of class-index labels. */
export function lossOption(loss: unknown, op: string): AttackLoss {
  if (loss === undefined) return (z, y) => crossEntropy(z, y, { reduction: "sum" });
  if (typeof loss !== "function") {
    throw new TypeError(
      `${op}: loss must be a function (scores, target) => Tensor, got ${describe(loss)}`,
    );
  }
  return loss as AttackLoss;
}

/** The gradient of the (summed) loss with respect to the inputs, and the scores. */
export function inputGradient(
  forward: (x: Tensor) => Tensor,
  loss: AttackLoss,
  x: NDArray,
  y: NDArray,
  op: string,
): { grad: NDArray; scores: NDArray; loss: number } {
  const xt = new Tensor(x, { requiresGrad: true });
  const scores = forward(xt);
  const l = namingErrors(
    op,
    `the loss failed on scores of shape ${fmtShape(scores.shape)} and targets of shape ${
      fmtShape(y.shape)
    }`,
    () => loss(scores, new Tensor(y)),
  );
  if (!(l instanceof Tensor) || l.size !== 1) {
    throw new TypeError(`${op}: loss must return a one-element Tensor, got ${describe(l)}`);
  }
  const g = l.requiresGrad ? gradients(l, xt, { allowUnused: true })[0] : null;
  return {
    grad: g === null ? x.mul(0) : compact(g.data.astype(x.dtype)),
    scores: compact(scores.data),
    loss: l.item(),
  };
}

/** Shape `[N, 1, 1, …]` that broadcasts a per-sample value against `x`. */
export function perSample(values: NDArray, like: NDArray): NDArray {
  return values.reshape([like.shape[0], ...new Array<number>(like.ndim - 1).fill(1)]);
}

/** Per-sample ℓp norms (p = 2 or ∞, or 1) over every axis but the first, shaped to broadcast. */
export function sampleNorms(v: NDArray, p: 1 | 2 | "inf"): NDArray {
  const flat = compact(v).reshape([v.shape[0], -1]);
  const norms = p === 2
    ? flat.square().sum({ axis: 1 }).sqrt()
    : p === 1
    ? flat.abs().sum({ axis: 1 })
    : flat.abs().max({ axis: 1 });
  return perSample(norms, v);
}

/**
 * The unit-norm steepest-ascent direction of a gradient under a norm: `sign(g)` for ℓ∞, `g/‖g‖₂`
 * (0 where g = 0) for ℓ2, per sample.
 */
export function steepest(g: NDArray, norm: Norm): NDArray {
  if (norm === "linf") return g.sign();
  // a zero gradient stays zero (divided by 1, not by its norm 0)
  const n = sampleNorms(g, 2);
  return g.div(n.add(n.eq(0).astype(g.dtype)));
}

/** Projects perturbations onto the ε-ball of the norm, per sample. */
export function projectBall(delta: NDArray, eps: number, norm: Norm): NDArray {
  if (norm === "linf") return delta.clamp(-eps, eps);
  if (eps === 0) return delta.mul(0);
  // scale by min(1, ε/‖δ‖) = ε / max(‖δ‖, ε): inside the ball nothing moves
  const n = sampleNorms(delta, 2);
  return delta.mul(fullLike(n, eps).div(n.maximum(eps)));
}
