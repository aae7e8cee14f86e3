/**
 * {@link klDiv}: Kullback–Leibler divergence with PyTorch's conventions.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import { Tensor, where } from "@nnc/autograd";
import type { LossOptions } from "./regression_losses.ts";
import { checkReduction, pair, reduceLoss } from "./_reduction.ts";
import { checkBool, checkOptions } from "@nnc/tensor";

/**
 * Options of {@link klDiv}.
 *
 * @example
 * ```ts
 * import type { KlDivOptions } from "@nnc/layers";
 * const o: KlDivOptions = { reduction: "batchmean", logTarget: true };
 * ```
 */
export interface KlDivOptions extends LossOptions {
  /** The target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * `KL(target ‖ q)` for `input = log q` (PyTorch `F.kl_div`): pointwise `y (log y − input)` with
 * `0 · log 0 = 0` (or `eʸ (y − input)` with `logTarget`). Use `reduction: "batchmean"` for the
 * mathematical KL per sample; `"mean"` (PyTorch's default) divides by the number of elements.
 *
 * @example
 * ```ts
 * import { klDiv } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const q = tensor([[0.5, 0.5]], { dtype: "float64" }), p = tensor([[1, 0]], { dtype: "float64" });
 * console.assert(Math.abs(klDiv(q.log(), p, { reduction: "batchmean" }).item() - Math.LN2) < 1e-15);
 * ```
 */
export function klDiv(input: Tensor, target: Tensor | NDArray, options: KlDivOptions = {}): Tensor {
  const op = "klDiv";
  checkOptions(options, op);
  const [x, y] = pair(input, target, op);
  let loss: Tensor;
  if (checkBool(options.logTarget ?? false, op, "logTarget")) loss = y.exp().mul(y.sub(x));
  else {
    const pos = y.data.gt(0);
    // log of 1 where y = 0 keeps the unused branch (and its gradient) finite.
    const safeLog = where(pos, y, 1).log();
    loss = where(pos, y.mul(safeLog), new Tensor(y.data.mul(0))).sub(y.mul(x));
  }
  return reduceLoss(loss, checkReduction(options.reduction, op));
}
