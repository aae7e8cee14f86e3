/**
 * Kernel ridge regression: f(x) = Σ_i a_i k(x_i, x) with a = (K + αI)⁻¹ y, the ridge solution in the
 * feature space of the kernel (the notes' hypothesis space H_K); no intercept, as scikit-learn's
 * `KernelRidge`, whose defaults (linear kernel, γ = 1/d, degree 3, c₀ = 1) it keeps.
 *
 * @module
 */
import { checkNumber, checkOptions, linalg, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toMatrix, type VectorLike } from "../_common/validate.ts";
import { notFitted, r2, targetsFor, vectorOf } from "./_data.ts";
import type { KernelOptions } from "./kernels.ts";
import { checkKernel, gramMatrix, type ResolvedKernel, resolveKernel } from "./_kernels.ts";
import { solveSpd } from "./_solve.ts";

/** Options of {@link KernelRidge}. */
export interface KernelRidgeOptions extends KernelOptions {
  /** Penalty α > 0. Default 1. */
  alpha?: number;
}

/**
 * Kernel ridge regression.
 *
 * @example
 * ```ts
 * import { KernelRidge } from "@nnc/models/classical";
 * // Linear kernel, x = (1, 2), y = (1, 2), α = 1: a = (K + I)⁻¹y with K = [[1, 2], [2, 4]].
 * const kr = new KernelRidge({ alpha: 1 }).fit([[1], [2]], [1, 2]);
 * console.assert(Math.abs(kr.predict([[3]]).get(0) - 3 * 5 / 6) < 1e-12);
 * ```
 */
export class KernelRidge {
  /** Penalty α. */
  readonly alpha: number;
  readonly #kernel: Required<KernelOptions>;
  #fit: { kernel: ResolvedKernel; x: NDArray; a: Float64Array } | null = null;

  /** Checks the options. */
  constructor(options: KernelRidgeOptions = {}) {
    const op = "KernelRidge";
    checkOptions(options, op);
    this.alpha = checkNumber(options.alpha ?? 1, op, "alpha", Number.MIN_VALUE);
    this.#kernel = checkKernel(op, { coef0: 1, ...options }, { kernel: "linear", gamma: "auto" });
  }

  /** Fits the dual coefficients to `x` `[n, d]` and `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "KernelRidge.fit";
    const m = toMatrix(op, x).astype("float64");
    const t = targetsFor(op, y, m.shape);
    const n = m.shape[0];
    const kernel = resolveKernel(this.#kernel, m);
    const k = gramMatrix(kernel, m, m).data as Float64Array;
    for (let i = 0; i < n; i++) k[i * n + i] += this.alpha;
    let a: Float64Array;
    try {
      a = solveSpd(op, k, t, n, "K + αI");
    } catch {
      // Indefinite kernels (sigmoid) still give a solvable system in general.
      a = Float64Array.from(
        linalg.solve(NDArray.fromTyped(k, [n, n]), NDArray.fromTyped(t, [n])).data,
      );
    }
    this.#fit = { kernel, x: m, a };
    return this;
  }

  /** The dual coefficients a `[n]`. */
  get dualCoef(): NDArray {
    if (this.#fit === null) throw notFitted("KernelRidge.dualCoef", "KernelRidge");
    return vectorOf(this.#fit.a);
  }

  /** f(x) = K(x, X)·a (float64 `[m]`). */
  predict(x: MatrixLike): NDArray {
    const op = "KernelRidge.predict";
    if (this.#fit === null) throw notFitted(op, "KernelRidge");
    const m = toMatrix(op, x).astype("float64");
    checkFeatures(op, m, this.#fit.x.shape[1]);
    const k = gramMatrix(this.#fit.kernel, m, this.#fit.x).data;
    const n = this.#fit.a.length, rows = m.shape[0];
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += k[i * n + j] * this.#fit.a[j];
      out[i] = s;
    }
    return NDArray.fromTyped(out, [rows]);
  }

  /** R² on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    const p = this.predict(x);
    return r2(targetsFor("KernelRidge.score", y, [p.size]), p.data);
  }
}
