/**
 * {@link robustAccuracy}: accuracy under attack as a function of the attack's budget ε.
 *
 * @module
 */
import { checkInt, checkOptions, describe, fmtShape, NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import type { Box, Classifier } from "./classifier.ts";
import { fgsm } from "./fgsm.ts";
import { pgd } from "./pgd.ts";
import {
  boxOption,
  checkInBox,
  epsOption,
  forwardOf,
  inputBatch,
  labelBatch,
  namingErrors,
  predict,
  scoresOf,
  valuesOf,
} from "./_attack.ts";

/**
 * An attack with budget ε: returns adversarial inputs for a batch `x` with labels `y`.
 *
 * @example
 * ```ts
 * import { type EpsilonAttack, pgd } from "@nnc/models/robustness";
 * const pgd40: EpsilonAttack = (m, x, y, eps) => pgd(m, x, y, { eps, steps: 40, alpha: eps / 10 });
 * console.assert(typeof pgd40 === "function");
 * ```
 */
export type EpsilonAttack = (model: Classifier, x: Tensor, y: Tensor, eps: number) => Tensor;

/**
 * Options of {@link robustAccuracy}.
 *
 * @example
 * ```ts
 * import type { RobustAccuracyOptions } from "@nnc/models/robustness";
 * const o: RobustAccuracyOptions = { epsilons: [0, 0.05, 0.1], attack: "pgd", steps: 20 };
 * ```
 */
export interface RobustAccuracyOptions {
  /** The budgets (≥ 0) to evaluate; ε = 0 is the clean accuracy. Required. */
  epsilons: readonly number[];
  /**
   * `"fgsm"` (default), `"pgd"` (ℓ∞, `steps` steps of `2.5ε/steps`, no random start) or any
   * {@link EpsilonAttack}.
   */
  attack?: "fgsm" | "pgd" | EpsilonAttack;
  /** PGD steps. Default 20. */
  steps?: number;
  /** Inputs attacked at once. Default 500. */
  batchSize?: number;
  /** Valid input range for the built-in attacks. Default `[0, 1]`. */
  box?: Box | null;
}

/**
 * Robust accuracy curve: for each ε, the fraction of `x` that `model` still classifies as `y`
 * after the attack (class indices; argmax of the scores). Run the model in evaluation mode.
 *
 * @example
 * ```ts
 * import { robustAccuracy } from "@nnc/models/robustness";
 * import { tensor } from "@nnc/autograd";
 * const model = (x: ReturnType<typeof tensor>) => x.matmul(tensor([[1, -1], [-1, 1]], { dtype: "float64" }));
 * const x = tensor([[0.7, 0.3], [0.2, 0.9]], { dtype: "float64" });
 * const r = robustAccuracy(model, x, [0, 1], { epsilons: [0, 0.1, 0.4] });
 * // an ℓ∞ step of ε moves x₀ − x₁ by 2ε: the labels flip beyond ε = 0.2 and 0.35
 * console.assert(r.accuracy.join() === "1,1,0");
 * ```
 */
export function robustAccuracy(
  model: Classifier,
  x: Tensor | NDArray,
  y: Tensor | NDArray | readonly number[],
  options: RobustAccuracyOptions,
): { epsilons: number[]; accuracy: number[] } {
  const op = "robustAccuracy";
  const o = checkOptions(options, op);
  if (!Array.isArray(o.epsilons) || o.epsilons.length === 0) {
    throw new TypeError(
      `${op}: epsilons must be a non-empty list of budgets, got ${describe(o.epsilons)}`,
    );
  }
  const epsilons = o.epsilons.map((e, i) => epsOption(e, op, `epsilons[${i}]`));
  const steps = checkInt(o.steps ?? 20, op, "steps", 1);
  const batchSize = checkInt(o.batchSize ?? 500, op, "batchSize", 1);
  const box = boxOption(o.box, op);
  const attack = attackOf(o.attack, steps, box, op);
  const forward = forwardOf(model, op);
  const xs = inputBatch(x, op);
  if (typeof o.attack !== "function") checkInBox(xs, box, op);
  const labels = Int32Array.from(valuesOf(labelBatch(y, xs.shape[0], op)));
  const n = xs.shape[0];
  const accuracy = epsilons.map((eps) => {
    let correct = 0;
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const xb = xs.slice({ start: s, stop: e });
      const yb = new Tensor(labelBatch(Array.from(labels.subarray(s, e)), e - s, op));
      const adv = eps === 0 ? xb : adversarialBatch(model, attack, xb, yb, eps, op);
      const pred = predict(scoresOf(forward, adv));
      for (let i = 0; i < pred.length; i++) if (pred[i] === labels[s + i]) correct++;
    }
    return correct / n;
  });
  return { epsilons, accuracy };
}

function attackOf(
  attack: unknown,
  steps: number,
  box: Box | null,
  op: string,
): EpsilonAttack {
  if (attack === undefined || attack === "fgsm") {
    return (m, x, y, eps) => fgsm(m, x, y, { eps, box });
  }
  if (attack === "pgd") return (m, x, y, eps) => pgd(m, x, y, { eps, steps, box });
  if (typeof attack === "function") return attack as EpsilonAttack;
  throw new TypeError(
    `${op}: attack must be "fgsm", "pgd" or a function (model, x, y, eps) => Tensor, got ${
      describe(attack)
    }`,
  );
}

/** The attack's inputs for one batch, checked: a Tensor or NDArray of the batch's shape. */
function adversarialBatch(
  model: Classifier,
  attack: EpsilonAttack,
  xb: NDArray,
  yb: Tensor,
  eps: number,
  op: string,
): NDArray {
  const adv: unknown = namingErrors(
    op,
    `the attack failed at ε = ${eps}`,
    () => attack(model, new Tensor(xb), yb, eps),
  );
  const a = adv instanceof Tensor ? adv.data : adv;
  if (!(a instanceof NDArray) || fmtShape(a.shape) !== fmtShape(xb.shape)) {
    throw new TypeError(
      `${op}: the attack must return a Tensor of the inputs' shape ${fmtShape(xb.shape)}, got ${
        describe(adv)
      }`,
    );
  }
  return a;
}
