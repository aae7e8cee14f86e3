/**
 * Rosenblatt's perceptron: predict sgn(θᵀx + b); on a mistake, θ ← θ + η y x (and b ← b + η y). A
 * mistake is y(θᵀx + b) ≤ 0: the notes print "< 0", under which a zero start would never learn. On data
 * separable with margin γ and ‖x‖ ≤ 1 (no bias) it makes at most γ⁻² mistakes (Novikov).
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, describe, fmtShape, NDArray, Rng } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";

/** Options of {@link Perceptron}. */
export interface PerceptronOptions {
  /** Initial weights `[d]`. Default zeros at the first fit. */
  weights?: VectorLike;
  /** Learn a bias b. Default true. */
  bias?: boolean;
  /** Step η. Default 1. */
  lr?: number;
}

/** Options of {@link Perceptron.fit}. */
export interface PerceptronFitOptions {
  /** Passes at most; stops after a pass without mistakes. Default 100. */
  epochs?: number;
  /** Visit the points in a new random order each pass. Default false. */
  shuffle?: boolean;
  /** Random generator for shuffling. Default: a new `Rng(0)`. */
  rng?: Rng;
}

/**
 * A perceptron for labels ±1.
 *
 * @example
 * ```ts
 * import { Perceptron } from "@nnc/models/neurons";
 * // Logical AND with labels ±1.
 * const p = new Perceptron().fit([[0, 0], [0, 1], [1, 0], [1, 1]], [-1, -1, -1, 1]);
 * console.assert(p.converged && Array.from(p.predict([[1, 1], [0, 1]]).data).join() === "1,-1");
 * ```
 */
export class Perceptron {
  /** Whether a bias is learned. */
  readonly useBias: boolean;
  /** Step η. */
  readonly lr: number;
  #w: Float64Array | null = null;
  #b = 0;
  #mistakes = 0;
  #converged = false;
  /** Mistakes in each pass of the last `fit`. */
  history: number[] = [];

  /** Checks the options. */
  constructor(options: PerceptronOptions = {}) {
    const op = "Perceptron";
    checkOptions(options, op);
    this.useBias = options.bias ?? true;
    this.lr = checkNumber(options.lr ?? 1, op, "lr", Number.MIN_VALUE);
    if (options.weights !== undefined) this.#w = toVector(op, options.weights, "weights");
  }

  /** Weights θ `[d]` (float64 copy). */
  get weights(): NDArray {
    if (this.#w === null) {
      throw new TypeError("Perceptron.weights: no weights yet; give weights or call fit first");
    }
    return NDArray.fromTyped(this.#w.slice(), [this.#w.length]);
  }
  /** Bias b (0 when not learned). */
  get bias(): number {
    return this.#b;
  }
  /** Total mistakes (updates) so far. */
  get mistakes(): number {
    return this.#mistakes;
  }
  /** True when the last `fit` ended with a pass without mistakes. */
  get converged(): boolean {
    return this.#converged;
  }

  #margin(x: ArrayLike<number>): number {
    const w = this.#w as Float64Array;
    let s = this.#b;
    for (let t = 0; t < w.length; t++) s += w[t] * x[t];
    return s;
  }

  #learn(x: ArrayLike<number>, y: number): boolean {
    if (y * this.#margin(x) > 0) return false;
    const w = this.#w as Float64Array, s = this.lr * y;
    for (let t = 0; t < w.length; t++) w[t] += s * x[t];
    if (this.useBias) this.#b += s;
    this.#mistakes++;
    return true;
  }

  /** One step on one labelled point; returns true when it was a mistake (and the weights moved). */
  step(x: VectorLike, y: number): boolean {
    const op = "Perceptron.step";
    const v = toVector(op, x, "x", this.#w?.length);
    if (y !== 1 && y !== -1) throw new RangeError(`${op}: y = ${describe(y)}, expected +1 or -1`);
    if (this.#w === null) this.#w = new Float64Array(v.length);
    return this.#learn(v, y);
  }

  /** Passes over the data until a pass makes no mistake or `epochs` passes; returns this model. */
  fit(x: MatrixLike, y: VectorLike, options: PerceptronFitOptions = {}): this {
    const op = "Perceptron.fit";
    const m = toMatrix(op, x);
    const [n, d] = m.shape;
    const labels = toVector(op, y, "y");
    if (labels.length !== n) {
      throw new RangeError(
        `${op}: y has ${labels.length} labels but x has ${n} rows (shape ${fmtShape(m.shape)})`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (labels[i] !== 1 && labels[i] !== -1) {
        throw new RangeError(`${op}: y[${i}] = ${labels[i]}, expected +1 or -1`);
      }
    }
    if (this.#w === null) this.#w = new Float64Array(d);
    checkFeatures(op, m, this.#w.length);
    const epochs = checkInt(options.epochs ?? 100, op, "epochs", 1);
    const rng = options.rng ?? new Rng(0);
    this.history = [];
    this.#converged = false;
    for (let e = 0; e < epochs; e++) {
      const order = options.shuffle ? rng.permutation(n) : null;
      let wrong = 0;
      for (let r = 0; r < n; r++) {
        const i = order === null ? r : order[r];
        if (this.#learn(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d), labels[i])) {
          wrong++;
        }
      }
      this.history.push(wrong);
      if (wrong === 0) {
        this.#converged = true;
        break;
      }
    }
    return this;
  }

  /** θᵀx + b (float64 `[n]`) for the rows of `x`. */
  decisionFunction(x: MatrixLike): NDArray {
    const op = "Perceptron.decisionFunction";
    if (this.#w === null) {
      throw new TypeError(`${op}: no weights yet; give weights or call fit first`);
    }
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#w.length);
    const [n, d] = m.shape;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.#margin(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d));
    }
    return NDArray.fromTyped(out, [n]);
  }

  /** Labels (int32 `[n]`): +1 where θᵀx + b > 0, else −1 (a point on the boundary counts as −1). */
  predict(x: MatrixLike): NDArray {
    const f = this.decisionFunction(x);
    const out = new Int32Array(f.size);
    for (let i = 0; i < out.length; i++) out[i] = f.data[i] > 0 ? 1 : -1;
    return NDArray.fromTyped(out, [out.length]);
  }
}
