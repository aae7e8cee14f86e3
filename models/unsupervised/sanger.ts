/**
 * Sanger's generalised Hebbian algorithm (GHA): `ΔW = η (y xᵀ − LT(y yᵀ) W)` with y = Wx and LT the
 * lower triangle. Row i sees the input minus what rows 0..i already explain, so row i converges to the
 * i-th principal direction (of uncentred data: centre first to compare with PCA).
 *
 * @module
 */
import { checkInt, checkOptions, fmtShape, NDArray, Rng } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toFloat64,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";
import type { HebbianFitSchedule, LearningRate } from "./oja.ts";
import { learningRateSchedule, randomUnit } from "./_schedule.ts";

/** Options of {@link Sanger}. */
export interface SangerOptions {
  /** Number of components k. */
  nComponents: number;
  /** Initial weights `[k, d]`. Default: random unit rows at the first fit. */
  weights?: MatrixLike;
  /** Learning rate η or a schedule of the step count. Default 0.01. */
  lr?: LearningRate;
  /** Random generator (initialisation and shuffling). Default: a new `Rng(0)`. */
  rng?: Rng;
}

/**
 * k linear units trained by Sanger's rule; the rows of `components` approach the top k principal
 * directions, in order.
 *
 * @example
 * ```ts
 * import { Rng } from "@nnc/tensor";
 * import { Sanger } from "@nnc/models/unsupervised";
 * const rng = new Rng(1);
 * // Variance 9 along x, 1 along y.
 * const x = Array.from({ length: 400 }, () => [3 * rng.normal(), rng.normal()]);
 * const gha = new Sanger({ nComponents: 2, lr: 0.002, rng }).fit(x, { epochs: 30 });
 * const w = gha.components.toArray() as number[][];
 * console.assert(Math.abs(Math.abs(w[0][0]) - 1) < 0.05 && Math.abs(Math.abs(w[1][1]) - 1) < 0.05);
 * ```
 */
export class Sanger {
  /** Number of components. */
  readonly nComponents: number;
  #w: Float64Array | null = null;
  #d = 0;
  #lr: (step: number) => number;
  #rng: Rng;
  #steps = 0;
  #y: Float64Array;
  #r: Float64Array = new Float64Array(0);

  /** Checks the options. */
  constructor(options: SangerOptions) {
    const op = "Sanger";
    checkOptions(options, op, "nComponents");
    this.nComponents = checkInt(options.nComponents, op, "nComponents", 1, 2 ** 31 - 1);
    this.#lr = learningRateSchedule(op, options.lr ?? 0.01);
    this.#rng = options.rng ?? new Rng(0);
    this.#y = new Float64Array(this.nComponents);
    if (options.weights !== undefined) {
      const w = toMatrix(op, options.weights, "weights");
      if (w.shape[0] !== this.nComponents) {
        throw new RangeError(
          `${op}: weights have shape ${
            fmtShape(w.shape)
          }, expected ${this.nComponents} rows (nComponents)`,
        );
      }
      this.#init(toFloat64(w), w.shape[1]);
    }
  }

  #init(w: Float64Array, d: number): void {
    this.#w = w;
    this.#d = d;
    this.#r = new Float64Array(d);
  }

  /** Components `[k, d]` (float64 copy), one per row. */
  get components(): NDArray {
    if (this.#w === null) {
      throw new TypeError("Sanger.components: no weights yet; give weights or call fit(x) first");
    }
    return NDArray.fromTyped(this.#w.slice(), [this.nComponents, this.#d]);
  }

  #update(x: ArrayLike<number>): void {
    const w = this.#w as Float64Array, d = this.#d, k = this.nComponents;
    const y = this.#y, r = this.#r;
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += w[i * d + t] * x[t];
      y[i] = s;
    }
    const eta = this.#lr(this.#steps++);
    for (let t = 0; t < d; t++) r[t] = x[t];
    // Row i moves along x − Σ_{j≤i} y_j w_j, using the rows as they were before this step.
    for (let i = 0; i < k; i++) {
      const base = i * d, yi = y[i];
      for (let t = 0; t < d; t++) r[t] -= yi * w[base + t];
      const s = eta * yi;
      for (let t = 0; t < d; t++) w[base + t] += s * r[t];
    }
  }

  /** One update from one point. */
  step(x: VectorLike): void {
    if (this.#w === null) {
      throw new TypeError("Sanger.step: no weights yet; give weights or call fit(x) first");
    }
    this.#update(toVector("Sanger.step", x, "x", this.#d));
  }

  /** Online updates over the rows of `x`; returns this model. */
  fit(x: MatrixLike, options: HebbianFitSchedule = {}): this {
    const op = "Sanger.fit";
    const m = toMatrix(op, x);
    const [n, d] = m.shape;
    if (this.#w === null) {
      const w = new Float64Array(this.nComponents * d);
      for (let i = 0; i < this.nComponents; i++) w.set(randomUnit(this.#rng, d), i * d);
      this.#init(w, d);
    }
    checkFeatures(op, m, this.#d);
    const epochs = checkInt(options.epochs ?? 10, op, "epochs", 1);
    for (let e = 1; e <= epochs; e++) {
      const order = options.shuffle === false ? null : this.#rng.permutation(n);
      for (let r = 0; r < n; r++) {
        const i = order === null ? r : order[r];
        this.#update(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d));
      }
      options.onEpoch?.(e);
    }
    return this;
  }

  /** Outputs y = Wx (float64 `[n, k]`) of the rows of `x`. */
  transform(x: MatrixLike): NDArray {
    const op = "Sanger.transform";
    const w = this.components;
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    return m.astype("float64").matmul(w.T);
  }
}
