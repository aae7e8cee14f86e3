/**
 * Competitive (winner-take-all) learning, with both rules of the notes: the typed notes'
 * `w_i ← w_i + η(x − w_i)` and the handwritten / mock-final Hebbian form `w_i ← w_i + η ỹ (x − w_i)`
 * with ỹ = w_iᵀx the winner's output. Ties and rounding are explicit options because hand-worked answers
 * depend on them. The batch mode (winners for the whole epoch, then each unit moves to the mean of its
 * points, with the neuron form 2wᵀx − ‖w‖²) is exactly one Lloyd step of k-means.
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, NDArray, Rng } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toFloat64,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";
import { ROUND_MODES, roundBy, type RoundMode } from "./_round.ts";

export type { RoundMode } from "./_round.ts";

/** Which unit wins when several have the same field: the lowest index, the highest, or a random one. */
export type TieBreak = "first" | "last" | "random";

/**
 * How the winner is chosen: `"field"` = largest wᵀx (the notes' rule; the nearest unit only when all
 * weights have equal norms), `"nearest"` = smallest ‖x − w‖² (the neuron with weights 2w and bias −‖w‖²).
 */
export type WinnerRule = "field" | "nearest";

/** Options of {@link CompetitiveLearning}. */
export interface CompetitiveOptions {
  /** Initial weights `[units, d]`, one row per unit. If omitted, `nUnits` random training points at the first fit. */
  weights?: MatrixLike;
  /** Number of units when `weights` is omitted. */
  nUnits?: number;
  /** Learning rate η. Default 0.5 (the notes' examples). */
  lr?: number;
  /** Multiply the step by the winner's output ỹ = wᵀx (the mock final's rule). Default false. */
  scaleByOutput?: boolean;
  /** Tie-breaking rule. Default `"first"`. */
  tieBreak?: TieBreak;
  /** Round the winner's weights after each update. Default `"none"`. */
  round?: RoundMode;
  /** Winner rule. Default `"field"`. */
  winner?: WinnerRule;
  /** Random generator (random ties, initialisation, shuffling). Default: a new `Rng(0)`. */
  rng?: Rng;
}

/** What one online step did. */
export interface CompetitiveStep {
  /** Index of the winning unit. */
  winner: number;
  /** wᵀx of every unit before the update. */
  fields: number[];
  /** The winner's output ỹ = wᵀx. */
  output: number;
  /** The winner's weights after the update (and rounding). */
  weights: number[];
}

/** Options of {@link CompetitiveLearning.fit}. */
export interface CompetitiveFitOptions {
  /** Passes over the data. Default 1. */
  epochs?: number;
  /** Visit the points in a new random order each epoch. Default false (the given order, as in the notes). */
  shuffle?: boolean;
  /** Called after every step with the epoch (from 1) and the index of the point. */
  onStep?: (step: CompetitiveStep, epoch: number, index: number) => void;
}

const TIE_BREAKS: readonly TieBreak[] = ["first", "last", "random"];
const WINNER_RULES: readonly WinnerRule[] = ["field", "nearest"];

/**
 * A layer of competing linear units trained by the winner-take-all rule.
 *
 * @example
 * ```ts
 * import { CompetitiveLearning } from "@nnc/models/unsupervised";
 * // The mock final's Q2: 2 epochs, ties to the lowest index, halves rounded to even.
 * const net = new CompetitiveLearning({
 *   weights: [[-1, 2], [2, -1]], lr: 0.5, scaleByOutput: true, tieBreak: "first", round: "halfEven",
 * });
 * net.fit([[0, 1], [1, 1], [0, -1], [-1, -1]], { epochs: 2 });
 * console.assert(net.weights.toArray().toString() === "0,1,0,-1");
 * ```
 */
export class CompetitiveLearning {
  /** Learning rate η. */
  readonly lr: number;
  /** Whether steps are scaled by the winner's output. */
  readonly scaleByOutput: boolean;
  /** Tie-breaking rule. */
  readonly tieBreak: TieBreak;
  /** Rounding after each update. */
  readonly round: RoundMode;
  /** Winner rule. */
  readonly winner: WinnerRule;
  #w: Float64Array | null = null;
  #units: number;
  #d = 0;
  #rng: Rng;

  /** Checks the options. */
  constructor(options: CompetitiveOptions) {
    const op = "CompetitiveLearning";
    options = checkOptions(options, op);
    this.lr = checkNumber(options.lr ?? 0.5, op, "lr");
    this.scaleByOutput = options.scaleByOutput ?? false;
    this.tieBreak = checkOneOf(options.tieBreak ?? "first", op, "tieBreak", TIE_BREAKS);
    this.round = checkOneOf(options.round ?? "none", op, "round", ROUND_MODES);
    this.winner = checkOneOf(options.winner ?? "field", op, "winner", WINNER_RULES);
    this.#rng = options.rng ?? new Rng(0);
    if (options.weights !== undefined) {
      const w = toMatrix(op, options.weights, "weights");
      this.#w = toFloat64(w);
      this.#units = w.shape[0];
      this.#d = w.shape[1];
    } else {
      if (options.nUnits === undefined) {
        throw new TypeError(`${op}: give either weights ([units, d]) or nUnits`);
      }
      this.#units = checkInt(options.nUnits, op, "nUnits", 1);
    }
  }

  /** Number of units. */
  get nUnits(): number {
    return this.#units;
  }

  /** Current weights `[units, d]` (float64 copy). */
  get weights(): NDArray {
    if (this.#w === null) {
      throw new TypeError(
        "CompetitiveLearning.weights: no weights yet; give weights or call fit(x) first",
      );
    }
    return NDArray.fromTyped(this.#w.slice(), [this.#units, this.#d]);
  }

  #ensure(op: string, x: NDArray): Float64Array {
    if (this.#w !== null) {
      checkFeatures(op, x, this.#d);
      return this.#w;
    }
    const [n, d] = x.shape;
    if (this.#units > n) {
      throw new RangeError(
        `${op}: nUnits = ${this.#units} exceeds the number of samples ${n} to initialise from`,
      );
    }
    const perm = this.#rng.permutation(n);
    const w = new Float64Array(this.#units * d);
    for (let j = 0; j < this.#units; j++) {
      for (let t = 0; t < d; t++) w[j * d + t] = x.data[x.offset + perm[j] * d + t];
    }
    this.#d = d;
    return (this.#w = w);
  }

  /** Scores (larger wins) and fields of every unit for one point. */
  #scores(x: ArrayLike<number>, fields: Float64Array, scores: Float64Array): void {
    const w = this.#w as Float64Array, d = this.#d;
    for (let j = 0; j < this.#units; j++) {
      let f = 0, nn = 0;
      for (let t = 0; t < d; t++) {
        f += w[j * d + t] * x[t];
        nn += w[j * d + t] * w[j * d + t];
      }
      fields[j] = f;
      scores[j] = this.winner === "field" ? f : 2 * f - nn;
    }
  }

  #pick(scores: Float64Array): number {
    let best = -Infinity;
    for (let j = 0; j < scores.length; j++) if (scores[j] > best) best = scores[j];
    const tied: number[] = [];
    for (let j = 0; j < scores.length; j++) if (scores[j] === best) tied.push(j);
    if (tied.length === 0) return 0;
    if (this.tieBreak === "first") return tied[0];
    if (this.tieBreak === "last") return tied[tied.length - 1];
    return tied[this.#rng.int(0, tied.length)];
  }

  #stepRow(x: ArrayLike<number>, fields: Float64Array, scores: Float64Array): CompetitiveStep {
    this.#scores(x, fields, scores);
    const i = this.#pick(scores);
    const w = this.#w as Float64Array, d = this.#d;
    const output = fields[i];
    const s = this.lr * (this.scaleByOutput ? output : 1);
    for (let t = 0; t < d; t++) {
      const v = w[i * d + t];
      w[i * d + t] = roundBy(v + s * (x[t] - v), this.round);
    }
    return {
      winner: i,
      fields: Array.from(fields),
      output,
      weights: Array.from(w.subarray(i * d, (i + 1) * d)),
    };
  }

  /** One online step on one point; returns what happened. */
  step(x: VectorLike): CompetitiveStep {
    const op = "CompetitiveLearning.step";
    if (this.#w === null) {
      throw new TypeError(`${op}: no weights yet; give weights or call fit(x) first`);
    }
    const v = toVector(op, x, "x", this.#d);
    return this.#stepRow(v, new Float64Array(this.#units), new Float64Array(this.#units));
  }

  /** Online learning over the rows of `x`; returns this model. */
  fit(x: MatrixLike, options: CompetitiveFitOptions = {}): this {
    const op = "CompetitiveLearning.fit";
    const m = toMatrix(op, x);
    const epochs = checkInt(options.epochs ?? 1, op, "epochs", 1);
    this.#ensure(op, m);
    const [n, d] = m.shape;
    const fields = new Float64Array(this.#units), scores = new Float64Array(this.#units);
    for (let e = 1; e <= epochs; e++) {
      const order = options.shuffle ? this.#rng.permutation(n) : null;
      for (let r = 0; r < n; r++) {
        const i = order === null ? r : order[r];
        const row = m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d);
        const step = this.#stepRow(row, fields, scores);
        options.onStep?.(step, e, i);
      }
    }
    return this;
  }

  /**
   * One batch epoch: every point picks its winner with the neuron form 2wᵀx − ‖w‖² (the nearest unit),
   * then each unit moves to the mean of its points (units without points stay). This is one Lloyd step.
   * Returns the number of units that moved.
   */
  batchStep(x: MatrixLike): number {
    const op = "CompetitiveLearning.batchStep";
    const m = toMatrix(op, x);
    const w = this.#ensure(op, m);
    const [n, d] = m.shape, k = this.#units;
    const sums = new Float64Array(k * d), counts = new Float64Array(k);
    const scores = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const row = m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d);
      for (let j = 0; j < k; j++) {
        let f = 0, nn = 0;
        for (let t = 0; t < d; t++) {
          f += w[j * d + t] * row[t];
          nn += w[j * d + t] * w[j * d + t];
        }
        scores[j] = 2 * f - nn;
      }
      const win = this.#pick(scores);
      counts[win]++;
      for (let t = 0; t < d; t++) sums[win * d + t] += row[t];
    }
    let moved = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) continue;
      let changed = false;
      for (let t = 0; t < d; t++) {
        const v = roundBy(sums[j * d + t] / counts[j], this.round);
        if (v !== w[j * d + t]) changed = true;
        w[j * d + t] = v;
      }
      if (changed) moved++;
    }
    return moved;
  }

  /** Batch epochs until no unit moves or `epochs` have run; returns this model. */
  fitBatch(x: MatrixLike, options: { epochs?: number } = {}): this {
    const epochs = checkInt(options.epochs ?? 100, "CompetitiveLearning.fitBatch", "epochs", 1);
    for (let e = 0; e < epochs; e++) if (this.batchStep(x) === 0) break;
    return this;
  }

  /** Winning unit (int32 `[n]`) of each row, by the configured winner rule and tie-break. */
  predict(x: MatrixLike): NDArray {
    const op = "CompetitiveLearning.predict";
    if (this.#w === null) {
      throw new TypeError(`${op}: no weights yet; give weights or call fit(x) first`);
    }
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    const [n, d] = m.shape;
    const out = new Int32Array(n);
    const fields = new Float64Array(this.#units), scores = new Float64Array(this.#units);
    for (let i = 0; i < n; i++) {
      this.#scores(m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d), fields, scores);
      out[i] = this.#pick(scores);
    }
    return NDArray.fromTyped(out, [n]);
  }
}
