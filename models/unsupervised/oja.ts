/**
 * Oja's rule, `w ← w + η y (x − y w)` with y = wᵀx: Hebb's rule with a decay that keeps ‖w‖ near 1, so
 * w converges to the first principal direction argmax_{‖w‖=1} Σ (wᵀx)² (of uncentred data: centre the
 * data first to compare with PCA).
 *
 * @module
 */
import { checkInt, checkOptions, NDArray, Rng } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";
import { learningRateSchedule, randomUnit } from "./_schedule.ts";

/** A constant learning rate, or a schedule of the step count (from 0). */
export type LearningRate = number | ((step: number) => number);

/** Options of {@link Oja}. */
export interface OjaOptions {
  /** Initial weights `[d]`. Default: a random unit vector at the first fit. */
  weights?: VectorLike;
  /** Learning rate η or a schedule. Default 0.01. */
  lr?: LearningRate;
  /** Random generator (initialisation and shuffling). Default: a new `Rng(0)`. */
  rng?: Rng;
}

/** Options of {@link Oja.fit} and `Sanger.fit`. */
export interface HebbianFitSchedule {
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Visit the points in a new random order each epoch. Default true. */
  shuffle?: boolean;
  /** Called after each epoch with the epoch number (from 1). */
  onEpoch?: (epoch: number) => void;
}

/**
 * One linear unit trained by Oja's rule.
 *
 * @example
 * ```ts
 * import { Oja } from "@nnc/models/unsupervised";
 * // Points spread along (1, 1): w turns to ±(1, 1)/√2.
 * const x = [[2, 2], [-2, -2], [1, 1.2], [-1, -0.8], [0.2, -0.2], [-0.2, 0.2]];
 * const oja = new Oja({ weights: [1, 0], lr: 0.05 }).fit(x, { epochs: 200 });
 * const [a, b] = oja.weights.toArray() as number[];
 * console.assert(Math.abs(Math.abs(a) - Math.SQRT1_2) < 0.02 && Math.abs(a - b) < 0.05);
 * ```
 */
export class Oja {
  #w: Float64Array | null = null;
  #lr: (step: number) => number;
  #rng: Rng;
  #steps = 0;

  /** Checks the options. */
  constructor(options: OjaOptions = {}) {
    const op = "Oja";
    checkOptions(options, op);
    this.#lr = learningRateSchedule(op, options.lr ?? 0.01);
    this.#rng = options.rng ?? new Rng(0);
    if (options.weights !== undefined) this.#w = toVector(op, options.weights, "weights");
  }

  /** Weight vector `[d]` (float64 copy). */
  get weights(): NDArray {
    if (this.#w === null) {
      throw new TypeError("Oja.weights: no weights yet; give weights or call fit(x) first");
    }
    return NDArray.fromTyped(this.#w.slice(), [this.#w.length]);
  }

  /** Steps taken so far (the schedule's argument). */
  get steps(): number {
    return this.#steps;
  }

  #update(x: ArrayLike<number>): number {
    const w = this.#w as Float64Array, d = w.length;
    let y = 0;
    for (let t = 0; t < d; t++) y += w[t] * x[t];
    const eta = this.#lr(this.#steps++);
    for (let t = 0; t < d; t++) w[t] += eta * y * (x[t] - y * w[t]);
    return y;
  }

  /** One update from one point; returns the output y = wᵀx it used. */
  step(x: VectorLike): number {
    if (this.#w === null) {
      throw new TypeError("Oja.step: no weights yet; give weights or call fit(x) first");
    }
    return this.#update(toVector("Oja.step", x, "x", this.#w.length));
  }

  /** Online updates over the rows of `x`; returns this model. */
  fit(x: MatrixLike, options: HebbianFitSchedule = {}): this {
    const op = "Oja.fit";
    const m = toMatrix(op, x);
    const [n, d] = m.shape;
    if (this.#w === null) this.#w = randomUnit(this.#rng, d);
    checkFeatures(op, m, this.#w.length);
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

  /** Projections wᵀx (float64 `[n]`) of the rows of `x`. */
  transform(x: MatrixLike): NDArray {
    const op = "Oja.transform";
    if (this.#w === null) {
      throw new TypeError(`${op}: no weights yet; give weights or call fit(x) first`);
    }
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#w.length);
    const [n, d] = m.shape;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += this.#w[t] * m.data[m.offset + i * d + t];
      out[i] = s;
    }
    return NDArray.fromTyped(out, [n]);
  }
}
