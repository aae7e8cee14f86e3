/**
 * Hebb's activity-product rule, `w_i ← α w_i + η x y_i`, for a layer of linear units with a sign or a
 * linear output: α = 1 is plain Hebb (which diverges), α < 1 the damped form of the notes (weight decay;
 * with sign output and a fixed input x it converges to ηx/(1 − α)).
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, NDArray } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toFloat64,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";

/** Output function of the units: `sign(wᵀx)` (0 at 0) or `wᵀx`. */
export type HebbOutput = "sign" | "linear";

/** Options of {@link Hebbian}. */
export interface HebbianOptions {
  /** Initial weights: `[units, d]`, or one unit's weight vector `[d]`. */
  weights: MatrixLike | VectorLike;
  /** Learning rate η. Default 1. */
  lr?: number;
  /** Damping α multiplying the old weights. Default 1 (plain Hebb). */
  decay?: number;
  /** Output function. Default `"sign"`. */
  output?: HebbOutput;
}

/** Options of {@link Hebbian.fit}. */
export interface HebbianFitOptions {
  /** Passes over the data in the given order. Default 1. */
  epochs?: number;
  /** Called after each step with the outputs, the epoch (from 1) and the point's index. */
  onStep?: (outputs: number[], epoch: number, index: number) => void;
}

/**
 * A layer of units trained by Hebb's rule (optionally damped).
 *
 * @example
 * ```ts
 * import { Hebbian } from "@nnc/models/unsupervised";
 * // The typed notes' example: one sign unit, w = (0.1, 0.1), η = 1, one epoch over six points.
 * const h = new Hebbian({ weights: [0.1, 0.1] });
 * h.fit([[1, 1], [0.9, 1], [1, 1.1], [1, -1], [1.1, -1], [1, -1.1]]);
 * const w = h.weights.toArray() as number[][];
 * console.assert(Math.abs(w[0][0] + 0.1) < 1e-12 && Math.abs(w[0][1] - 6.3) < 1e-12);
 * ```
 */
export class Hebbian {
  /** Learning rate η. */
  readonly lr: number;
  /** Damping α. */
  readonly decay: number;
  /** Output function. */
  readonly output: HebbOutput;
  #w: Float64Array;
  #units: number;
  #d: number;

  /** Checks the options. */
  constructor(options: HebbianOptions) {
    const op = "Hebbian";
    checkOptions(options, op, "weights");
    this.lr = checkNumber(options.lr ?? 1, op, "lr");
    this.decay = checkNumber(options.decay ?? 1, op, "decay");
    this.output = checkOneOf(options.output ?? "sign", op, "output", ["sign", "linear"]);
    const w = options.weights;
    const isMatrix = (w instanceof NDArray && w.ndim === 2) ||
      (Array.isArray(w) && Array.isArray(w[0]));
    if (isMatrix) {
      const m = toMatrix(op, w, "weights");
      this.#w = toFloat64(m);
      [this.#units, this.#d] = m.shape;
    } else {
      this.#w = toVector(op, w, "weights");
      this.#units = 1;
      this.#d = this.#w.length;
    }
  }

  /** Weights `[units, d]` (float64 copy). */
  get weights(): NDArray {
    return NDArray.fromTyped(this.#w.slice(), [this.#units, this.#d]);
  }

  #outputs(x: ArrayLike<number>): number[] {
    const w = this.#w, d = this.#d;
    const y: number[] = [];
    for (let j = 0; j < this.#units; j++) {
      let f = 0;
      for (let t = 0; t < d; t++) f += w[j * d + t] * x[t];
      y.push(this.output === "sign" ? Math.sign(f) : f);
    }
    return y;
  }

  #update(x: ArrayLike<number>): number[] {
    const y = this.#outputs(x);
    const w = this.#w, d = this.#d;
    for (let j = 0; j < this.#units; j++) {
      const s = this.lr * y[j];
      for (let t = 0; t < d; t++) w[j * d + t] = this.decay * w[j * d + t] + s * x[t];
    }
    return y;
  }

  /** Outputs of the units for one point (no update). */
  forward(x: VectorLike): number[] {
    return this.#outputs(toVector("Hebbian.forward", x, "x", this.#d));
  }

  /** One update from one point; returns the outputs it used. */
  step(x: VectorLike): number[] {
    return this.#update(toVector("Hebbian.step", x, "x", this.#d));
  }

  /** Updates once per row of `x`, in order, for `epochs` passes; returns this model. */
  fit(x: MatrixLike, options: HebbianFitOptions = {}): this {
    const op = "Hebbian.fit";
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    const epochs = checkInt(options.epochs ?? 1, op, "epochs", 1);
    const [n, d] = m.shape;
    for (let e = 1; e <= epochs; e++) {
      for (let i = 0; i < n; i++) {
        const y = this.#update(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d));
        options.onStep?.(y, e, i);
      }
    }
    return this;
  }

  /** Outputs `[n, units]` (float64) for the rows of `x`. */
  predict(x: MatrixLike): NDArray {
    const op = "Hebbian.predict";
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    const [n, d] = m.shape;
    const out = new Float64Array(n * this.#units);
    for (let i = 0; i < n; i++) {
      out.set(
        this.#outputs(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d)),
        i * this.#units,
      );
    }
    return NDArray.fromTyped(out, [n, this.#units]);
  }
}
