/**
 * The notes' "k-means as a neural network" (HW7): k neurons with weights c_i and bias −½‖c_i‖², a
 * softmax over β·(x·c_i − ½‖c_i‖²) (β = 20), the reconstruction softmax·C, and SGD on the squared
 * reconstruction error. The largest field is the nearest centre, so as the softmax approaches an argmax
 * each step becomes `C_i ← (1 − η|V_i|·2/b) C_i + (η|V_i|·2/b) m_i`, the HW7 mini-batch form of Lloyd's
 * update (with |V_i| ≈ b/10: α = η/5). Gradients are written out by hand, through the softmax too.
 *
 * @module
 */
import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  fmtShape,
  NDArray,
  Rng,
  softmax,
} from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toFloat64, toMatrix } from "../_common/validate.ts";

/**
 * How the per-sample squared error is averaged: `"sumFeatures"` = Σ over features, mean over the batch
 * (the scaling under which the notes' update holds); `"mean"` = mean over batch and features (PyTorch's
 * `MSELoss()`, whose step is 1/d as large).
 */
export type KMeansNetworkReduction = "sumFeatures" | "mean";

/** Options of {@link KMeansNetwork}. */
export interface KMeansNetworkOptions {
  /** Initial centres `[k, d]`. */
  centers: MatrixLike;
  /** Softmax sharpness β. Default 20 (HW7). */
  beta?: number;
  /** SGD step η. Default 4.5 (HW7, for batches of 64). */
  lr?: number;
  /** Loss reduction. Default `"sumFeatures"`. */
  reduction?: KMeansNetworkReduction;
}

/** Options of {@link KMeansNetwork.fit}. */
export interface KMeansNetworkFitOptions {
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Batch size. Default 64. */
  batchSize?: number;
  /** Shuffle each epoch. Default true. */
  shuffle?: boolean;
  /** Random generator for shuffling. Default: a new `Rng(0)`. */
  rng?: Rng;
  /** Called after each epoch with its mean batch loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Forward pass of {@link KMeansNetwork.forward}. */
export interface KMeansNetworkOutput {
  /** Softmax weights `[b, k]`. */
  probs: NDArray;
  /** Reconstructions softmax·C `[b, d]`. */
  reconstruction: NDArray;
  /** The loss of the batch under the configured reduction. */
  loss: number;
}

/**
 * k-means as a softmax network trained by SGD on the reconstruction error.
 *
 * @example
 * ```ts
 * import { KMeansNetwork } from "@nnc/models/unsupervised";
 * const x = [[0, 0], [0, 0.2], [1, 1], [1, 0.8]];
 * const net = new KMeansNetwork({ centers: [[0.2, 0.1], [0.7, 0.7]], lr: 0.5 });
 * net.fit(x, { epochs: 50, batchSize: 4, shuffle: false });
 * const c = net.centers.toArray() as number[][];
 * console.assert(Math.abs(c[0][1] - 0.1) < 1e-3 && Math.abs(c[1][0] - 1) < 1e-3);
 * ```
 */
export class KMeansNetwork {
  /** Softmax sharpness β. */
  readonly beta: number;
  /** SGD step η. */
  readonly lr: number;
  /** Loss reduction. */
  readonly reduction: KMeansNetworkReduction;
  #c: Float64Array;
  #k: number;
  #d: number;

  /** Checks the options. */
  constructor(options: KMeansNetworkOptions) {
    const op = "KMeansNetwork";
    checkOptions(options, op, "centers");
    const c = toMatrix(op, options.centers, "centers");
    this.#c = toFloat64(c);
    [this.#k, this.#d] = c.shape;
    this.beta = checkNumber(options.beta ?? 20, op, "beta", Number.MIN_VALUE);
    this.lr = checkNumber(options.lr ?? 4.5, op, "lr", 0);
    this.reduction = checkOneOf(options.reduction ?? "sumFeatures", op, "reduction", [
      "sumFeatures",
      "mean",
    ]);
  }

  /** Centres `[k, d]` (float64 copy). */
  get centers(): NDArray {
    return NDArray.fromTyped(this.#c.slice(), [this.#k, this.#d]);
  }

  #batch(op: string, x: MatrixLike): NDArray {
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    return m.astype("float64");
  }

  #forward(x: NDArray): { p: NDArray; r: NDArray; e: Float64Array; loss: number } {
    const [b, d] = x.shape, k = this.#k;
    const C = NDArray.fromTyped(this.#c, [k, d]);
    const s = x.matmul(C.T).contiguous();
    const sd = s.data;
    const half = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let q = 0;
      for (let t = 0; t < d; t++) q += this.#c[j * d + t] ** 2;
      half[j] = 0.5 * q;
    }
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < k; j++) sd[i * k + j] = this.beta * (sd[i * k + j] - half[j]);
    }
    const p = softmax(s, 1);
    const r = p.matmul(C).contiguous();
    const e = new Float64Array(b * d);
    let sq = 0;
    const xd = x.data, xo = x.offset, rd = r.data;
    for (let i = 0; i < b * d; i++) {
      e[i] = rd[i] - xd[xo + i];
      sq += e[i] * e[i];
    }
    return { p, r, e, loss: sq / (this.reduction === "mean" ? b * d : b) };
  }

  /** Softmax weights, reconstructions and loss of a batch (no update). */
  forward(x: MatrixLike): KMeansNetworkOutput {
    const f = this.#forward(this.#batch("KMeansNetwork.forward", x));
    return { probs: f.p, reconstruction: f.r, loss: f.loss };
  }

  /** Gradient of the batch loss with respect to the centres `[k, d]` (float64), through the softmax. */
  gradient(x: MatrixLike): NDArray {
    const xb = this.#batch("KMeansNetwork.gradient", x);
    return NDArray.fromTyped(this.#gradient(xb, this.#forward(xb)), [this.#k, this.#d]);
  }

  #gradient(x: NDArray, f: { p: NDArray; e: Float64Array }): Float64Array {
    const [b, d] = x.shape, k = this.#k;
    const scale = 2 / (this.reduction === "mean" ? b * d : b);
    const C = NDArray.fromTyped(this.#c, [k, d]);
    // dL/dE = scale·E; dL/dP = dL/dE·Cᵀ; dL/dC gets Pᵀ·dL/dE from the reconstruction.
    const gE = NDArray.fromTyped(f.e.map((v) => v * scale), [b, d]);
    const gP = gE.matmul(C.T).contiguous().data;
    const p = f.p.contiguous().data;
    const gS = new Float64Array(b * k);
    for (let i = 0; i < b; i++) {
      let dot = 0;
      for (let j = 0; j < k; j++) dot += p[i * k + j] * gP[i * k + j];
      for (let j = 0; j < k; j++) gS[i * k + j] = p[i * k + j] * (gP[i * k + j] - dot);
    }
    const grad = f.p.T.matmul(gE).contiguous().data as Float64Array;
    // s_ij = β(x_i·c_j − ½‖c_j‖²): ∂s_ij/∂c_j = β(x_i − c_j).
    const gSa = NDArray.fromTyped(gS, [b, k]);
    const gx = gSa.T.matmul(x).contiguous().data;
    for (let j = 0; j < k; j++) {
      let col = 0;
      for (let i = 0; i < b; i++) col += gS[i * k + j];
      for (let t = 0; t < d; t++) {
        grad[j * d + t] += this.beta * (gx[j * d + t] - col * this.#c[j * d + t]);
      }
    }
    return grad;
  }

  /** One SGD step on a batch; returns the batch loss before the step. */
  step(x: MatrixLike): number {
    const xb = this.#batch("KMeansNetwork.step", x);
    const f = this.#forward(xb);
    const g = this.#gradient(xb, f);
    for (let i = 0; i < g.length; i++) this.#c[i] -= this.lr * g[i];
    return f.loss;
  }

  /** SGD over shuffled batches; returns the mean batch loss of each epoch. */
  fit(x: MatrixLike, options: KMeansNetworkFitOptions = {}): number[] {
    const op = "KMeansNetwork.fit";
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    const epochs = checkInt(options.epochs ?? 10, op, "epochs", 1);
    const bs = checkInt(options.batchSize ?? 64, op, "batchSize", 1);
    const rng = options.rng ?? new Rng(0);
    const [n, d] = m.shape;
    const losses: number[] = [];
    const buf = new Float64Array(Math.min(bs, n) * d);
    for (let e = 1; e <= epochs; e++) {
      const order = options.shuffle === false ? null : rng.permutation(n);
      let total = 0, batches = 0;
      for (let s = 0; s < n; s += bs) {
        const rows = Math.min(bs, n - s);
        for (let r = 0; r < rows; r++) {
          const i = order === null ? s + r : order[s + r];
          for (let t = 0; t < d; t++) buf[r * d + t] = m.data[m.offset + i * d + t];
        }
        total += this.step(NDArray.fromTyped(buf.subarray(0, rows * d), [rows, d]));
        batches++;
      }
      losses.push(total / batches);
      options.onEpoch?.(e, total / batches);
    }
    return losses;
  }

  /** Index (int32 `[n]`) of the largest field x·c_i − ½‖c_i‖² (the nearest centre) of each row. */
  predict(x: MatrixLike): NDArray {
    const op = "KMeansNetwork.predict";
    const m = toMatrix(op, x);
    if (m.shape[1] !== this.#d) {
      throw new RangeError(`${op}: x has shape ${fmtShape(m.shape)}, expected ${this.#d} features`);
    }
    const f = this.#forward(m.astype("float64")).p.contiguous().data;
    const n = m.shape[0], k = this.#k;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (f[i * k + j] > f[i * k + best]) best = j;
      out[i] = best;
    }
    return NDArray.fromTyped(out, [n]);
  }
}
