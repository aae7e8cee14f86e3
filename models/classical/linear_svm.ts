/**
 * The primal linear SVM of the notes, min λ/2‖w‖² + (1/n)Σ max(0, 1 − y_i(wᵀx_i + b)) (the corrected
 * hinge of 000 §2), by stochastic subgradient descent with step η_t = 1/(λ(t + t₀)), t₀ = 1/λ (Pegasos'
 * 1/(λt) rate, started at η ≈ 1 so that the unpenalised b does not jump by 1/λ in the first steps, as
 * scikit-learn's "optimal" schedule). Several classes: one-vs-rest.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray, Rng } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toMatrix, type VectorLike } from "../_common/validate.ts";
import { accuracy, decodeLabels, encodeLabels, notFitted } from "./_data.ts";

/** Options of {@link LinearSVM}. */
export interface LinearSVMOptions {
  /** λ > 0 (equivalent to the dual's C = 1/(λn)). Default 1e-3. */
  lambda?: number;
  /** Passes over the data. Default 50. */
  epochs?: number;
  /** Random generator of the visiting order. Default `new Rng(0)`. */
  rng?: Rng;
}

/**
 * Linear SVM trained in the primal by SGD on the hinge loss.
 *
 * @example
 * ```ts
 * import { LinearSVM } from "@nnc/models/classical";
 * const svm = new LinearSVM({ lambda: 0.01 }).fit([[0, 0], [1, 0], [3, 3], [4, 3]], [-1, -1, 1, 1]);
 * console.assert(Array.from(svm.predict([[0.5, 0], [3.5, 3]]).data).join() === "-1,1");
 * ```
 */
export class LinearSVM {
  /** Penalty λ. */
  readonly lambda: number;
  /** Passes over the data. */
  readonly epochs: number;
  readonly #rng: Rng;
  #fit: {
    classes: Float64Array;
    w: Float64Array;
    b: Float64Array;
    k: number;
    d: number;
    nIter: number;
  } | null = null;
  /** Primal objective after each epoch of the last fit (first binary problem). */
  lossHistory: number[] = [];

  /** Checks the options. */
  constructor(options: LinearSVMOptions = {}) {
    const op = "LinearSVM";
    checkOptions(options, op);
    this.lambda = checkNumber(options.lambda ?? 1e-3, op, "lambda", Number.MIN_VALUE);
    this.epochs = checkInt(options.epochs ?? 50, op, "epochs", 1);
    this.#rng = options.rng ?? new Rng(0);
  }

  /** Fits to `x` `[n, d]` and labels `y` `[n]` (two or more classes); returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "LinearSVM.fit";
    const m = toMatrix(op, x);
    const [n, d] = m.shape;
    const { classes, index } = encodeLabels(op, y, m.shape);
    const problems = classes.length === 2 ? [1] : Array.from(classes, (_, c) => c);
    const W = new Float64Array(problems.length * d), B = new Float64Array(problems.length);
    const xs = m.data, off = m.offset;
    this.lossHistory = [];
    let t = 0;
    problems.forEach((cls, p) => {
      const w = W.subarray(p * d, (p + 1) * d);
      const yy = Float64Array.from(index, (c) => (c === cls ? 1 : -1));
      let b = 0;
      t = 0;
      for (let e = 0; e < this.epochs; e++) {
        const order = this.#rng.permutation(n);
        for (let r = 0; r < n; r++) {
          const i = order[r];
          t++;
          const eta = 1 / (this.lambda * t + 1);
          let f = b;
          const base = off + i * d;
          for (let j = 0; j < d; j++) f += w[j] * xs[base + j];
          const shrink = 1 - eta * this.lambda;
          for (let j = 0; j < d; j++) w[j] *= shrink;
          if (yy[i] * f < 1) {
            for (let j = 0; j < d; j++) w[j] += eta * yy[i] * xs[base + j];
            b += eta * yy[i];
          }
        }
        if (p === 0) this.lossHistory.push(primalObjective(m, yy, w, b, this.lambda));
      }
      B[p] = b;
    });
    this.#fit = { classes, w: W, b: B, k: problems.length, d, nIter: t };
    return this;
  }

  #fitted(op: string) {
    if (this.#fit === null) throw notFitted(op, "LinearSVM");
    return this.#fit;
  }

  /** Weights `[1, d]` or `[classes, d]`. */
  get coef(): NDArray {
    const f = this.#fitted("LinearSVM.coef");
    return NDArray.fromTyped(f.w.slice(), [f.k, f.d]);
  }
  /** Intercepts `[1]` or `[classes]`. */
  get intercept(): NDArray {
    const f = this.#fitted("LinearSVM.intercept");
    return NDArray.fromTyped(f.b.slice(), [f.k]);
  }
  /** SGD steps of the last binary problem. */
  get nIter(): number {
    return this.#fitted("LinearSVM.nIter").nIter;
  }

  /** wᵀx + b: `[n]` for two classes (> 0: the second), `[n, classes]` otherwise. */
  decisionFunction(x: MatrixLike): NDArray {
    const op = "LinearSVM.decisionFunction";
    const f = this.#fitted(op);
    const m = toMatrix(op, x);
    checkFeatures(op, m, f.d);
    const n = m.shape[0];
    const out = new Float64Array(n * f.k);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < f.k; p++) {
        let s = f.b[p];
        for (let j = 0; j < f.d; j++) s += f.w[p * f.d + j] * m.data[m.offset + i * f.d + j];
        out[i * f.k + p] = s;
      }
    }
    return NDArray.fromTyped(out, f.k === 1 ? [n] : [n, f.k]);
  }

  /** Predicted labels `[n]`. */
  predict(x: MatrixLike): NDArray {
    const f = this.#fitted("LinearSVM.predict");
    const v = this.decisionFunction(x).data;
    const n = v.length / f.k;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (f.k === 1) idx[i] = v[i] > 0 ? 1 : 0;
      else {
        let b = 0;
        for (let c = 1; c < f.k; c++) if (v[i * f.k + c] > v[i * f.k + b]) b = c;
        idx[i] = b;
      }
    }
    return decodeLabels(f.classes, idx);
  }

  /** Accuracy on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    return accuracy("LinearSVM.score", this.predict(x), y);
  }
}

/** λ/2‖w‖² + (1/n)Σ max(0, 1 − y(wᵀx + b)). */
function primalObjective(
  m: NDArray,
  y: Float64Array,
  w: Float64Array,
  b: number,
  lambda: number,
): number {
  const [n, d] = m.shape;
  let hinge = 0, ww = 0;
  for (let i = 0; i < n; i++) {
    let f = b;
    for (let j = 0; j < d; j++) f += w[j] * m.data[m.offset + i * d + j];
    hinge += Math.max(0, 1 - y[i] * f);
  }
  for (let j = 0; j < d; j++) ww += w[j] * w[j];
  return 0.5 * lambda * ww + hinge / n;
}
