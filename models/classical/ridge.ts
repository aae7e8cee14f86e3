/**
 * Ridge (Tikhonov) regression: w minimises ‖y − Xw − b‖² + α‖w‖² (the notes' squared L2 penalty with
 * no ½, scikit-learn's `Ridge`; the intercept is not penalised), by Cholesky of XᵀX + αI or by gradient
 * descent.
 *
 * @module
 */
import type { MatrixLike, VectorLike } from "../_common/validate.ts";
import { gemm } from "./_data.ts";
import { type GdSettings, gdSettings, gdSquaredLoss, interceptOf, prepare } from "./_linear.ts";
import { type GradientDescentOptions, LinearRegressor } from "./linear_regressor.ts";
import { solveSpd } from "./_solve.ts";
import { checkNumber, checkOneOf, checkOptions } from "@nnc/tensor";

/** Options of {@link Ridge}. */
export interface RidgeOptions extends GradientDescentOptions {
  /** Penalty weight α ≥ 0. Default 1. */
  alpha?: number;
  /** Fit an (unpenalised) intercept. Default true. */
  fitIntercept?: boolean;
  /** `"cholesky"` (closed form, default) or `"gd"`. */
  solver?: "cholesky" | "gd";
}

/**
 * Ridge regression.
 *
 * @example
 * ```ts
 * import { Ridge } from "@nnc/models/classical";
 * // One feature x = (−1, 0, 1), y = x: w = Σxy / (Σx² + α) = 2 / 3 with α = 1.
 * const r = new Ridge({ alpha: 1 }).fit([[-1], [0], [1]], [-1, 0, 1]);
 * console.assert(Math.abs(r.coef.get(0) - 2 / 3) < 1e-12);
 * ```
 */
export class Ridge extends LinearRegressor {
  /** Name used in messages. */
  protected readonly estimator = "Ridge";
  /** Penalty weight α. */
  readonly alpha: number;
  /** Whether an intercept is fitted. */
  readonly fitIntercept: boolean;
  /** The solver. */
  readonly solver: "cholesky" | "gd";
  readonly #gd: GdSettings;
  /** Loss before each gradient-descent step of the last fit. */
  lossHistory: number[] = [];

  /** Checks the options. */
  constructor(options: RidgeOptions = {}) {
    super();
    const op = "Ridge";
    checkOptions(options, op);
    this.alpha = checkNumber(options.alpha ?? 1, op, "alpha", 0);
    this.fitIntercept = options.fitIntercept ?? true;
    this.solver = checkOneOf(options.solver ?? "cholesky", op, "solver", ["cholesky", "gd"]);
    this.#gd = gdSettings(op, options);
  }

  /** Fits to `x` `[n, d]` and `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "Ridge.fit";
    const p = prepare(op, x, y, this.fitIntercept);
    const { n, d } = p;
    this.lossHistory = [];
    if (this.solver === "gd") {
      const t = p.yc.map((v) => v + p.yMean);
      const r = gdSquaredLoss(op, p.x, t, this.fitIntercept, this.alpha, this.#gd);
      this.lossHistory = r.losses;
      this.state = { coef: r.coef, intercept: r.intercept, nIter: r.nIter };
      return this;
    }
    const gram = gemm(p.xc, [n, d], p.xc, [n, d], true, false);
    for (let j = 0; j < d; j++) gram[j * d + j] += this.alpha;
    const rhs = gemm(p.xc, [n, d], p.yc, [n, 1], true, false);
    const coef = solveSpd(op, gram, rhs, d, "XᵀX + αI");
    this.state = { coef, intercept: this.fitIntercept ? interceptOf(p, coef) : 0, nIter: 1 };
    return this;
  }
}
