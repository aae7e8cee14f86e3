/**
 * Mini-batch k-means: each batch moves every centre towards the mean of its batch points, either with
 * per-centre counts (Sculley's rule, scikit-learn's `MiniBatchKMeans`) or with a fixed step α as in the
 * notes' HW7: `C_i ← (1 − α) C_i + α m_i` with α = η/5.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, describe, fmtShape, NDArray, Rng } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toFloat64, toMatrix } from "../_common/validate.ts";
import { assignNearest, centersAs, exactInertia, rowSquaredNorms } from "./_distances.ts";
import { kmeansPlusPlus } from "./kmeans.ts";

/** Options of {@link MiniBatchKMeans}. */
export interface MiniBatchKMeansOptions {
  /** Number of clusters k. */
  nClusters: number;
  /** Initial centres `[k, d]`, or `"k-means++"` / `"random"` on the first batch seen. Default `"k-means++"`. */
  init?: "k-means++" | "random" | MatrixLike;
  /** Points per batch. Default 1024. */
  batchSize?: number;
  /**
   * `"count"` (default): each centre moves by 1/(points it has seen), so it is the running mean of its
   * points. A number α in (0, 1]: `C_i ← (1 − α) C_i + α · (mean of its batch points)`; the notes' HW7
   * uses α = η/5 with η = 4.5.
   */
  learningRate?: "count" | number;
  /** Random generator (initialisation and shuffling). Default: a new `Rng(0)`. */
  rng?: Rng;
}

/** Options of {@link MiniBatchKMeans.fit}. */
export interface MiniBatchFitOptions {
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Shuffle the points each epoch. Default true. */
  shuffle?: boolean;
}

/** One batch as recorded in the history. */
export interface MiniBatchStep {
  /** Epoch (from 1; 0 for `partialFit` calls). */
  epoch: number;
  /** Batch index within the epoch (from 0). */
  batch: number;
  /** Mean of ‖x − c‖² over the batch, before the update. */
  batchInertia: number;
}

/**
 * Mini-batch k-means.
 *
 * @example
 * ```ts
 * import { Rng } from "@nnc/tensor";
 * import { MiniBatchKMeans } from "@nnc/models/unsupervised";
 * const x = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]];
 * const m = new MiniBatchKMeans({ nClusters: 2, init: [[0, 0], [10, 10]], batchSize: 6 });
 * m.fit(x, { epochs: 1 });
 * // One batch holding all the points with count steps is one Lloyd step.
 * const c = m.centers.toArray() as number[][];
 * console.assert(Math.abs(c[0][0] - 1 / 3) < 1e-12 && Math.abs(c[1][1] - 31 / 3) < 1e-12);
 * ```
 */
export class MiniBatchKMeans {
  /** Number of clusters. */
  readonly nClusters: number;
  /** Points per batch. */
  readonly batchSize: number;
  /** Step rule. */
  readonly learningRate: "count" | number;
  #init: "k-means++" | "random" | MatrixLike;
  #rng: Rng;
  #centers: Float64Array | null = null;
  #counts: Float64Array;
  #d = 0;
  /** One entry per batch processed. */
  readonly history: MiniBatchStep[] = [];

  /** Checks the options. */
  constructor(options: MiniBatchKMeansOptions) {
    const op = "MiniBatchKMeans";
    checkOptions(options, op, "nClusters");
    this.nClusters = checkInt(options.nClusters, op, "nClusters", 1, 2 ** 31 - 1);
    this.batchSize = checkInt(options.batchSize ?? 1024, op, "batchSize", 1);
    const lr = options.learningRate ?? "count";
    if (lr !== "count") checkNumber(lr, op, "learningRate", Number.MIN_VALUE, 1);
    this.learningRate = lr;
    const init = options.init ?? "k-means++";
    if (typeof init === "string" && init !== "k-means++" && init !== "random") {
      throw new RangeError(
        `${op}: init must be "k-means++", "random" or a [k, d] matrix, got ${describe(init)}`,
      );
    }
    this.#init = init;
    if (options.rng !== undefined && !(options.rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(options.rng)}`);
    }
    this.#rng = options.rng ?? new Rng(0);
    this.#counts = new Float64Array(this.nClusters);
  }

  /** Centres `[k, d]` (float64). */
  get centers(): NDArray {
    if (this.#centers === null) {
      throw new TypeError(
        "MiniBatchKMeans.centers: not fitted yet; call fit(x) or partialFit(batch) first",
      );
    }
    return NDArray.fromTyped(this.#centers.slice(), [this.nClusters, this.#d]);
  }

  #start(op: string, x: NDArray): void {
    const [n, d] = x.shape;
    if (this.#centers !== null) {
      checkFeatures(op, x, this.#d);
      return;
    }
    this.#d = d;
    if (typeof this.#init !== "string") {
      const c = toMatrix(op, this.#init, "init");
      if (c.shape[0] !== this.nClusters || c.shape[1] !== d) {
        throw new RangeError(
          `${op}: init has shape ${fmtShape(c.shape)}, expected [${this.nClusters}, ${d}]`,
        );
      }
      this.#centers = toFloat64(c);
      return;
    }
    if (this.nClusters > n) {
      throw new RangeError(
        `${op}: nClusters = ${this.nClusters} exceeds the ${n} samples available to initialise from`,
      );
    }
    if (this.#init === "k-means++") {
      this.#centers = toFloat64(kmeansPlusPlus(x, this.nClusters, { rng: this.#rng }));
    } else {
      const perm = this.#rng.permutation(n);
      const c = new Float64Array(this.nClusters * d);
      for (let j = 0; j < this.nClusters; j++) {
        for (let t = 0; t < d; t++) c[j * d + t] = x.data[x.offset + perm[j] * d + t];
      }
      this.#centers = c;
    }
  }

  /** One update from one batch `[b, d]`; returns this model. */
  partialFit(batch: MatrixLike): this {
    const x = toMatrix("MiniBatchKMeans.partialFit", batch, "batch");
    this.#start("MiniBatchKMeans.partialFit", x);
    this.#update(x, 0, this.history.length);
    return this;
  }

  /** Passes over `x` in shuffled batches; returns this model. */
  fit(x: MatrixLike, options: MiniBatchFitOptions = {}): this {
    const op = "MiniBatchKMeans.fit";
    const m = toMatrix(op, x);
    const epochs = checkInt(options.epochs ?? 10, op, "epochs", 1);
    const [n, d] = m.shape;
    if (this.#centers === null && typeof this.#init === "string" && this.nClusters > n) {
      throw new RangeError(
        `${op}: nClusters = ${this.nClusters} exceeds the number of samples ${n}; expected nClusters <= ${n}`,
      );
    }
    this.#start(op, m);
    const bs = Math.min(this.batchSize, n);
    const buf = m.dtype === "float32" ? new Float32Array(bs * d) : new Float64Array(bs * d);
    for (let e = 1; e <= epochs; e++) {
      const order = options.shuffle === false ? null : this.#rng.permutation(n);
      for (let b = 0, s = 0; s < n; b++, s += bs) {
        const rows = Math.min(bs, n - s);
        for (let r = 0; r < rows; r++) {
          const i = order === null ? s + r : order[s + r];
          buf.set(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d), r * d);
        }
        this.#update(NDArray.fromTyped(buf.subarray(0, rows * d), [rows, d]), e, b);
      }
    }
    return this;
  }

  #update(x: NDArray, epoch: number, batch: number): void {
    const [b, d] = x.shape;
    const k = this.nClusters;
    const c = this.#centers as Float64Array;
    const labels = new Int32Array(b);
    const dist = new Float64Array(b);
    const sums = new Float64Array(k * d), cnt = new Float64Array(k);
    const total = assignNearest(x, rowSquaredNorms(x), centersAs(c, k, d, x.dtype), labels, dist, {
      sums,
      counts: cnt,
    });
    for (let j = 0; j < k; j++) {
      if (cnt[j] === 0) continue;
      // count rule: c ← (c·N + Σx)/(N + b); fixed rule: c ← (1 − α)c + α·mean.
      const [keep, add] = this.learningRate === "count"
        ? [this.#counts[j] / (this.#counts[j] + cnt[j]), 1 / (this.#counts[j] + cnt[j])]
        : [1 - this.learningRate, this.learningRate / cnt[j]];
      for (let t = 0; t < d; t++) c[j * d + t] = keep * c[j * d + t] + add * sums[j * d + t];
      this.#counts[j] += cnt[j];
    }
    this.history.push({ epoch, batch, batchInertia: total / b });
  }

  /** Nearest centre (int32 `[n]`) of each row. */
  predict(x: MatrixLike): NDArray {
    const m = toMatrix("MiniBatchKMeans.predict", x);
    checkFeatures("MiniBatchKMeans.predict", m, this.centers.shape[1]);
    const n = m.shape[0];
    const labels = new Int32Array(n);
    assignNearest(
      m,
      rowSquaredNorms(m),
      centersAs(this.#centers as Float64Array, this.nClusters, this.#d, m.dtype),
      labels,
      new Float64Array(n),
    );
    return NDArray.fromTyped(labels, [n]);
  }

  /** Σ‖x − nearest centre‖² over the rows of `x`. */
  inertia(x: MatrixLike): number {
    const m = toMatrix("MiniBatchKMeans.inertia", x);
    checkFeatures("MiniBatchKMeans.inertia", m, this.centers.shape[1]);
    const labels = this.predict(m).data as Int32Array;
    return exactInertia(m, this.#centers as Float64Array, labels);
  }
}
