/**
 * {@link MomentOptions}: the options Adamax, NAdam and RAdam share.
 *
 * @module
 */
import type { OptimizerOptions } from "./optimizer.ts";

/**
 * Options of the Adam family's variants (Adamax, NAdam, RAdam): Adam's less AMSGrad.
 *
 * @example
 * ```ts
 * import type { MomentOptions } from "@nnc/optim";
 * const o: Partial<MomentOptions> = { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-4 };
 * ```
 */
export interface MomentOptions extends OptimizerOptions {
  /** Learning rate η. */
  lr: number;
  /** Decay rates [β1, β2] of the first moment and of the second (Adamax: of the infinity norm). Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the denominator (Adamax: to |g| inside the maximum). Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}
