/**
 * Willshaw associative memory: binary weights Θ = min(1, Σ_t y_t x_tᵀ) (an OR of outer products) and
 * recall y_j = [ (Θx)_j ≥ r ]. The notes use r = the fixed number of active bits per pattern; by default
 * r is the number of ones in the cue, which is the same for r-sparse patterns and also right for sparser
 * cues. Recall is monotone: a stored cue returns at least the stored output's ones.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, describe, fmtShape, NDArray, Rng } from "@nnc/tensor";
import { type MatrixLike, toMatrix, toVector, type VectorLike } from "../_common/validate.ts";

/** Options of {@link Willshaw}. */
export interface WillshawOptions {
  /** Input units. */
  inputs: number;
  /** Output units. Default `inputs` (auto-association). */
  outputs?: number;
}

/** Options of {@link Willshaw.recall}. */
export interface WillshawRecallOptions {
  /** Threshold r. Default: the number of ones in the cue. */
  threshold?: number;
}

/**
 * A Willshaw memory mapping 0/1 input patterns to 0/1 output patterns.
 *
 * @example
 * ```ts
 * import { Willshaw } from "@nnc/models/unsupervised";
 * const mem = new Willshaw({ inputs: 6 });
 * mem.store([[1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 1]], [[0, 0, 1, 0, 1, 0], [1, 0, 0, 0, 0, 1]]);
 * console.assert(mem.recall([1, 1, 0, 0, 0, 0]).join() === "0,0,1,0,1,0");
 * console.assert(mem.recall([0, 0, 0, 1, 0, 0]).join() === "1,0,0,0,0,1"); // a partial cue
 * ```
 */
export class Willshaw {
  /** Input units. */
  readonly inputs: number;
  /** Output units. */
  readonly outputs: number;
  #w: Uint8Array;
  #stored = 0;

  /** Creates an empty memory. */
  constructor(options: WillshawOptions) {
    const op = "Willshaw";
    checkOptions(options, op, "inputs");
    this.inputs = checkInt(options.inputs, op, "inputs", 1);
    this.outputs = checkInt(options.outputs ?? this.inputs, op, "outputs", 1);
    if (this.inputs * this.outputs > 2 ** 31 - 1) {
      throw new RangeError(
        `${op}: inputs × outputs = ${this.inputs} × ${this.outputs} exceeds 2^31-1 weights`,
      );
    }
    this.#w = new Uint8Array(this.inputs * this.outputs);
  }

  /** Binary weights Θ `[outputs, inputs]` (float64 copy of 0/1). */
  get weights(): NDArray {
    return NDArray.fromTyped(Float64Array.from(this.#w), [this.outputs, this.inputs]);
  }
  /** Number of pairs stored. */
  get stored(): number {
    return this.#stored;
  }
  /** Fraction of weights that are 1 (recall degrades as it approaches 1). */
  get density(): number {
    let s = 0;
    for (let i = 0; i < this.#w.length; i++) s += this.#w[i];
    return s / this.#w.length;
  }

  /** Stores pairs (rows of `x` → rows of `y`; `y` defaults to `x`); returns this memory. */
  store(x: MatrixLike, y?: MatrixLike): this {
    const op = "Willshaw.store";
    const xm = binaryMatrix(op, x, "x", this.inputs);
    const ym = y === undefined ? xm : binaryMatrix(op, y, "y", this.outputs);
    if (y === undefined && this.outputs !== this.inputs) {
      throw new TypeError(
        `${op}: y is required for a hetero-associative memory (${this.inputs} inputs, ${this.outputs} outputs)`,
      );
    }
    if (ym.shape[0] !== xm.shape[0]) {
      throw new RangeError(
        `${op}: x has ${xm.shape[0]} patterns but y has ${
          ym.shape[0]
        }; expected one output per input`,
      );
    }
    const s = xm.shape[0], ni = this.inputs, no = this.outputs;
    for (let p = 0; p < s; p++) {
      for (let j = 0; j < no; j++) {
        if (ym.data[ym.offset + p * no + j] === 0) continue;
        for (let i = 0; i < ni; i++) {
          if (xm.data[xm.offset + p * ni + i] === 1) this.#w[j * ni + i] = 1;
        }
      }
    }
    this.#stored += s;
    return this;
  }

  /** Recalls the output pattern (0/1) for a cue. */
  recall(x: VectorLike, options: WillshawRecallOptions = {}): number[] {
    const op = "Willshaw.recall";
    const v = toVector(op, x, "x", this.inputs);
    let ones = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== 0 && v[i] !== 1) {
        throw new RangeError(`${op}: x[${i}] = ${v[i]}, expected 0 or 1`);
      }
      ones += v[i];
    }
    const r = options.threshold === undefined
      ? ones
      : checkNumber(options.threshold, op, "threshold");
    const out: number[] = [];
    for (let j = 0; j < this.outputs; j++) {
      let z = 0;
      for (let i = 0; i < this.inputs; i++) z += this.#w[j * this.inputs + i] * v[i];
      out.push(z >= r ? 1 : 0);
    }
    return out;
  }
}

function binaryMatrix(op: string, x: MatrixLike, name: string, width: number): NDArray {
  const m = toMatrix(op, x, name);
  if (m.shape[1] !== width) {
    throw new RangeError(
      `${op}: ${name} has shape ${fmtShape(m.shape)}, expected ${width} columns`,
    );
  }
  for (let i = 0; i < m.size; i++) {
    const v = m.data[m.offset + i];
    if (v !== 0 && v !== 1) {
      throw new RangeError(
        `${op}: ${name}[${Math.floor(i / width)}][${i % width}] = ${v}, expected 0 or 1`,
      );
    }
  }
  return m;
}

/**
 * Random r-sparse 0/1 patterns: `count` rows of length n with exactly r ones each.
 *
 * @example
 * ```ts
 * import { Rng } from "@nnc/tensor";
 * import { sparsePatterns } from "@nnc/models/unsupervised";
 * const p = sparsePatterns(3, 10, 2, new Rng(1));
 * console.assert(p.every((row) => row.reduce((a, b) => a + b, 0) === 2));
 * ```
 */
export function sparsePatterns(
  count: number,
  n: number,
  r: number,
  rng: Rng = new Rng(0),
): number[][] {
  const op = "sparsePatterns";
  checkInt(count, op, "count", 0);
  checkInt(n, op, "n", 1);
  checkInt(r, op, "r", 0);
  if (r > n) throw new RangeError(`${op}: r = ${r} ones do not fit in patterns of length n = ${n}`);
  if (count * n > 2 ** 31 - 1) {
    throw new RangeError(`${op}: ${count} patterns of length ${n} are more than 2^31-1 entries`);
  }
  if (!(rng instanceof Rng)) throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  return Array.from({ length: count }, () => {
    const row = new Array<number>(n).fill(0);
    const perm = rng.permutation(n);
    for (let i = 0; i < r; i++) row[perm[i]] = 1;
    return row;
  });
}
