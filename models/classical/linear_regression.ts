/**
 * Ordinary least squares: w minimises ‖y − Xw − b‖², by the SVD (`linalg.lstsq`, minimum-norm like
 * scikit-learn's `LinearRegression`), by the normal equations XᵀXθ = Xᵀy of the notes (Cholesky; a
 * singular design is an error), or by gradient descent θ ← θ − α∇l.
 *
 * @module
 */
import { checkOneOf, checkOptions, linalg, NDArray } from "@nnc/tensor";
import { solveSpd } from "./_solve.ts";
import type { MatrixLike, VectorLike } from "../_common/validate.ts";
import { gemm } from "./_data.ts";
import { type GdSettings, gdSettings, gdSquaredLoss, interceptOf, prepare } from "./_linear.ts";
import { type GradientDescentOptions, LinearRegressor } from "./linear_regressor.ts";

/** How {@link LinearRegression} solves. */
export type LinearSolver = "lstsq" | "normal" | "gd";

/** Options of {@link LinearRegression}. */
export interface LinearRegressionOptions extends GradientDescentOptions {
  /** Fit an intercept b. Default true. */
  fitIntercept?: boolean;
  /** `"lstsq"` (SVD, default), `"normal"` (Cholesky of XᵀX) or `"gd"` (gradient descent). */
  solver?: LinearSolver;
}

/**
 * Linear regression by least squares.
 *
 * @example
 * ```ts
 * import { LinearRegression } from "@nnc/models/classical";
 * // The notes' points (0, 1), (1, 3), (2, 5): y = 2x + 1 exactly.
 * const lr = new LinearRegression().fit([[0], [1], [2]], [1, 3, 5]);
 * console.assert(Math.abs(lr.coef.get(0) - 2) < 1e-12 && Math.abs(lr.intercept - 1) < 1e-12);
 * ```
 */
export class LinearRegression extends LinearRegressor {
  /** Name used in messages. */
  protected readonly estimator = "LinearRegression";
  /** Whether an intercept is fitted. */
  readonly fitIntercept: boolean;
  /** The solver. */
  readonly solver: LinearSolver;
  readonly #gd: GdSettings;
  /** Loss before each gradient-descent step of the last fit (empty for the closed forms). */
  lossHistory: number[] = [];

  /** Checks the options. */
  constructor(options: LinearRegressionOptions = {}) {
    super();
    const op = "LinearRegression";
    checkOptions(options, op);
    this.fitIntercept = options.fitIntercept ?? true;
    this.solver = checkOneOf(options.solver ?? "lstsq", op, "solver", ["lstsq", "normal", "gd"]);
    this.#gd = gdSettings(op, options);
  }

  /** Fits w and b to the rows of `x` `[n, d]` and targets `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "LinearRegression.fit";
    const p = prepare(op, x, y, this.fitIntercept);
    this.lossHistory = [];
    if (this.solver === "gd") {
      const r = gdSquaredLoss(
        op,
        p.x,
        p.yc.map((v) => v + p.yMean),
        this.fitIntercept,
        0,
        this.#gd,
      );
      this.lossHistory = r.losses;
      this.state = { coef: r.coef, intercept: r.intercept, nIter: r.nIter };
      return this;
    }
    const { n, d } = p;
    let coef: Float64Array;
    if (this.solver === "lstsq") {
      const a = NDArray.fromTyped(p.xc, [n, d]);
      coef = Float64Array.from(linalg.lstsq(a, NDArray.fromTyped(p.yc, [n])).solution.data);
    } else {
      const gram = gemm(p.xc, [n, d], p.xc, [n, d], true, false);
      const rhs = gemm(p.xc, [n, d], p.yc, [n, 1], true, false);
      coef = solveSpd(op, gram, rhs, d, "XᵀX");
    }
    this.state = { coef, intercept: this.fitIntercept ? interceptOf(p, coef) : 0, nIter: 1 };
    return this;
  }
}
