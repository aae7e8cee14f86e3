/**
 * {@link universalPerturbation}: one perturbation that changes the label of most inputs
 * (Moosavi-Dezfooli et al. 2017; 002-part-b E25).
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, describe, type NDArray, Rng } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { Box, Classifier } from "./classifier.ts";
import { deepFool } from "./deepfool.ts";
import {
  boxOption,
  checkInBox,
  clipToBox,
  epsOption,
  forwardOf,
  inputBatch,
  normOption,
  predict,
  projectBall,
  scoresOf,
} from "./_attack.ts";

/**
 * Options of {@link universalPerturbation}.
 *
 * @example
 * ```ts
 * import type { UniversalPerturbationOptions } from "@nnc/models/robustness";
 * const o: UniversalPerturbationOptions = { xi: 0.15, norm: "linf", targetFoolingRate: 0.8 };
 * ```
 */
export interface UniversalPerturbationOptions {
  /** Radius ξ of the perturbation's ball (≥ 0). Required. */
  xi: number;
  /** `"linf"` (default) or `"l2"`. */
  norm?: "linf" | "l2";
  /** Stop once this fraction of the inputs is fooled (1 − δ in the paper). Default 0.8. */
  targetFoolingRate?: number;
  /** Most passes over the inputs. Default 5. */
  maxPasses?: number;
  /** DeepFool's overshoot for each update. Default 0.02. */
  overshoot?: number;
  /** DeepFool's iteration limit for each update. Default 10. */
  maxIter?: number;
  /** Valid input range: every `x + v` is clipped to it. Default `[0, 1]`. */
  box?: Box | null;
  /** Inputs evaluated at once when measuring the fooling rate. Default 500. */
  batchSize?: number;
  /** Generator of the order in which inputs are visited. Default `Rng(0)`. */
  rng?: Rng;
}

/**
 * What {@link universalPerturbation} returns.
 *
 * @example
 * ```ts
 * import type { UniversalPerturbationResult } from "@nnc/models/robustness";
 * const pct = (r: UniversalPerturbationResult) => `${(100 * r.foolingRate).toFixed(1)} %`;
 * console.assert(typeof pct === "function");
 * ```
 */
export interface UniversalPerturbationResult {
  /** The perturbation v, shaped like one input. */
  perturbation: NDArray;
  /** Fraction of the inputs whose predicted label `clip(x + v)` differs from that of `x`. */
  foolingRate: number;
  /** The fooling rate after each pass. */
  history: number[];
}

/**
 * A universal adversarial perturbation: v starts at 0; each pass visits the inputs in random
 * order and, for every input `x` that `x + v` does not yet fool, adds DeepFool's minimal
 * perturbation of `x + v` to v and projects v back onto the ξ-ball. Passes stop once the fooling
 * rate over all inputs reaches `targetFoolingRate` or after `maxPasses`.
 *
 * @example
 * ```ts
 * import { universalPerturbation } from "@nnc/models/robustness";
 * import { tensor } from "@nnc/autograd";
 * // class = whether x₀ > x₁: one shift along (−1, 1) flips every input near the diagonal
 * const model = (x: ReturnType<typeof tensor>) => x.matmul(tensor([[1, -1], [-1, 1]], { dtype: "float64" }));
 * const x = tensor([[0.55, 0.5], [0.6, 0.52], [0.5, 0.45]], { dtype: "float64" });
 * const r = universalPerturbation(model, x, { xi: 0.1, targetFoolingRate: 1 });
 * console.assert(r.foolingRate === 1);
 * ```
 */
export function universalPerturbation(
  model: Classifier,
  x: Tensor | NDArray,
  options: UniversalPerturbationOptions,
): UniversalPerturbationResult {
  const op = "universalPerturbation";
  const o = checkOptions(options, op);
  const xi = epsOption(o.xi, op, "xi");
  const norm = normOption(o.norm, op);
  const target = checkNumber(o.targetFoolingRate ?? 0.8, op, "targetFoolingRate", 0, 1);
  const maxPasses = checkInt(o.maxPasses ?? 5, op, "maxPasses", 1);
  const overshoot = checkNumber(o.overshoot ?? 0.02, op, "overshoot", 0);
  const maxIter = checkInt(o.maxIter ?? 10, op, "maxIter", 1);
  const box = boxOption(o.box, op);
  const batchSize = checkInt(o.batchSize ?? 500, op, "batchSize", 1);
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  const rng = o.rng ?? new Rng(0);
  const forward = forwardOf(model, op);
  const xs = inputBatch(x, op);
  checkInBox(xs, box, op);
  const n = xs.shape[0], one = [1, ...xs.shape.slice(1)];
  const labels = new Int32Array(n);
  for (let s = 0; s < n; s += batchSize) {
    labels.set(
      predict(scoresOf(forward, xs.slice({ start: s, stop: Math.min(n, s + batchSize) }))),
      s,
    );
  }
  const rate = (v: NDArray): number => {
    let fooled = 0;
    for (let s = 0; s < n; s += batchSize) {
      const xb = xs.slice({ start: s, stop: Math.min(n, s + batchSize) });
      const pred = predict(scoresOf(forward, clipToBox(xb.add(v), box)));
      for (let i = 0; i < pred.length; i++) if (pred[i] !== labels[s + i]) fooled++;
    }
    return fooled / n;
  };
  let v = xs.slice({ start: 0, stop: 1 }).mul(0).contiguous();
  const history: number[] = [];
  let fooling = 0;
  for (let pass = 0; pass < maxPasses && (pass === 0 || fooling < target); pass++) {
    for (const i of rng.permutation(n)) {
      const xv = clipToBox(xs.slice({ start: i, stop: i + 1 }).add(v), box);
      if (predict(scoresOf(forward, xv))[0] !== labels[i]) continue;
      const r = deepFool(model, xv, { overshoot, maxIter, box, minStep: 1e-4 });
      if (!r.fooled[0] && r.iterations[0] === 0) continue;
      v = projectBall(v.add(r.perturbation).reshape(one), xi, norm);
    }
    fooling = rate(v);
    history.push(fooling);
  }
  return { perturbation: v.reshape(xs.shape.slice(1)), foolingRate: fooling, history };
}
