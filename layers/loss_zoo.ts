/**
 * The rest of the notes' loss zoo (Janocha & Czarnecki's table), on probability vectors `p`
 * (typically `softmax(o)`) and targets `y` along the last axis: {@link expectationLoss} (L1∘σ,
 * L2∘σ and L∞∘σ), {@link tanimotoLoss} and {@link cauchySchwarzDivergence}. The others are
 * {@link l1Loss}, {@link mseLoss}, {@link hingeLoss} (margin ½, powers 1–3) and
 * {@link crossEntropy} with `reduction: "sum"`.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { Reduction } from "./regression_losses.ts";
import { checkReduction, pair, reduceLoss } from "./_reduction.ts";
import { checkOptions, describe } from "@nnc/tensor";

/**
 * Options of the loss-zoo functions.
 *
 * @example
 * ```ts
 * import type { ZooLossOptions } from "@nnc/layers";
 * const o: ZooLossOptions = { reduction: "sum" };
 * ```
 */
export interface ZooLossOptions {
  /** Over the samples (leading dimensions). Default `"mean"`. */
  reduction?: Reduction;
}

/**
 * The notes' expectation losses: `‖y − p‖₁` (`norm: 1`), `‖y − p‖₂²` (`norm: 2`) or the Chebyshev
 * loss `max_j |p_j − y_j|` (`norm: Infinity`), per sample over the last axis.
 *
 * @example
 * ```ts
 * import { expectationLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const p = tensor([0.25, 0.75], { dtype: "float64" }), y = tensor([0, 1], { dtype: "float64" });
 * console.assert(expectationLoss(p, y, 1).item() === 0.5 && expectationLoss(p, y, Infinity).item() === 0.25);
 * ```
 */
export function expectationLoss(
  p: Tensor,
  y: Tensor | NDArray,
  norm: 1 | 2 | typeof Infinity = 1,
  options: ZooLossOptions = {},
): Tensor {
  const op = "expectationLoss";
  checkOptions(options, op);
  const [a, b] = pair(p, y, op);
  const d = a.sub(b).abs();
  const axis = Math.max(a.ndim - 1, 0);
  let per: Tensor;
  if (norm === 1) per = d.sum({ axis });
  else if (norm === 2) per = d.square().sum({ axis });
  else if (norm === Infinity) per = d.max({ axis });
  else throw new RangeError(`${op}: norm must be 1, 2 or Infinity, got ${describe(norm)}`);
  return reduceLoss(per, checkReduction(options.reduction, op));
}

/**
 * Tanimoto loss `−p·y / (‖p‖² + ‖y‖² − p·y)` per sample (the notes' L312 in its corrected form).
 *
 * @example
 * ```ts
 * import { tanimotoLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(tanimotoLoss(tensor([0, 1]), tensor([0, 1])).item() === -1);
 * ```
 */
export function tanimotoLoss(p: Tensor, y: Tensor | NDArray, options: ZooLossOptions = {}): Tensor {
  const op = "tanimotoLoss";
  checkOptions(options, op);
  const [a, b] = pair(p, y, op);
  const axis = Math.max(a.ndim - 1, 0);
  const dot = a.mul(b).sum({ axis });
  const per = dot.div(a.square().sum({ axis }).add(b.square().sum({ axis })).sub(dot)).neg();
  return reduceLoss(per, checkReduction(options.reduction, op));
}

/**
 * Cauchy–Schwarz divergence `−log(p·y / (‖p‖₂‖y‖₂))` per sample (the notes' D_CS, corrected).
 *
 * @example
 * ```ts
 * import { cauchySchwarzDivergence } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(cauchySchwarzDivergence(tensor([0, 2]), tensor([0, 1])).item() === 0);
 * ```
 */
export function cauchySchwarzDivergence(
  p: Tensor,
  y: Tensor | NDArray,
  options: ZooLossOptions = {},
): Tensor {
  const op = "cauchySchwarzDivergence";
  checkOptions(options, op);
  const [a, b] = pair(p, y, op);
  const axis = Math.max(a.ndim - 1, 0);
  const dot = a.mul(b).sum({ axis });
  const per = dot.div(a.square().sum({ axis }).mul(b.square().sum({ axis })).sqrt()).log().neg();
  return reduceLoss(per, checkReduction(options.reduction, op));
}
