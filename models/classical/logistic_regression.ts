/**
 * Logistic regression, binary and multinomial (softmax), with scikit-learn's L2 convention: minimise
 * ½‖W‖² + C·Σᵢ CE(yᵢ, softmax(Wxᵢ + b)) (the intercept is not penalised; `penalty: "none"` drops the
 * ½‖W‖²). Solvers: L-BFGS, Newton (IRLS, two classes), and plain gradient descent θ ← θ − α∇l on the
 * notes' summed or averaged log-loss. Labels are any numbers; p(y = 1 | x) = σ(wᵀx + b) for two classes.
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, matmul, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toMatrix, type VectorLike } from "../_common/validate.ts";
import { accuracy, decodeLabels, encodeLabels, notFitted } from "./_data.ts";
import { lbfgs } from "./_lbfgs.ts";
import { solveSpd } from "./_solve.ts";
import type { GradientDescentReduction } from "./linear_regressor.ts";

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse penalty strength C > 0 (scikit-learn's). Default 1. */
  C?: number;
  /** `"l2"` (default) or `"none"`. */
  penalty?: "l2" | "none";
  /** Fit intercepts. Default true. */
  fitIntercept?: boolean;
  /** `"lbfgs"` (default), `"newton"` (two classes only) or `"gd"`. */
  solver?: "lbfgs" | "newton" | "gd";
  /** `"auto"` (binary for two classes, multinomial for more; default), `"multinomial"` or `"ovr"`. */
  multiClass?: "auto" | "multinomial" | "ovr";
  /** Iterations at most. Default 1,000 (lbfgs), 100 (newton), 10,000 (gd). */
  maxIter?: number;
  /** Stop when every gradient entry of the mean objective is at most tol (lbfgs, newton) or every step is (gd). Default 1e-6. */
  tol?: number;
  /** gd: step α. Default 0.1. */
  lr?: number;
  /** gd: log-loss summed (the notes' l = Σcᵢ) or averaged over samples. Default "mean". */
  reduction?: GradientDescentReduction;
}

type Mode = "binary" | "multinomial" | "ovr";

interface Fitted {
  classes: Float64Array;
  /** Rows of weights `[k, d]` (k = 1 binary). */
  coef: Float64Array;
  intercept: Float64Array;
  mode: Mode;
  k: number;
  d: number;
  nIter: number;
}

/**
 * Logistic (and softmax) regression.
 *
 * @example
 * ```ts
 * import { LogisticRegression } from "@nnc/models/classical";
 * const x = [[0], [1], [2], [3]], y = [0, 0, 1, 1];
 * const clf = new LogisticRegression({ C: 10 }).fit(x, y);
 * console.assert(Array.from(clf.predict(x).data).join() === "0,0,1,1");
 * console.assert(Math.abs(clf.predictProba([[1.5]]).get(0, 1) - 0.5) < 1e-6); // midpoint by symmetry
 * ```
 */
export class LogisticRegression {
  /** Inverse penalty strength. */
  readonly C: number;
  /** Penalty. */
  readonly penalty: "l2" | "none";
  /** Whether intercepts are fitted. */
  readonly fitIntercept: boolean;
  /** Solver. */
  readonly solver: "lbfgs" | "newton" | "gd";
  /** Multi-class scheme. */
  readonly multiClass: "auto" | "multinomial" | "ovr";
  /** Iteration cap. */
  readonly maxIter: number;
  /** Convergence tolerance. */
  readonly tol: number;
  /** gd step. */
  readonly lr: number;
  /** gd reduction. */
  readonly reduction: GradientDescentReduction;
  /** Objective before each gd step of the last fit (for the first binary problem under ovr). */
  lossHistory: number[] = [];
  #fit: Fitted | null = null;

  /** Checks the options. */
  constructor(options: LogisticRegressionOptions = {}) {
    const op = "LogisticRegression";
    checkOptions(options, op);
    this.C = checkNumber(options.C ?? 1, op, "C", Number.MIN_VALUE);
    this.penalty = checkOneOf(options.penalty ?? "l2", op, "penalty", ["l2", "none"]);
    this.fitIntercept = options.fitIntercept ?? true;
    this.solver = checkOneOf(options.solver ?? "lbfgs", op, "solver", ["lbfgs", "newton", "gd"]);
    this.multiClass = checkOneOf(options.multiClass ?? "auto", op, "multiClass", [
      "auto",
      "multinomial",
      "ovr",
    ]);
    const defIter = { lbfgs: 1000, newton: 100, gd: 10_000 }[this.solver];
    this.maxIter = checkInt(options.maxIter ?? defIter, op, "maxIter", 1);
    this.tol = checkNumber(options.tol ?? 1e-6, op, "tol", 0);
    this.lr = checkNumber(options.lr ?? 0.1, op, "lr", Number.MIN_VALUE);
    this.reduction = checkOneOf(options.reduction ?? "mean", op, "reduction", ["sum", "mean"]);
  }

  /** Fits to `x` `[n, d]` and class labels `y` `[n]` (at least two classes); returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "LogisticRegression.fit";
    const m = toMatrix(op, x);
    const [n, d] = m.shape;
    const { classes, index } = encodeLabels(op, y, m.shape);
    const nc = classes.length;
    const mode: Mode = this.multiClass === "ovr"
      ? (nc === 2 ? "binary" : "ovr")
      : this.multiClass === "multinomial"
      ? "multinomial"
      : nc === 2
      ? "binary"
      : "multinomial";
    if (this.solver === "newton" && mode === "multinomial") {
      throw new RangeError(
        `${op}: solver "newton" handles two classes (or multiClass "ovr"); got ${nc} classes with multinomial; use "lbfgs"`,
      );
    }
    const lambda = this.penalty === "l2" ? 1 / (this.C * n) : 0;
    this.lossHistory = [];
    let coef: Float64Array, intercept: Float64Array, nIter = 0;
    if (mode === "multinomial") {
      const r = this.#solve(
        op,
        m,
        lambda,
        (th, g) => softmaxObjective(m, index, nc, th, g, lambda, this.fitIntercept),
        nc * (d + 1),
      );
      coef = r.x.slice(0, nc * d);
      intercept = r.x.slice(nc * d);
      centerIntercepts(intercept);
      nIter = r.nIter;
    } else {
      const problems = mode === "binary" ? [1] : Array.from({ length: nc }, (_, c) => c);
      coef = new Float64Array(problems.length * d);
      intercept = new Float64Array(problems.length);
      problems.forEach((cls, p) => {
        const t = new Float64Array(n);
        for (let i = 0; i < n; i++) t[i] = index[i] === cls ? 1 : 0;
        const r = this.solver === "newton"
          ? newtonBinary(op, m, t, lambda, this.fitIntercept, this.maxIter, this.tol)
          : this.#solve(
            op,
            m,
            lambda,
            (th, g) => binaryObjective(m, t, th, g, lambda, this.fitIntercept),
            d + 1,
            p === 0,
          );
        coef.set(r.x.subarray(0, d), p * d);
        intercept[p] = r.x[d];
        nIter = Math.max(nIter, r.nIter);
      });
    }
    this.#fit = { classes, coef, intercept, mode, k: coef.length / d, d, nIter };
    return this;
  }

  #solve(
    op: string,
    m: NDArray,
    _lambda: number,
    f: (th: Float64Array, g: Float64Array) => number,
    size: number,
    record = true,
  ): { x: Float64Array; nIter: number } {
    const n = m.shape[0];
    if (this.solver === "lbfgs") {
      const r = lbfgs(f, new Float64Array(size), { maxIter: this.maxIter, gtol: this.tol });
      if (!Number.isFinite(r.value)) throw new RangeError(`${op}: the objective became ${r.value}`);
      return r;
    }
    // Gradient descent on the summed (notes) or averaged objective; f is the mean form.
    const scale = this.reduction === "sum" ? n : 1;
    const th = new Float64Array(size), g = new Float64Array(size);
    let it = 0;
    for (; it < this.maxIter; it++) {
      const v = f(th, g) * scale;
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${op}: gradient descent diverged at step ${it} (loss ${v}); lr = ${this.lr} is too large`,
        );
      }
      if (record) this.lossHistory.push(v);
      let change = 0;
      for (let j = 0; j < size; j++) {
        const s = this.lr * scale * g[j];
        th[j] -= s;
        change = Math.max(change, Math.abs(s));
      }
      if (change <= this.tol) {
        it++;
        break;
      }
    }
    return { x: th, nIter: it };
  }

  #fitted(op: string): Fitted {
    if (this.#fit === null) throw notFitted(op, "LogisticRegression");
    return this.#fit;
  }

  /** Class labels seen in `fit`, ascending. */
  get classes(): NDArray {
    const f = this.#fitted("LogisticRegression.classes");
    return NDArray.fromTyped(f.classes.slice(), [f.classes.length]);
  }
  /** Weights `[1, d]` for two classes, `[classes, d]` otherwise (float64). */
  get coef(): NDArray {
    const f = this.#fitted("LogisticRegression.coef");
    return NDArray.fromTyped(f.coef.slice(), [f.k, f.d]);
  }
  /** Intercepts `[1]` or `[classes]` (multinomial intercepts sum to 0). */
  get intercept(): NDArray {
    const f = this.#fitted("LogisticRegression.intercept");
    return NDArray.fromTyped(f.intercept.slice(), [f.k]);
  }
  /** Iterations of the solver (the largest over one-vs-rest problems). */
  get nIter(): number {
    return this.#fitted("LogisticRegression.nIter").nIter;
  }

  #scores(op: string, x: MatrixLike): { z: Float64Array; n: number; f: Fitted } {
    const f = this.#fitted(op);
    const m = toMatrix(op, x);
    checkFeatures(op, m, f.d);
    const n = m.shape[0];
    const z = linearScores(m, f.coef, f.intercept, f.k);
    return { z, n, f };
  }

  /** wᵀx + b: `[n]` for two classes, `[n, classes]` otherwise (float64). */
  decisionFunction(x: MatrixLike): NDArray {
    const { z, n, f } = this.#scores("LogisticRegression.decisionFunction", x);
    return NDArray.fromTyped(z, f.k === 1 ? [n] : [n, f.k]);
  }

  /** Class probabilities `[n, classes]` (float64), columns in the order of `classes`. */
  predictProba(x: MatrixLike): NDArray {
    const { z, n, f } = this.#scores("LogisticRegression.predictProba", x);
    const nc = f.classes.length;
    const p = new Float64Array(n * nc);
    if (f.mode === "binary") {
      for (let i = 0; i < n; i++) {
        const s = sigmoid(z[i]);
        p[i * 2] = 1 - s;
        p[i * 2 + 1] = s;
      }
    } else if (f.mode === "multinomial") {
      for (let i = 0; i < n; i++) softmaxRow(z, i * nc, nc, p);
    } else {
      // One-vs-rest: the classes' sigmoids, normalised to sum to 1 (as scikit-learn).
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < nc; c++) s += p[i * nc + c] = sigmoid(z[i * nc + c]);
        for (let c = 0; c < nc; c++) p[i * nc + c] /= s;
      }
    }
    return NDArray.fromTyped(p, [n, nc]);
  }

  /** Predicted labels `[n]` (the class of the largest score). */
  predict(x: MatrixLike): NDArray {
    const { z, n, f } = this.#scores("LogisticRegression.predict", x);
    const idx = new Int32Array(n);
    if (f.k === 1) {
      for (let i = 0; i < n; i++) idx[i] = z[i] > 0 ? 1 : 0;
    } else {
      for (let i = 0; i < n; i++) idx[i] = argmaxRow(z, i * f.k, f.k);
    }
    return decodeLabels(f.classes, idx);
  }

  /** Accuracy on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    return accuracy("LogisticRegression.score", this.predict(x), y);
  }
}

/** σ(z) without overflow. */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + eᶻ) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function softmaxRow(z: Float64Array, off: number, k: number, out: Float64Array): void {
  let mx = -Infinity;
  for (let c = 0; c < k; c++) mx = Math.max(mx, z[off + c]);
  let s = 0;
  for (let c = 0; c < k; c++) s += out[off + c] = Math.exp(z[off + c] - mx);
  for (let c = 0; c < k; c++) out[off + c] /= s;
}

function argmaxRow(z: Float64Array, off: number, k: number): number {
  let b = 0;
  for (let c = 1; c < k; c++) if (z[off + c] > z[off + b]) b = c;
  return b;
}

function centerIntercepts(b: Float64Array): void {
  let s = 0;
  for (const v of b) s += v;
  s /= b.length;
  for (let c = 0; c < b.length; c++) b[c] -= s;
}

/** x·Wᵀ + b as float64 `[n, k]` through the backend's GEMM in x's dtype. */
function linearScores(x: NDArray, w: Float64Array, b: ArrayLike<number>, k: number): Float64Array {
  const [n, d] = x.shape;
  const wt = NDArray.fromTyped(x.dtype === "float32" ? Float32Array.from(w) : w, [k, d]);
  const z = matmul(x, wt.T);
  const out = z.dtype === "float64" ? z.data as Float64Array : Float64Array.from(z.data);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] += b[c];
  return out;
}

/** rᵀ·x (`[k, n]` residuals times `[n, d]` rows) as float64 `[k, d]`. */
function residualProduct(x: NDArray, r: Float64Array, k: number): Float64Array {
  const n = x.shape[0];
  const rm = NDArray.fromTyped(x.dtype === "float32" ? Float32Array.from(r) : r, [n, k]);
  const g = matmul(rm.T, x);
  return g.dtype === "float64" ? g.data as Float64Array : Float64Array.from(g.data);
}

/** Mean log-loss + λ/2‖w‖² of θ = [w, b] with targets t ∈ {0, 1}; gradient into g. */
function binaryObjective(
  x: NDArray,
  t: Float64Array,
  th: Float64Array,
  g: Float64Array,
  lambda: number,
  fitIntercept: boolean,
): number {
  const [n, d] = x.shape;
  const z = linearScores(x, th.subarray(0, d), [fitIntercept ? th[d] : 0], 1);
  let loss = 0, gb = 0;
  for (let i = 0; i < n; i++) {
    // −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t·z
    loss += softplus(z[i]) - t[i] * z[i];
    z[i] = (sigmoid(z[i]) - t[i]) / n;
    gb += z[i];
  }
  const gw = residualProduct(x, z, 1);
  let pen = 0;
  for (let j = 0; j < d; j++) {
    g[j] = gw[j] + lambda * th[j];
    pen += th[j] * th[j];
  }
  g[d] = fitIntercept ? gb : 0;
  return loss / n + 0.5 * lambda * pen;
}

/** Mean softmax cross-entropy + λ/2‖W‖² of θ = [W (k×d), b (k)]; gradient into g. */
function softmaxObjective(
  x: NDArray,
  labels: Int32Array,
  k: number,
  th: Float64Array,
  g: Float64Array,
  lambda: number,
  fitIntercept: boolean,
): number {
  const [n, d] = x.shape;
  const b = fitIntercept ? th.subarray(k * d) : new Float64Array(k);
  const z = linearScores(x, th.subarray(0, k * d), b, k);
  let loss = 0;
  const gb = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let mx = -Infinity;
    for (let c = 0; c < k; c++) mx = Math.max(mx, z[off + c]);
    let s = 0;
    for (let c = 0; c < k; c++) s += Math.exp(z[off + c] - mx);
    loss += mx + Math.log(s) - z[off + labels[i]];
    for (let c = 0; c < k; c++) {
      const p = Math.exp(z[off + c] - mx) / s - (c === labels[i] ? 1 : 0);
      z[off + c] = p / n;
      gb[c] += p / n;
    }
  }
  const gw = residualProduct(x, z, k);
  let pen = 0;
  for (let j = 0; j < k * d; j++) {
    g[j] = gw[j] + lambda * th[j];
    pen += th[j] * th[j];
  }
  for (let c = 0; c < k; c++) g[k * d + c] = fitIntercept ? gb[c] : 0;
  return loss / n + 0.5 * lambda * pen;
}

/** Newton's method (IRLS) on the mean binary objective; singular Hessians are errors. */
function newtonBinary(
  op: string,
  x: NDArray,
  t: Float64Array,
  lambda: number,
  fitIntercept: boolean,
  maxIter: number,
  tol: number,
): { x: Float64Array; nIter: number } {
  const [n, d] = x.shape;
  const p = d + 1;
  const th = new Float64Array(p), g = new Float64Array(p), gNew = new Float64Array(p);
  const xa = x.dtype === "float64" ? x.data : Float64Array.from(x.data);
  let it = 0;
  let f = binaryObjective(x, t, th, g, lambda, fitIntercept);
  for (; it < maxIter; it++) {
    let gmax = 0;
    for (let j = 0; j < p; j++) gmax = Math.max(gmax, Math.abs(g[j]));
    if (gmax <= tol) break;
    // H = (1/n) X̃ᵀ D X̃ + λ I_w with X̃ = [X, 1].
    const z = linearScores(x, th.subarray(0, d), [th[d]], 1);
    const h = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      const s = sigmoid(z[i]);
      const wgt = s * (1 - s) / n;
      const r = i * d;
      for (let a = 0; a < p; a++) {
        const xa_ = a < d ? xa[r + a] : 1;
        if (xa_ === 0) continue;
        const wa = wgt * xa_;
        for (let c = 0; c <= a; c++) h[a * p + c] += wa * (c < d ? xa[r + c] : 1);
      }
    }
    for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) h[c * p + a] = h[a * p + c];
    for (let j = 0; j < d; j++) h[j * p + j] += lambda;
    if (!fitIntercept) {
      for (let j = 0; j < p; j++) h[d * p + j] = h[j * p + d] = 0;
      h[d * p + d] = 1;
    }
    const step = solveSpd(
      op,
      h,
      g,
      p,
      "the Hessian of the log-loss (separable data without penalty?)",
    );
    // Damped step: halve until the objective decreases.
    let a = 1;
    const cand = new Float64Array(p);
    for (let ls = 0; ls < 50; ls++) {
      for (let j = 0; j < p; j++) cand[j] = th[j] - a * step[j];
      const fc = binaryObjective(x, t, cand, gNew, lambda, fitIntercept);
      if (fc <= f) {
        f = fc;
        th.set(cand);
        g.set(gNew);
        break;
      }
      a /= 2;
    }
    if (a < 2 ** -49) break;
  }
  return { x: th, nIter: it };
}
