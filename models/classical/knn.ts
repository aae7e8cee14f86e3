/**
 * k-nearest neighbours by brute force: squared Euclidean distances ‖q‖² + ‖x‖² − 2qᵀx with every inner
 * product from GEMM (`matmul`, BLAS on the native backend), one block of queries at a time, and a k-slot
 * insertion selection per query. Classification votes (uniform, or weighted by 1/distance, where a query
 * at distance 0 from some training points takes only their votes, as scikit-learn); regression averages.
 *
 * @module
 */
import { checkInt, checkOneOf, checkOptions, matmul, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toMatrix, type VectorLike } from "../_common/validate.ts";
import {
  accuracy,
  decodeLabels,
  encodeLabels,
  notFitted,
  r2,
  targetsFor,
  vectorOf,
} from "./_data.ts";

/** How neighbours are weighted. */
export type NeighborWeights = "uniform" | "distance";

/** Options of the k-NN estimators. */
export interface KNeighborsOptions {
  /** k. Default 5. */
  nNeighbors?: number;
  /** `"uniform"` (default) or `"distance"` (1/d). */
  weights?: NeighborWeights;
}

/** Distances and indices of the nearest training rows, nearest first. */
export interface Neighbors {
  /** Euclidean distances `[m, k]` (float64). */
  distances: NDArray;
  /** Training row indices `[m, k]` (int32). */
  indices: NDArray;
}

/** Query rows per GEMM block: about 16 M distance entries (64 MiB in float32). */
function blockRows(n: number): number {
  return Math.max(1, Math.min(4096, Math.floor((1 << 24) / Math.max(1, n))));
}

function squaredNorms(m: NDArray): Float64Array {
  const [n, d] = m.shape;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s0 = 0, s1 = 0, j = 0;
    const r = m.offset + i * d;
    for (; j + 1 < d; j += 2) {
      s0 += m.data[r + j] * m.data[r + j];
      s1 += m.data[r + j + 1] * m.data[r + j + 1];
    }
    if (j < d) s0 += m.data[r + j] * m.data[r + j];
    out[i] = s0 + s1;
  }
  return out;
}

/** The k nearest rows of `train` for each row of `query` (both contiguous, same dtype). */
function nearest(
  train: NDArray,
  trainNorms: Float64Array,
  query: NDArray,
  k: number,
): { dist: Float64Array; idx: Int32Array } {
  const n = train.shape[0], m = query.shape[0];
  const dist = new Float64Array(m * k), idx = new Int32Array(m * k);
  const qn = squaredNorms(query);
  const block = blockRows(n);
  const best = new Float64Array(k), bestI = new Int32Array(k);
  for (let start = 0; start < m; start += block) {
    const rows = Math.min(block, m - start);
    const qb = rows === m ? query : query.slice({ start, stop: start + rows });
    const g = matmul(qb, train.T).data; // [rows, n]
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      // ‖x‖² − 2qᵀx orders the neighbours of q; keep the k smallest in a sorted k-slot array.
      best.fill(Infinity);
      bestI.fill(-1);
      let worst = Infinity;
      for (let j = 0; j < n; j++) {
        const v = trainNorms[j] - 2 * g[base + j];
        if (v < worst) {
          let p = k - 1;
          while (p > 0 && best[p - 1] > v) {
            best[p] = best[p - 1];
            bestI[p] = bestI[p - 1];
            p--;
          }
          best[p] = v;
          bestI[p] = j;
          worst = best[k - 1];
        }
      }
      const o = (start + r) * k, q = qn[start + r];
      for (let t = 0; t < k; t++) {
        dist[o + t] = Math.sqrt(Math.max(0, q + best[t]));
        idx[o + t] = bestI[t];
      }
    }
  }
  return { dist, idx };
}

/** Weights of a query's neighbours: 1, or 1/d with scikit-learn's rule for exact matches. */
function neighborWeights(
  dist: Float64Array,
  off: number,
  k: number,
  how: NeighborWeights,
  out: Float64Array,
): void {
  if (how === "uniform") {
    out.fill(1);
    return;
  }
  let exact = false;
  for (let t = 0; t < k; t++) if (dist[off + t] === 0) exact = true;
  for (let t = 0; t < k; t++) {
    out[t] = exact ? (dist[off + t] === 0 ? 1 : 0) : 1 / dist[off + t];
  }
}

/**
 * The base of {@link KNeighborsClassifier} and {@link KNeighborsRegressor}: the options, the stored
 * training rows and the neighbour search (one GEMM for all distances).
 *
 * @example
 * ```ts
 * import { KNeighborsBase, KNeighborsRegressor } from "@nnc/models/classical";
 * const knn = new KNeighborsRegressor({ nNeighbors: 2 });
 * console.assert(knn instanceof KNeighborsBase && knn.nNeighbors === 2);
 * ```
 */
export abstract class KNeighborsBase {
  /** k. */
  readonly nNeighbors: number;
  /** Weighting. */
  readonly weights: NeighborWeights;
  /** Training rows (float32 stays float32 for the GEMM). */
  protected train: NDArray | null = null;
  /** ‖x‖² of the training rows. */
  protected norms: Float64Array = new Float64Array(0);
  /** Name in messages. */
  protected abstract readonly estimator: string;

  /** Checks the options; messages name the class constructed. */
  constructor(options: KNeighborsOptions) {
    const op = new.target.name;
    options = checkOptions(options, op);
    this.nNeighbors = checkInt(options.nNeighbors ?? 5, op, "nNeighbors", 1);
    this.weights = checkOneOf(options.weights ?? "uniform", op, "weights", [
      "uniform",
      "distance",
    ]);
  }

  /** Stores the training rows after checking them. */
  protected store(op: string, x: MatrixLike): NDArray {
    let m = toMatrix(op, x);
    if (m.dtype !== "float32" && m.dtype !== "float64") m = m.astype("float64");
    if (m.shape[0] < this.nNeighbors) {
      throw new RangeError(
        `${op}: nNeighbors = ${this.nNeighbors} exceeds the ${m.shape[0]} training rows`,
      );
    }
    this.train = m;
    this.norms = squaredNorms(m);
    return m;
  }

  /** The k nearest training rows of each query. */
  protected search(
    op: string,
    x: MatrixLike,
    k: number,
  ): { dist: Float64Array; idx: Int32Array; m: number } {
    if (this.train === null) throw notFitted(op, this.estimator ?? "KNeighborsBase");
    let q = toMatrix(op, x);
    checkFeatures(op, q, this.train.shape[1]);
    if (q.dtype !== this.train.dtype) q = q.astype(this.train.dtype);
    if (k > this.train.shape[0]) {
      throw new RangeError(`${op}: k = ${k} exceeds the ${this.train.shape[0]} training rows`);
    }
    return { ...nearest(this.train, this.norms, q, k), m: q.shape[0] };
  }

  /** The `k` (default nNeighbors) nearest training rows of each row of `x`, nearest first. */
  kneighbors(x: MatrixLike, k: number = this.nNeighbors): Neighbors {
    const op = `${this.estimator ?? "KNeighborsBase"}.kneighbors`;
    checkInt(k, op, "k", 1);
    const { dist, idx, m } = this.search(op, x, k);
    return {
      distances: NDArray.fromTyped(dist, [m, k]),
      indices: NDArray.fromTyped(idx, [m, k]),
    };
  }
}

/**
 * k-nearest-neighbour classifier.
 *
 * @example
 * ```ts
 * import { KNeighborsClassifier } from "@nnc/models/classical";
 * const knn = new KNeighborsClassifier({ nNeighbors: 3 }).fit([[0], [1], [2], [10], [11]], [0, 0, 0, 1, 1]);
 * console.assert(Array.from(knn.predict([[1.5], [9]]).data).join() === "0,1");
 * ```
 */
export class KNeighborsClassifier extends KNeighborsBase {
  /** Name used in messages. */
  protected readonly estimator = "KNeighborsClassifier";
  #classes: Float64Array | null = null;
  #labels: Int32Array = new Int32Array(0);

  /** Checks the options. */
  constructor(options: KNeighborsOptions = {}) {
    super(options);
  }

  /** Stores the training rows `x` `[n, d]` and labels `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "KNeighborsClassifier.fit";
    const m = this.store(op, x);
    const { classes, index } = encodeLabels(op, y, m.shape);
    this.#classes = classes;
    this.#labels = index;
    return this;
  }

  /** Class labels, ascending. */
  get classes(): NDArray {
    if (this.#classes === null) throw notFitted("KNeighborsClassifier.classes", this.estimator);
    return vectorOf(this.#classes);
  }

  /** Class weights of the neighbours of each query, unnormalised, `[m × classes]`. */
  #votes(op: string, x: MatrixLike): { v: Float64Array; m: number; nc: number } {
    const k = this.nNeighbors;
    const { dist, idx, m } = this.search(op, x, k);
    const nc = (this.#classes as Float64Array).length;
    const v = new Float64Array(m * nc), w = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      neighborWeights(dist, i * k, k, this.weights, w);
      for (let t = 0; t < k; t++) v[i * nc + this.#labels[idx[i * k + t]]] += w[t];
    }
    return { v, m, nc };
  }

  /** Fraction of (weighted) neighbour votes per class `[m, classes]`. */
  predictProba(x: MatrixLike): NDArray {
    const { v, m, nc } = this.#votes("KNeighborsClassifier.predictProba", x);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let c = 0; c < nc; c++) s += v[i * nc + c];
      for (let c = 0; c < nc; c++) v[i * nc + c] /= s;
    }
    return NDArray.fromTyped(v, [m, nc]);
  }

  /** The class with most (weighted) votes; ties go to the lowest class, as scikit-learn. */
  predict(x: MatrixLike): NDArray {
    const { v, m, nc } = this.#votes("KNeighborsClassifier.predict", x);
    const out = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      let b = 0;
      for (let c = 1; c < nc; c++) if (v[i * nc + c] > v[i * nc + b]) b = c;
      out[i] = b;
    }
    return decodeLabels(this.#classes as Float64Array, out);
  }

  /** Accuracy on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    return accuracy("KNeighborsClassifier.score", this.predict(x), y);
  }
}

/**
 * k-nearest-neighbour regression: the (weighted) mean of the neighbours' targets.
 *
 * @example
 * ```ts
 * import { KNeighborsRegressor } from "@nnc/models/classical";
 * const knn = new KNeighborsRegressor({ nNeighbors: 2 }).fit([[0], [1], [2], [3]], [0, 10, 20, 30]);
 * console.assert(knn.predict([[0.4]]).get(0) === 5);
 * ```
 */
export class KNeighborsRegressor extends KNeighborsBase {
  /** Name used in messages. */
  protected readonly estimator = "KNeighborsRegressor";
  #y: Float64Array = new Float64Array(0);

  /** Checks the options. */
  constructor(options: KNeighborsOptions = {}) {
    super(options);
  }

  /** Stores the training rows `x` `[n, d]` and targets `y` `[n]`; returns this model. */
  fit(x: MatrixLike, y: VectorLike): this {
    const op = "KNeighborsRegressor.fit";
    const m = this.store(op, x);
    this.#y = targetsFor(op, y, m.shape);
    return this;
  }

  /** Predicted targets `[m]` (float64). */
  predict(x: MatrixLike): NDArray {
    const k = this.nNeighbors;
    const { dist, idx, m } = this.search("KNeighborsRegressor.predict", x, k);
    const out = new Float64Array(m), w = new Float64Array(k);
    for (let i = 0; i < m; i++) {
      neighborWeights(dist, i * k, k, this.weights, w);
      let s = 0, ws = 0;
      for (let t = 0; t < k; t++) {
        s += w[t] * this.#y[idx[i * k + t]];
        ws += w[t];
      }
      out[i] = s / ws;
    }
    return NDArray.fromTyped(out, [m]);
  }

  /** R² on (x, y). */
  score(x: MatrixLike, y: VectorLike): number {
    const p = this.predict(x);
    return r2(targetsFor("KNeighborsRegressor.score", y, [p.size]), p.data);
  }
}
