/**
 * The base of the linear regressions of `@nnc/models/classical` ({@link LinearRegression}, `Ridge`,
 * `Lasso`) and the options their gradient-descent solvers share.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import type { MatrixLike, VectorLike } from "../_common/validate.ts";
import { notFitted, r2, targetsFor, vectorOf } from "./_data.ts";
import { linearPredict } from "./_linear.ts";

/**
 * How a gradient-descent loss is reduced over the samples: the notes use both.
 *
 * @example
 * ```ts
 * import { LinearRegression, type GradientDescentReduction } from "@nnc/models/classical";
 * const reduction: GradientDescentReduction = "sum";
 * console.assert(new LinearRegression({ solver: "gd", reduction }).solver === "gd");
 * ```
 */
export type GradientDescentReduction = "sum" | "mean";

/**
 * Options of the gradient-descent solvers of the regressions.
 *
 * @example
 * ```ts
 * import { type GradientDescentOptions, LinearRegression } from "@nnc/models/classical";
 * const gd: GradientDescentOptions = { lr: 0.1, maxIter: 5000 };
 * const m = new LinearRegression({ solver: "gd", ...gd }).fit([[0], [1], [2]], [1, 3, 5]);
 * console.assert(Math.abs(m.coef.get(0) - 2) < 1e-6);
 * ```
 */
export interface GradientDescentOptions {
  /** Step α in θ ← θ − α∇l. Default 0.01. */
  lr?: number;
  /** Loss over the samples as a sum (the notes' Σ(y − f(x))²) or a mean (their SGD form). Default "mean". */
  reduction?: GradientDescentReduction;
  /** Steps at most. Default 10,000. */
  maxIter?: number;
  /** Stop when the largest change of a parameter in one step is at most tol. Default 1e-10. */
  tol?: number;
}

/**
 * Coefficients of a fitted linear regression: what {@link LinearRegressor} keeps after `fit`.
 *
 * @example
 * ```ts
 * import type { LinearState } from "@nnc/models/classical";
 * const s: LinearState = { coef: new Float64Array([2]), intercept: 1, nIter: 1 };
 * console.assert(s.coef[0] * 3 + s.intercept === 7);
 * ```
 */
export interface LinearState {
  /** Weights w, one per feature. */
  coef: Float64Array;
  /** Intercept b (0 without intercept). */
  intercept: number;
  /** Iterations the solver ran (1 for a closed form). */
  nIter: number;
}

/**
 * Base of the linear regressions: fitted attributes, `predict` and `score`.
 *
 * @example
 * ```ts
 * import { LinearRegression, LinearRegressor } from "@nnc/models/classical";
 * const m = new LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
 * console.assert(m instanceof LinearRegressor && Math.abs(m.score([[3], [4]], [7, 9]) - 1) < 1e-12);
 * ```
 */
export abstract class LinearRegressor {
  /** Fitted state (null before `fit`). */
  protected state: LinearState | null = null;
  /** Name used in messages. */
  protected abstract readonly estimator: string;

  /** The estimator's name in messages (the base's when constructed directly). */
  #name(): string {
    return this.estimator ?? "LinearRegressor";
  }
  /** The fitted state, or a TypeError naming `op`. */
  protected fitted(op: string): LinearState {
    if (this.state === null) throw notFitted(op, this.#name());
    return this.state;
  }
  /** Weights w `[d]` (float64 copy). */
  get coef(): NDArray {
    return vectorOf(this.fitted(`${this.#name()}.coef`).coef);
  }
  /** Intercept b (0 without intercept). */
  get intercept(): number {
    return this.fitted(`${this.#name()}.intercept`).intercept;
  }
  /** Iterations the solver ran (1 for a closed form). */
  get nIter(): number {
    return this.fitted(`${this.#name()}.nIter`).nIter;
  }
  /** Predictions wᵀx + b (float64 `[n]`). */
  predict(x: MatrixLike): NDArray {
    const op = `${this.#name()}.predict`;
    return linearPredict(op, x, this.fitted(op));
  }
  /** Coefficient of determination R² of the predictions on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    const op = `${this.#name()}.score`;
    const p = this.predict(x);
    return r2(targetsFor(op, y, [p.size]), p.data);
  }
}
