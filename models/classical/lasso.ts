/**
 * The lasso: w minimises (1/2n)‖y − Xw − b‖² + α‖w‖₁ (scikit-learn's `Lasso` scaling; the L1 penalty
 * of the notes, whose subgradient at 0 is taken as 0), by cyclic coordinate descent with soft
 * thresholding or by proximal gradient descent (FISTA). Both stop on the duality gap.
 *
 * @module
 */
import type { MatrixLike, VectorLike } from "../_common/validate.ts";
import { gemm } from "./_data.ts";
import { interceptOf, prepare, type Prepared } from "./_linear.ts";
import { LinearRegressor } from "./linear_regressor.ts";
import { checkInt, checkNumber, checkOneOf, checkOptions, describe } from "@nnc/tensor";

/** Options of {@link Lasso}. */
export interface LassoOptions {
  /** Penalty weight α ≥ 0. Default 1. */
  alpha?: number;
  /** Fit an (unpenalised) intercept. Default true. */
  fitIntercept?: boolean;
  /** `"cd"` (coordinate descent, default) or `"proximal"` (FISTA with step 1/L). */
  solver?: "cd" | "proximal";
  /** Passes (cd) or steps (proximal) at most. Default 1,000 (cd), 100,000 (proximal). */
  maxIter?: number;
  /** Stop when the duality gap is at most tol·‖y − ȳ‖² (scikit-learn's rule). Default 1e-4. */
  tol?: number;
}

/** soft(v, t) = sign(v)·max(|v| − t, 0): the proximal map of t‖·‖₁. */
export function softThreshold(v: number, t: number): number {
  if (typeof v !== "number" || typeof t !== "number") {
    throw new TypeError(
      `softThreshold: v and t must be numbers, got ${describe(v)} and ${describe(t)}`,
    );
  }
  return v > t ? v - t : v < -t ? v + t : 0;
}

/**
 * Lasso regression.
 *
 * @example
 * ```ts
 * import { Lasso } from "@nnc/models/classical";
 * // x = (−1, 0, 1), y = x: w = soft(Σxy/n, α) / (Σx²/n) = (2/3 − 0.5)/(2/3) = 0.25 with α = 0.5.
 * const l = new Lasso({ alpha: 0.5, tol: 1e-12 }).fit([[-1], [0], [1]], [-1, 0, 1]);
 * console.assert(Math.abs(l.coef.get(0) - 0.25) < 1e-9);
 * ```
 */
export class Lasso extends LinearRegressor {
  /** Name used in messages. */
  protected readonly estimator = "Lasso";
  /** Penalty weight α. */
  readonly alpha: number;
  /** Whether an intercept is fitted. */
  readonly fitIntercept: boolean;
  /** The solver. */
  readonly solver: "cd" | "proximal";
  /** Iteration cap. */
  readonly maxIter: number;
  /** Duality-gap tolerance. */
  readonly tol: number;
  /** Duality gap at the end of the last fit (on the (1/2n) objective). */
  dualGap: number = NaN;

  /** Checks the options. */
  constructor(options: LassoOptions = {}) {
    super();
    const op = "Lasso";
    checkOptions(options, op);
    this.alpha = checkNumber(options.alpha ?? 1, op, "alpha", 0);
    this.fitIntercept = options.fitIntercept ?? true;
    this.solver = checkOneOf(options.solver ?? "cd", op, "solver", ["cd", "proximal"]);
    this.maxIter = checkInt(
      options.maxIter ?? (this.solver === "cd" ? 1000 : 100_000),
      op,
      "maxIter",
      1,
    );
    this.tol = checkNumber(options.tol ?? 1e-4, op, "tol", 0);
  }

  /** Fits to `x` `[n, d]` and `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const p = prepare("Lasso.fit", x, y, this.fitIntercept);
    const { coef, nIter, gap } = this.solver === "cd" ? this.#cd(p) : this.#fista(p);
    this.dualGap = gap;
    this.state = { coef, intercept: this.fitIntercept ? interceptOf(p, coef) : 0, nIter };
    return this;
  }

  /** Duality gap of ½‖r‖² + nα‖w‖₁ (scikit-learn's), for residual r = y − Xw. */
  #gap(p: Prepared, w: Float64Array, r: Float64Array): number {
    const { n, d, xc, yc } = p;
    const l1 = n * this.alpha;
    const xtr = gemm(xc, [n, d], r, [n, 1], true, false);
    let dualNorm = 0, wNorm1 = 0, rr = 0, ry = 0;
    for (let j = 0; j < d; j++) {
      dualNorm = Math.max(dualNorm, Math.abs(xtr[j]));
      wNorm1 += Math.abs(w[j]);
    }
    for (let i = 0; i < n; i++) {
      rr += r[i] * r[i];
      ry += r[i] * yc[i];
    }
    let gap: number, c: number;
    if (dualNorm > l1) {
      c = l1 / dualNorm;
      gap = 0.5 * (rr + rr * c * c);
    } else {
      c = 1;
      gap = rr;
    }
    return gap + l1 * wNorm1 - c * ry;
  }

  #yNorm2(p: Prepared): number {
    let s = 0;
    for (let i = 0; i < p.n; i++) s += p.yc[i] * p.yc[i];
    return s;
  }

  #cd(p: Prepared): { coef: Float64Array; nIter: number; gap: number } {
    const { n, d, xc } = p;
    const l1 = n * this.alpha;
    const w = new Float64Array(d);
    const r = Float64Array.from(p.yc);
    const colNorm = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) colNorm[j] += xc[i * d + j] ** 2;
    const tol = this.tol * this.#yNorm2(p);
    let gap = Infinity, it = 0;
    while (it < this.maxIter) {
      it++;
      let wMax = 0, dMax = 0;
      for (let j = 0; j < d; j++) {
        if (colNorm[j] === 0) continue;
        const old = w[j];
        let rho = 0;
        for (let i = 0; i < n; i++) rho += xc[i * d + j] * r[i];
        rho += colNorm[j] * old;
        const nw = softThreshold(rho, l1) / colNorm[j];
        if (nw !== old) {
          const delta = nw - old;
          for (let i = 0; i < n; i++) r[i] -= xc[i * d + j] * delta;
          w[j] = nw;
        }
        dMax = Math.max(dMax, Math.abs(nw - old));
        wMax = Math.max(wMax, Math.abs(nw));
      }
      // scikit-learn checks the gap only once the largest update is small relative to the weights.
      if (wMax === 0 || dMax / wMax < this.tol || it === this.maxIter) {
        gap = this.#gap(p, w, r);
        if (gap < tol) break;
      }
    }
    return { coef: w, nIter: it, gap: gap / n };
  }

  #fista(p: Prepared): { coef: Float64Array; nIter: number; gap: number } {
    const { n, d, xc } = p;
    // Lipschitz constant of ∇(1/2n)‖y − Xw‖² is σ_max(X)²/n: power iteration on XᵀX.
    const xtx = gemm(xc, [n, d], xc, [n, d], true, false);
    const lip = largestEigenvalue(xtx, d) / n;
    const step = lip > 0 ? 1 / lip : 1;
    const xty = gemm(xc, [n, d], p.yc, [n, 1], true, false);
    const w = new Float64Array(d), z = new Float64Array(d), prev = new Float64Array(d);
    const tol = this.tol * this.#yNorm2(p);
    let t = 1, gap = Infinity, it = 0;
    const r = new Float64Array(n);
    while (it < this.maxIter) {
      it++;
      // Gradient at z: (XᵀXz − Xᵀy)/n.
      const g = gemm(xtx, [d, d], z, [d, 1]);
      prev.set(w);
      for (let j = 0; j < d; j++) {
        w[j] = softThreshold(z[j] - step * (g[j] - xty[j]) / n, step * this.alpha);
      }
      const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const mom = (t - 1) / tNext;
      for (let j = 0; j < d; j++) z[j] = w[j] + mom * (w[j] - prev[j]);
      t = tNext;
      if (it % 10 === 0 || it === this.maxIter) {
        const f = gemm(xc, [n, d], w, [d, 1]);
        for (let i = 0; i < n; i++) r[i] = p.yc[i] - f[i];
        gap = this.#gap(p, w, r);
        if (gap < tol) break;
      }
    }
    return { coef: w, nIter: it, gap: gap / n };
  }
}

/** Largest eigenvalue of a symmetric positive semi-definite `[d, d]` matrix by power iteration. */
function largestEigenvalue(a: Float64Array, d: number): number {
  let v: Float64Array = new Float64Array(d).fill(1 / Math.sqrt(d)), lambda = 0;
  for (let k = 0; k < 500; k++) {
    const av = gemm(a, [d, d], v, [d, 1]);
    let norm = 0;
    for (let j = 0; j < d; j++) norm += av[j] * av[j];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let j = 0; j < d; j++) av[j] /= norm;
    const done = Math.abs(norm - lambda) <= 1e-12 * norm;
    lambda = norm;
    v = av;
    if (done) break;
  }
  // Power iteration approaches from below; a 1 % margin keeps the step 1/L safe.
  return lambda * 1.01;
}
