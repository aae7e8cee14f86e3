/**
 * The soft-margin kernel SVM of the notes, trained on its dual
 * min_α ½ΣΣ α_i α_j y_i y_j k(x_i, x_j) − Σα_i  s.t. Σα_i y_i = 0, 0 ≤ α_i ≤ C,
 * by SMO (libsvm's algorithm, so the support vectors and decision values are scikit-learn's `SVC`'s);
 * f(x) = Σ α_i y_i k(x_i, x) + b. Several classes: one-vs-one (libsvm's pairs and votes, default) or
 * one-vs-rest.
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, matmul, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toMatrix, type VectorLike } from "../_common/validate.ts";
import { accuracy, decodeLabels, encodeLabels, gatherRows, notFitted } from "./_data.ts";
import type { KernelFunction, KernelName, KernelOptions } from "./kernels.ts";
import {
  checkKernel,
  gramMatrix,
  kernelFromDot,
  type ResolvedKernel,
  resolveKernel,
} from "./_kernels.ts";
import { cachedRows, type KernelRows, lazyRows, smo } from "./_smo.ts";

/** Options of {@link SVC}. */
export interface SVCOptions extends KernelOptions {
  /** Soft-margin bound C > 0. Default 1. */
  C?: number;
  /** libsvm's stopping tolerance on the KKT violation. Default 1e-3. */
  tol?: number;
  /** SMO iterations at most per binary problem. Default max(10⁷, 100·l). */
  maxIter?: number;
  /** Training scheme for more than two classes: `"ovo"` (default, as libsvm) or `"ovr"`. */
  multiClass?: "ovo" | "ovr";
  /** Columns of `decisionFunction` under one-vs-one: `"ovr"` (scikit-learn's default transform) or `"ovo"`. */
  decisionFunctionShape?: "ovr" | "ovo";
  /** Memory for a problem's kernel matrix in MiB; larger problems cache kernel rows instead. Default 1024. */
  cacheSize?: number;
}

interface Fitted {
  classes: Float64Array;
  kernel: ResolvedKernel;
  /** Training indices of the support vectors, by class then index. */
  support: Int32Array;
  nSupport: Int32Array;
  /** Support vector rows `[nSV, d]` in the training dtype. */
  sv: NDArray;
  /** Coefficients y_i α_i of each binary problem over all support vectors `[P, nSV]`. */
  coef: Float64Array;
  rho: Float64Array;
  /** Classes (+1, −1) of each binary problem; −1 stands for "rest" under ovr. */
  pairs: [number, number][];
  scheme: "binary" | "ovo" | "ovr";
  nIter: number;
  converged: boolean;
  d: number;
}

/**
 * Kernel support vector classifier.
 *
 * @example
 * ```ts
 * import { SVC } from "@nnc/models/classical";
 * const x = [[0, 0], [1, 1], [3, 3], [4, 4]], y = [0, 0, 1, 1];
 * const svm = new SVC({ kernel: "linear", C: 10 }).fit(x, y);
 * // The margin lies between (1, 1) and (3, 3): f = 0 at (2, 2), ±1 at the support vectors.
 * console.assert(Array.from(svm.supportIndices.data).join() === "1,2");
 * console.assert(Math.abs(svm.decisionFunction([[2, 2]]).get(0)) < 1e-6);
 * ```
 */
export class SVC {
  /** Soft-margin bound. */
  readonly C: number;
  /** Stopping tolerance. */
  readonly tol: number;
  /** Iteration cap per problem (0: libsvm's default). */
  readonly maxIter: number;
  /** Multi-class training scheme. */
  readonly multiClass: "ovo" | "ovr";
  /** Shape of `decisionFunction` under one-vs-one. */
  readonly decisionFunctionShape: "ovr" | "ovo";
  /** Kernel memory budget in MiB. */
  readonly cacheSize: number;
  readonly #kernel: Required<KernelOptions>;
  #fit: Fitted | null = null;

  /** Checks the options. */
  constructor(options: SVCOptions = {}) {
    const op = "SVC";
    checkOptions(options, op);
    this.C = checkNumber(options.C ?? 1, op, "C", Number.MIN_VALUE);
    this.tol = checkNumber(options.tol ?? 1e-3, op, "tol", Number.MIN_VALUE);
    this.maxIter = checkInt(options.maxIter ?? 0, op, "maxIter", 0);
    this.multiClass = checkOneOf(options.multiClass ?? "ovo", op, "multiClass", ["ovo", "ovr"]);
    this.decisionFunctionShape = checkOneOf(
      options.decisionFunctionShape ?? "ovr",
      op,
      "decisionFunctionShape",
      ["ovr", "ovo"],
    );
    this.cacheSize = checkNumber(options.cacheSize ?? 1024, op, "cacheSize", Number.MIN_VALUE);
    this.#kernel = checkKernel(op, options, { kernel: "rbf", gamma: "scale" });
  }

  /** The kernel: a name or the callable given. */
  get kernel(): KernelName | KernelFunction {
    return this.#kernel.kernel;
  }

  /** Fits to `x` `[n, d]` and class labels `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "SVC.fit";
    let m = toMatrix(op, x);
    if (m.dtype !== "float32" && m.dtype !== "float64") m = m.astype("float64");
    const [, d] = m.shape;
    const { classes, index } = encodeLabels(op, y, m.shape);
    const nc = classes.length;
    const kernel = resolveKernel(this.#kernel, m);
    const scheme = nc === 2 ? "binary" : this.multiClass;
    const pairs: [number, number][] = [];
    if (scheme === "ovr") { for (let c = 0; c < nc; c++) pairs.push([c, -1]); }
    else for (let a = 0; a < nc; a++) for (let b = a + 1; b < nc; b++) pairs.push([a, b]);
    // Training indices of each class, ascending.
    const members: number[][] = Array.from({ length: nc }, () => []);
    index.forEach((c, i) => members[c].push(i));
    const alphas: { idx: Int32Array; coef: Float64Array; rho: number }[] = [];
    let nIter = 0, converged = true;
    const rowsOf = this.#kernelRows(kernel, m);
    for (const [pos, neg] of pairs) {
      const idx = neg === -1
        ? Int32Array.from({ length: index.length }, (_, i) => i)
        : Int32Array.from([...members[pos], ...members[neg]]);
      const yy = new Int8Array(idx.length);
      for (let t = 0; t < idx.length; t++) yy[t] = index[idx[t]] === pos ? 1 : -1;
      const rows = rowsOf(neg === -1 ? null : idx);
      const maxIter = this.maxIter > 0 ? this.maxIter : Math.max(10_000_000, 100 * idx.length);
      const r = smo(rows, yy, this.C, this.tol, maxIter);
      nIter += r.nIter;
      converged &&= r.converged;
      const coef = new Float64Array(idx.length);
      for (let t = 0; t < idx.length; t++) coef[t] = yy[t] * r.alpha[t];
      alphas.push({ idx, coef, rho: r.rho });
    }
    // Support vectors: training points with α > 0 in some problem, ordered by class then index.
    const isSv = new Uint8Array(index.length);
    for (const a of alphas) a.coef.forEach((c, t) => c !== 0 && (isSv[a.idx[t]] = 1));
    const support: number[] = [];
    const nSupport = new Int32Array(nc);
    for (let c = 0; c < nc; c++) {
      for (const i of members[c]) {
        if (isSv[i]) {
          support.push(i);
          nSupport[c]++;
        }
      }
    }
    const where = new Map<number, number>();
    support.forEach((i, s) => where.set(i, s));
    const nSv = support.length;
    const coef = new Float64Array(pairs.length * nSv);
    alphas.forEach((a, p) => {
      a.coef.forEach((c, t) => {
        if (c !== 0) coef[p * nSv + (where.get(a.idx[t]) as number)] = c;
      });
    });
    this.#fit = {
      classes,
      kernel,
      support: Int32Array.from(support),
      nSupport,
      sv: gatherRows(m, Int32Array.from(support)),
      coef,
      rho: Float64Array.from(alphas, (a) => a.rho),
      pairs,
      scheme,
      nIter,
      converged,
      d,
    };
    return this;
  }

  /**
   * How the binary problems get kernel rows: from one GEMM of all inner products when the n × n matrix fits
   * in `cacheSize` (every one-vs-one pair then reads its block), else from a GEMM per problem, else row by
   * row through a least-recently-used cache.
   */
  #kernelRows(kernel: ResolvedKernel, m: NDArray): (idx: Int32Array | null) => KernelRows {
    const n = m.shape[0], d = m.shape[1];
    const budget = this.cacheSize * 2 ** 20;
    const bytes = m.dtype === "float32" ? 4 : 8;
    const custom = typeof kernel.kernel === "function";
    const f = custom ? (v: number) => v : kernelFromDot(kernel);
    const norms = (x: NDArray) => {
      const out = new Float64Array(x.shape[0]);
      for (let i = 0; i < out.length; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x.data[x.offset + i * d + j] ** 2;
        out[i] = s;
      }
      return out;
    };
    const fits = (l: number) => l * l * (bytes + 4) <= budget;
    if (fits(n)) {
      // Custom kernels: the kernel matrix itself, read through the identity.
      const dots = custom ? gramMatrix(kernel, m, m).data : matmul(m, m.T).data;
      const nn = norms(m);
      return (idx) => lazyRows(dots, n, nn, idx, idx === null ? n : idx.length, f);
    }
    return (idx) => {
      const sub = idx === null ? m : gatherRows(m, idx);
      const l = sub.shape[0];
      if (fits(l)) {
        const dots = custom ? gramMatrix(kernel, sub, sub).data : matmul(sub, sub.T).data;
        return lazyRows(dots, l, norms(sub), null, l, f);
      }
      const diag = new Float64Array(l);
      const one = (i: number) => NDArray.fromTyped(sub.data.slice(i * d, (i + 1) * d), [1, d]);
      for (let i = 0; i < l; i++) diag[i] = gramMatrix(kernel, one(i), one(i)).data[0];
      const capacity = Math.floor(budget / (l * 4));
      return cachedRows(
        l,
        diag,
        capacity,
        (i) => gramMatrix(kernel, one(i), sub).data as Float32Array,
      );
    };
  }

  #fitted(op: string): Fitted {
    if (this.#fit === null) throw notFitted(op, "SVC");
    return this.#fit;
  }

  /** Class labels, ascending. */
  get classes(): NDArray {
    const f = this.#fitted("SVC.classes");
    return NDArray.fromTyped(f.classes.slice(), [f.classes.length]);
  }
  /** Training indices of the support vectors (int32), ordered by class then index (scikit-learn's `support_`). */
  get supportIndices(): NDArray {
    const f = this.#fitted("SVC.supportIndices");
    return NDArray.fromTyped(f.support.slice(), [f.support.length]);
  }
  /** Support vectors per class (int32 `[classes]`). */
  get nSupport(): NDArray {
    const f = this.#fitted("SVC.nSupport");
    return NDArray.fromTyped(f.nSupport.slice(), [f.nSupport.length]);
  }
  /** The support vector rows `[nSV, d]`. */
  get supportVectors(): NDArray {
    return this.#fitted("SVC.supportVectors").sv.clone();
  }
  /** γ actually used (after `"scale"`/`"auto"`). */
  get gamma(): number {
    return this.#fitted("SVC.gamma").kernel.gamma;
  }
  /** Total SMO iterations over the binary problems. */
  get nIter(): number {
    return this.#fitted("SVC.nIter").nIter;
  }
  /** Whether every binary problem met the tolerance. */
  get converged(): boolean {
    return this.#fitted("SVC.converged").converged;
  }

  /**
   * y_i α_i of the support vectors, in scikit-learn's layout: `[1, nSV]` for two classes (y = +1 for the
   * second class); one-vs-one `[classes − 1, nSV]` (libsvm's: the coefficient of a class-i vector in the
   * problem i-vs-j is in row j − 1 when j > i, in row j otherwise); one-vs-rest `[classes, nSV]`.
   */
  get dualCoef(): NDArray {
    const f = this.#fitted("SVC.dualCoef");
    const nSv = f.support.length, nc = f.classes.length;
    if (f.scheme === "binary") return NDArray.fromTyped(f.coef.map((v) => -v), [1, nSv]);
    if (f.scheme === "ovr") return NDArray.fromTyped(f.coef.slice(), [nc, nSv]);
    const out = new Float64Array((nc - 1) * nSv);
    const start = new Int32Array(nc + 1);
    for (let c = 0; c < nc; c++) start[c + 1] = start[c] + f.nSupport[c];
    f.pairs.forEach(([a, b], p) => {
      for (let s = start[a]; s < start[a + 1]; s++) out[(b - 1) * nSv + s] = f.coef[p * nSv + s];
      for (let s = start[b]; s < start[b + 1]; s++) out[a * nSv + s] = f.coef[p * nSv + s];
    });
    return NDArray.fromTyped(out, [nc - 1, nSv]);
  }
  /** b of each binary problem (`[1]`, `[pairs]` or `[classes]`), as scikit-learn's `intercept_`. */
  get intercept(): NDArray {
    const f = this.#fitted("SVC.intercept");
    return NDArray.fromTyped(f.rho.map((r) => (f.scheme === "binary" ? r : -r)), [f.rho.length]);
  }

  /** Raw values Σ y_i α_i k(x_i, x) − ρ of each binary problem `[n, P]`. */
  #raw(op: string, x: MatrixLike): { v: Float64Array; n: number; f: Fitted } {
    const f = this.#fitted(op);
    let m = toMatrix(op, x);
    checkFeatures(op, m, f.d);
    if (m.dtype !== f.sv.dtype) m = m.astype(f.sv.dtype);
    const n = m.shape[0], P = f.pairs.length, nSv = f.support.length;
    const k = gramMatrix(f.kernel, m, f.sv); // [n, nSV]
    const coef = NDArray.fromTyped(
      f.sv.dtype === "float32" ? Float32Array.from(f.coef) : f.coef,
      [P, nSv],
    );
    const prod = matmul(k, coef.T);
    const v = Float64Array.from(prod.data);
    for (let i = 0; i < n; i++) for (let p = 0; p < P; p++) v[i * P + p] -= f.rho[p];
    return { v, n, f };
  }

  /**
   * Decision values (float64): `[n]` for two classes (> 0 means the second class); one-vs-one
   * `[n, pairs]` with shape `"ovo"` (> 0 means the pair's first class) or `[n, classes]` with
   * scikit-learn's vote-plus-confidence transform for `"ovr"`; one-vs-rest training `[n, classes]`.
   */
  decisionFunction(x: MatrixLike): NDArray {
    const { v, n, f } = this.#raw("SVC.decisionFunction", x);
    const nc = f.classes.length, P = f.pairs.length;
    if (f.scheme === "binary") return NDArray.fromTyped(v.map((t) => -t), [n]);
    if (f.scheme === "ovr" || this.decisionFunctionShape === "ovo") {
      return NDArray.fromTyped(v, [n, P]);
    }
    const out = new Float64Array(n * nc);
    const conf = new Float64Array(nc);
    for (let i = 0; i < n; i++) {
      conf.fill(0);
      f.pairs.forEach(([a, b], p) => {
        const val = v[i * P + p];
        conf[a] += val;
        conf[b] -= val;
        out[i * nc + (val > 0 ? a : b)] += 1;
      });
      for (let c = 0; c < nc; c++) out[i * nc + c] += conf[c] / (3 * (Math.abs(conf[c]) + 1));
    }
    return NDArray.fromTyped(out, [n, nc]);
  }

  /** Predicted labels `[n]`: sign for two classes, libsvm's pairwise votes (ties to the lower class) or the largest one-vs-rest value. */
  predict(x: MatrixLike): NDArray {
    const { v, n, f } = this.#raw("SVC.predict", x);
    const nc = f.classes.length, P = f.pairs.length;
    const idx = new Int32Array(n);
    const votes = new Int32Array(nc);
    for (let i = 0; i < n; i++) {
      if (f.scheme === "ovr") {
        let b = 0;
        for (let c = 1; c < nc; c++) if (v[i * P + c] > v[i * P + b]) b = c;
        idx[i] = b;
        continue;
      }
      votes.fill(0);
      f.pairs.forEach(([a, b], p) => votes[v[i * P + p] > 0 ? a : b]++);
      let b = 0;
      for (let c = 1; c < nc; c++) if (votes[c] > votes[b]) b = c;
      idx[i] = b;
    }
    return decodeLabels(f.classes, idx);
  }

  /** Accuracy on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    return accuracy("SVC.score", this.predict(x), y);
  }
}
