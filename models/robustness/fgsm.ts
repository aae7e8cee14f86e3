/**
 * {@link fgsm}: the fast gradient sign method (003:L726–763).
 *
 * @module
 */
import { checkBool, checkOptions, type NDArray } from "@nnc/tensor";
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
  withFrozenParameters,
} from "./_attack.ts";

/**
 * Options of {@link fgsm}.
 *
 * @example
 * ```ts
 * import type { FgsmOptions } from "@nnc/models/robustness";
 * const o: FgsmOptions = { eps: 0.1, box: [0, 1] };
 * ```
 */
export interface FgsmOptions {
  /** Size of the step in ℓ∞ (≥ 0). Required. */
  eps: number;
  /** Move towards the class `y` (descend its loss) instead of away from it. Default false. */
  targeted?: boolean;
  /** The loss to ascend; default summed cross-entropy of class indices. */
  loss?: AttackLoss;
  /** Valid input range; inputs must lie in it and results are clipped to it. Default `[0, 1]`. */
  box?: Box | null;
}

/**
 * The fast gradient sign method: `x' = clip(x + ε·sign ∇ₓL(f(x), y))` (descending for a targeted
 * attack), one gradient for the whole batch. `sign(0) = 0`: an input element the loss does not
 * depend on does not move. Returns the adversarial batch as a new Tensor without gradient.
 *
 * @example
 * ```ts
 * import { fgsm } from "@nnc/models/robustness";
 * import { Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const model = new Linear(2, 2, { dtype: "float64" });
 * model.weight.data.data.set([1, -1, -1, 1]);
 * model.bias!.data.data.set([0, 0]);
 * const x = tensor([[0.6, 0.4]], { dtype: "float64" }), y = tensor([0], { dtype: "int32" });
 * const adv = fgsm(model, x, y, { eps: 0.1 });
 * console.assert(adv.toArray().toString() === "0.5,0.5");
 * ```
 */
export function fgsm(
  model: Classifier,
  x: Tensor | NDArray,
  y: Tensor | NDArray | readonly number[],
  options: FgsmOptions,
): Tensor {
  const op = "fgsm";
  const o = checkOptions(options, op);
  const eps = epsOption(o.eps, op);
  const targeted = checkBool(o.targeted ?? false, op, "targeted");
  const loss = lossOption(o.loss, op);
  const box = boxOption(o.box, op);
  const forward = forwardOf(model, op);
  const x0 = inputBatch(x, op);
  const labels = labelBatch(y, x0.shape[0], op);
  checkInBox(x0, box, op);
  const { grad } = withFrozenParameters(model, () => inputGradient(forward, loss, x0, labels, op));
  const step = grad.sign().mul(eps);
  return new Tensor(clipToBox(targeted ? x0.sub(step) : x0.add(step), box));
}
