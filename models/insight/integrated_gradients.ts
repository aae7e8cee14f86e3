/**
 * {@link integratedGradients} (Sundararajan et al. 2017): attributions that add up to the change
 * of the score between a baseline and the input.
 *
 * @module
 */
import { asNDArray, checkInt, checkOptions, describe, fmtShape, type NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { Classifier } from "../robustness/classifier.ts";
import {
  classScoreGradient,
  forwardOf,
  inputBatch,
  scoresOf,
  valuesOf,
  withFrozenParameters,
} from "../_common/input_gradients.ts";
import { targetClasses } from "./_targets.ts";

/**
 * Options of {@link integratedGradients}.
 *
 * @example
 * ```ts
 * import type { IntegratedGradientsOptions } from "@nnc/models/insight";
 * const o: IntegratedGradientsOptions = { steps: 100, baseline: 0 };
 * ```
 */
export interface IntegratedGradientsOptions {
  /** The class to explain: one index, one per input, or (default) the predicted class. */
  target?: number | readonly number[] | NDArray;
  /** The baseline x′: a number for every element, one input, or one per input. Default 0. */
  baseline?: number | NDArray;
  /** Intervals of the trapezoidal rule along the straight path. Default 50. */
  steps?: number;
}

/**
 * What {@link integratedGradients} returns.
 *
 * @example
 * ```ts
 * import type { IntegratedGradientsResult } from "@nnc/models/insight";
 * const worst = (r: IntegratedGradientsResult) => Math.max(...Array.from(r.delta, Math.abs));
 * console.assert(typeof worst === "function");
 * ```
 */
export interface IntegratedGradientsResult {
  /** `(x − x′) ⊙ ∫₀¹ ∇f_c(x′ + α(x − x′)) dα`, shaped like x. */
  attributions: NDArray;
  /** `f_c(x) − f_c(x′)` per input: what the attributions should add up to (completeness). */
  scoreDifference: Float64Array;
  /** `Σ attributions − (f_c(x) − f_c(x′))` per input: the integration error. */
  delta: Float64Array;
}

/**
 * Integrated gradients: the path integral of the explained score's gradient along the straight
 * line from the baseline x′ to x, times `x − x′`, by the trapezoidal rule with `steps` intervals
 * (`steps + 1` gradient evaluations). Completeness — the attributions sum to
 * `f_c(x) − f_c(x′)` — holds up to the reported `delta`, which shrinks as `steps` grows.
 *
 * @example
 * ```ts
 * import { integratedGradients } from "@nnc/models/insight";
 * import { tensor } from "@nnc/autograd";
 * // f(x) = x₀² + 3x₁ from the baseline 0: attributions (x₀², 3x₁) exactly (the rule is exact for f')
 * const model = (x: ReturnType<typeof tensor>) => x.square().matmul(tensor([[1], [0]], { dtype: "float64" })).add(x.matmul(tensor([[0], [3]], { dtype: "float64" })));
 * const r = integratedGradients(model, tensor([[2, 1]], { dtype: "float64" }), { target: 0, steps: 4 });
 * console.assert(r.attributions.toArray().toString() === "4,3" && Math.abs(r.delta[0]) < 1e-12);
 * ```
 */
export function integratedGradients(
  model: Classifier,
  x: Tensor | NDArray,
  options: IntegratedGradientsOptions = {},
): IntegratedGradientsResult {
  const op = "integratedGradients";
  const o = checkOptions(options, op);
  const steps = checkInt(o.steps ?? 50, op, "steps", 1);
  const forward = forwardOf(model, op);
  const xs = inputBatch(x, op);
  const n = xs.shape[0];
  const base = baselineOf(o.baseline, xs, op);
  const classes = targetClasses(o.target, forward, xs, op);
  const diff = xs.sub(base);
  let sum = xs.mul(0);
  withFrozenParameters(model, () => {
    for (let k = 0; k <= steps; k++) {
      const point = base.add(diff.mul(k / steps));
      const { grad } = classScoreGradient(forward, point, classes, op);
      sum = sum.add(k === 0 || k === steps ? grad.mul(0.5) : grad);
    }
  });
  const attributions = diff.mul(sum.div(steps));
  const scoreAt = (p: NDArray) => {
    const s = scoresOf(forward, p);
    const v = valuesOf(s), c = s.size / n;
    return Float64Array.from(classes, (cls, i) => v[i * c + cls]);
  };
  const fx = scoreAt(xs), fb = scoreAt(base);
  const scoreDifference = fx.map((v, i) => v - fb[i]);
  const totals = valuesOf(attributions.reshape([n, -1]).astype("float64").sum({ axis: 1 }));
  const delta = scoreDifference.map((v, i) => totals[i] - v);
  return { attributions, scoreDifference, delta };
}

function baselineOf(baseline: unknown, xs: NDArray, op: string): NDArray {
  if (baseline === undefined) return xs.mul(0);
  if (typeof baseline === "number") {
    if (!Number.isFinite(baseline)) {
      throw new RangeError(`${op}: baseline must be finite, got ${baseline}`);
    }
    return xs.mul(0).add(baseline);
  }
  const b = asNDArray(baseline, op, "baseline").astype(xs.dtype);
  const one = xs.shape.slice(1).join();
  if (b.shape.join() === xs.shape.join()) return b;
  if (b.shape.join() === one) return xs.mul(0).add(b.reshape([1, ...b.shape]));
  throw new RangeError(
    `${op}: baseline must be a number, one input ${fmtShape(xs.shape.slice(1))} or one per input ${
      fmtShape(xs.shape)
    }, got ${describe(b)}`,
  );
}
