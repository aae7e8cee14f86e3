/**
 * The weight penalties of the notes: the squared L2 norm ‖θ‖₂² = Σθᵢ² (Tikhonov, ridge; no ½, as the
 * notes' examples 1 → 1, 2 → 4, 0.1 → 0.01) and the L1 norm ‖θ‖₁ = Σ|θᵢ| (lasso), with their
 * (sub)gradients 2θ and sign(θ) (sign(0) = 0). `Ridge` minimises RSS + α·l2Penalty(w), `Lasso`
 * (1/2n)·RSS + α·l1Penalty(w).
 *
 * @module
 */
import { toVector, type VectorLike } from "../_common/validate.ts";
import { vectorOf } from "./_data.ts";
import type { NDArray } from "@nnc/tensor";

/**
 * Σθᵢ².
 *
 * @example
 * ```ts
 * import { l2Penalty } from "@nnc/models/classical";
 * console.assert(l2Penalty([2]) === 4);
 * ```
 */
export function l2Penalty(theta: VectorLike): number {
  return toVector("l2Penalty", theta, "theta").reduce((s, v) => s + v * v, 0);
}

/**
 * Σ|θᵢ|.
 *
 * @example
 * ```ts
 * import { l1Penalty } from "@nnc/models/classical";
 * console.assert(l1Penalty([0.5, -1]) === 1.5);
 * ```
 */
export function l1Penalty(theta: VectorLike): number {
  return toVector("l1Penalty", theta, "theta").reduce((s, v) => s + Math.abs(v), 0);
}

/**
 * ∇‖θ‖₂² = 2θ.
 *
 * @example
 * ```ts
 * import { l2PenaltyGrad } from "@nnc/models/classical";
 * console.assert(l2PenaltyGrad([1, -2]).toArray().toString() === "2,-4");
 * ```
 */
export function l2PenaltyGrad(theta: VectorLike): NDArray {
  return vectorOf(toVector("l2PenaltyGrad", theta, "theta").map((v) => 2 * v));
}

/**
 * The subgradient sign(θ) of ‖θ‖₁, taking 0 at 0 (the notes' "a weight at zero stays at zero").
 *
 * @example
 * ```ts
 * import { l1PenaltySubgrad } from "@nnc/models/classical";
 * console.assert(l1PenaltySubgrad([3, 0, -0.1]).toArray().toString() === "1,0,-1");
 * ```
 */
export function l1PenaltySubgrad(theta: VectorLike): NDArray {
  return vectorOf(toVector("l1PenaltySubgrad", theta, "theta").map((v) => Math.sign(v) + 0));
}
