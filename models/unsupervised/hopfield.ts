/**
 * Hopfield networks: Hebbian storage Θ = Σ_t (x_t x_tᵀ − I) of ±1 patterns (zero diagonal), asynchronous
 * and synchronous updates x_i ← sign(Σ_j θ_ij x_j + θ_i0) (a zero field keeps the unit's state), the
 * energy E = −½ xᵀΘx − θ₀ᵀx (with the ½ that makes it non-increasing under asynchronous updates), and a
 * capacity experiment (about 0.138·n patterns for Hebbian storage).
 *
 * @module
 */
import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  fmtShape,
  NDArray,
  Rng,
} from "@nnc/tensor";
import { type MatrixLike, toMatrix, toVector, type VectorLike } from "../_common/validate.ts";

/** Update schedule: one unit at a time (in `order`) or all units at once. */
export type HopfieldMode = "async" | "sync";

/** Options of {@link Hopfield}. */
export interface HopfieldOptions {
  /** Number of units n (or give `weights`). */
  size?: number;
  /** Symmetric weights `[n, n]` instead of storing patterns. */
  weights?: MatrixLike;
  /** Thresholds θ_i0 `[n]`. Default zeros. */
  bias?: VectorLike;
}

/** Options of {@link Hopfield.recall}. */
export interface RecallOptions {
  /** Update schedule. Default `"async"`. */
  mode?: HopfieldMode;
  /** Sweeps (async) or steps (sync) at most. Default 100. */
  maxIter?: number;
  /** Unit order of each asynchronous sweep: `"sequential"` (0..n−1, default), `"random"` (a new permutation each sweep), or an explicit order. */
  order?: "sequential" | "random" | readonly number[];
  /** Random generator for `order: "random"`. Default: a new `Rng(0)`. */
  rng?: Rng;
}

/** Result of {@link Hopfield.recall}. */
export interface RecallResult {
  /** Final state (±1). */
  state: number[];
  /** True when a full sweep (or synchronous step) changed nothing. */
  converged: boolean;
  /** Sweeps or steps run (the last one changed nothing when converged). */
  iterations: number;
  /** Energy of the start state and after each sweep or step. */
  energies: number[];
  /** For synchronous updates that revisit a state: the states of the cycle (period ≥ 2), else null. */
  cycle: number[][] | null;
}

/**
 * A Hopfield network of n ±1 units.
 *
 * @example
 * ```ts
 * import { Hopfield } from "@nnc/models/unsupervised";
 * const net = new Hopfield({ size: 8 });
 * net.store([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]]);
 * const noisy = [-1, 1, 1, 1, -1, -1, -1, -1]; // first pattern, bit 0 flipped
 * console.assert(net.energy(noisy) === -12);
 * const r = net.recall(noisy);
 * console.assert(r.state.join() === "1,1,1,1,-1,-1,-1,-1" && r.energies[1] === -24);
 * ```
 */
export class Hopfield {
  /** Number of units. */
  readonly size: number;
  #w: Float64Array;
  #b: Float64Array;
  #patterns = 0;

  /** Creates an empty network (`size`) or one with given `weights`. */
  constructor(options: HopfieldOptions) {
    const op = "Hopfield";
    checkOptions(options, op, "size or weights");
    if (options.weights !== undefined) {
      const w = toMatrix(op, options.weights, "weights");
      const [r, c] = w.shape;
      if (r !== c) {
        throw new RangeError(
          `${op}: weights must be square [n, n], got shape ${fmtShape(w.shape)}`,
        );
      }
      if (options.size !== undefined && options.size !== r) {
        throw new RangeError(
          `${op}: size ${options.size} disagrees with weights of shape ${fmtShape(w.shape)}`,
        );
      }
      this.size = r;
      this.#w = Float64Array.from(w.data.subarray(w.offset, w.offset + r * r));
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < i; j++) {
          if (this.#w[i * r + j] !== this.#w[j * r + i]) {
            throw new RangeError(
              `${op}: weights must be symmetric; weights[${i}][${j}] = ${
                this.#w[i * r + j]
              } but weights[${j}][${i}] = ${this.#w[j * r + i]}`,
            );
          }
        }
      }
    } else {
      this.size = checkInt(options.size, op, "size", 1, 46340); // size² weights ≤ 2^31-1
      this.#w = new Float64Array(this.size * this.size);
    }
    this.#b = options.bias === undefined
      ? new Float64Array(this.size)
      : toVector(op, options.bias, "bias", this.size);
  }

  /** Weights Θ `[n, n]` (float64 copy). */
  get weights(): NDArray {
    return NDArray.fromTyped(this.#w.slice(), [this.size, this.size]);
  }
  /** Thresholds θ₀ `[n]` (float64 copy). */
  get bias(): NDArray {
    return NDArray.fromTyped(this.#b.slice(), [this.size]);
  }
  /** Number of patterns stored so far. */
  get patterns(): number {
    return this.#patterns;
  }

  /** Adds patterns (rows of ±1) with Hebb's rule Θ += x xᵀ − I; returns this network. */
  store(patterns: MatrixLike): this {
    const op = "Hopfield.store";
    const m = toMatrix(op, patterns, "patterns");
    const [s, n] = m.shape;
    if (n !== this.size) {
      throw new RangeError(
        `${op}: patterns have ${n} units (shape ${fmtShape(m.shape)}), expected ${this.size}`,
      );
    }
    const x = m.data, off = m.offset, w = this.#w;
    for (let p = 0; p < s; p++) {
      const base = off + p * n;
      for (let i = 0; i < n; i++) {
        const v = x[base + i];
        if (v !== 1 && v !== -1) {
          throw new RangeError(`${op}: patterns[${p}][${i}] = ${v}, expected +1 or -1`);
        }
      }
      for (let i = 0; i < n; i++) {
        const xi = x[base + i];
        for (let j = 0; j < n; j++) if (j !== i) w[i * n + j] += xi * x[base + j];
      }
    }
    this.#patterns += s;
    return this;
  }

  #state(op: string, x: VectorLike): Float64Array {
    const v = toVector(op, x, "x", this.size);
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== 1 && v[i] !== -1) {
        throw new RangeError(`${op}: x[${i}] = ${v[i]}, expected +1 or -1`);
      }
    }
    return v;
  }

  #field(x: Float64Array, i: number): number {
    const n = this.size, w = this.#w;
    let f = this.#b[i];
    for (let j = 0; j < n; j++) if (j !== i) f += w[i * n + j] * x[j];
    return f;
  }

  #energy(x: Float64Array): number {
    const n = this.size, w = this.#w;
    let e = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) if (j !== i) s += w[i * n + j] * x[j];
      e -= 0.5 * x[i] * s + this.#b[i] * x[i];
    }
    return e;
  }

  /** E = −½ Σ_{i≠j} θ_ij x_i x_j − Σ_i θ_i0 x_i. */
  energy(x: VectorLike): number {
    return this.#energy(this.#state("Hopfield.energy", x));
  }

  /** Local fields Σ_{j≠i} θ_ij x_j + θ_i0 of every unit. */
  fields(x: VectorLike): number[] {
    const v = this.#state("Hopfield.fields", x);
    return Array.from({ length: this.size }, (_, i) => this.#field(v, i));
  }

  /** One asynchronous sweep in `order` (default 0..n−1), in place; returns the number of flips. */
  #sweep(x: Float64Array, order: ArrayLike<number> | null): number {
    let flips = 0;
    for (let q = 0; q < this.size; q++) {
      const i = order === null ? q : order[q];
      const f = this.#field(x, i);
      const s = f > 0 ? 1 : f < 0 ? -1 : x[i];
      if (s !== x[i]) {
        x[i] = s;
        flips++;
      }
    }
    return flips;
  }

  #syncStep(x: Float64Array): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const f = this.#field(x, i);
      out[i] = f > 0 ? 1 : f < 0 ? -1 : x[i];
    }
    return out;
  }

  /** The state after one asynchronous sweep (units in `order`, default 0..n−1). */
  updateAsync(x: VectorLike, order?: readonly number[]): number[] {
    const v = this.#state("Hopfield.updateAsync", x);
    this.#sweep(v, order === undefined ? null : this.#order("Hopfield.updateAsync", order));
    return Array.from(v);
  }

  /** The state after one synchronous step (all units from the same old state). */
  updateSync(x: VectorLike): number[] {
    return Array.from(this.#syncStep(this.#state("Hopfield.updateSync", x)));
  }

  #order(op: string, order: readonly number[]): Int32Array {
    const seen = new Uint8Array(this.size);
    if (!Array.isArray(order) || order.length !== this.size) {
      throw new RangeError(
        `${op}: order must be a permutation of 0..${this.size - 1}, got ${describe(order)}`,
      );
    }
    for (const i of order) {
      if (!Number.isInteger(i) || i < 0 || i >= this.size || seen[i]) {
        throw new RangeError(
          `${op}: order must be a permutation of 0..${
            this.size - 1
          }; ${i} is out of range or repeated`,
        );
      }
      seen[i] = 1;
    }
    return Int32Array.from(order);
  }

  /** Runs the dynamics from `x` until nothing changes, a synchronous cycle repeats, or `maxIter`. */
  recall(x: VectorLike, options: RecallOptions = {}): RecallResult {
    const op = "Hopfield.recall";
    let v = this.#state(op, x);
    const mode = checkOneOf(options.mode ?? "async", op, "mode", ["async", "sync"]);
    const maxIter = checkInt(options.maxIter ?? 100, op, "maxIter", 1);
    const orderOpt = options.order ?? "sequential";
    const rng = options.rng ?? new Rng(0);
    const fixed = Array.isArray(orderOpt) ? this.#order(op, orderOpt) : null;
    if (!Array.isArray(orderOpt)) checkOneOf(orderOpt, op, "order", ["sequential", "random"]);
    const energies = [this.#energy(v)];
    const seen = new Map<string, number>([[v.join(), 0]]);
    const history: Float64Array[] = [v.slice()];
    for (let it = 1; it <= maxIter; it++) {
      let changed: boolean;
      if (mode === "async") {
        const order = fixed ?? (orderOpt === "random" ? rng.permutation(this.size) : null);
        changed = this.#sweep(v, order) > 0;
      } else {
        const next = this.#syncStep(v);
        changed = next.some((s, i) => s !== v[i]);
        v = next;
      }
      energies.push(this.#energy(v));
      if (!changed) {
        return { state: Array.from(v), converged: true, iterations: it, energies, cycle: null };
      }
      if (mode === "sync") {
        const key = v.join();
        const first = seen.get(key);
        if (first !== undefined) {
          const cycle = history.slice(first).map((s) => Array.from(s));
          return { state: Array.from(v), converged: false, iterations: it, energies, cycle };
        }
        seen.set(key, it);
        history.push(v.slice());
      }
    }
    return { state: Array.from(v), converged: false, iterations: maxIter, energies, cycle: null };
  }
}

/** Options of {@link hopfieldCapacity}. */
export interface CapacityOptions {
  /** Network size n. Default 100. */
  size?: number;
  /** Loads α = patterns / n to try. Default 0.02, 0.04, …, 0.3. */
  loads?: readonly number[];
  /** Random pattern sets per load. Default 10. */
  trials?: number;
  /** Fraction of bits flipped in the recall cue. Default 0 (start at the pattern itself). */
  noise?: number;
  /** Random generator. Default: a new `Rng(0)`. */
  rng?: Rng;
}

/** One load of {@link hopfieldCapacity}. */
export interface CapacityPoint {
  /** α = patterns / n. */
  load: number;
  /** Number of patterns stored. */
  patterns: number;
  /** Fraction of stored patterns recalled exactly (asynchronous dynamics from the cue). */
  recalled: number;
  /** Mean fraction of wrong bits after recall. */
  bitErrors: number;
}

/**
 * The capacity experiment: store ⌈α·n⌉ random ±1 patterns, start the asynchronous dynamics at each one
 * (optionally with `noise` of its bits flipped), and measure how many come back exactly. Recall collapses
 * near α ≈ 0.138 for Hebbian storage.
 *
 * @example
 * ```ts
 * import { Rng } from "@nnc/tensor";
 * import { hopfieldCapacity } from "@nnc/models/unsupervised";
 * const [low, high] = hopfieldCapacity({ size: 100, loads: [0.03, 0.3], trials: 3, rng: new Rng(5) });
 * console.assert(low.recalled > 0.9 && high.recalled < 0.2);
 * ```
 */
export function hopfieldCapacity(options: CapacityOptions = {}): CapacityPoint[] {
  const op = "hopfieldCapacity";
  options = checkOptions(options, op);
  const n = checkInt(options.size ?? 100, op, "size", 2, 46340);
  const loads = options.loads ?? Array.from({ length: 15 }, (_, i) => 0.02 * (i + 1));
  if (!Array.isArray(loads)) {
    throw new TypeError(`${op}: loads must be an array of numbers, got ${describe(loads)}`);
  }
  // At most 46340 neurons (n² weights) and 2^31-1 trials: larger ones are mistakes, not requests.
  const trials = checkInt(options.trials ?? 10, op, "trials", 1, 2 ** 31 - 1);
  const noise = checkNumber(options.noise ?? 0, op, "noise", 0, 1);
  const rng = options.rng ?? new Rng(0);
  if (!(rng instanceof Rng)) throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  const out: CapacityPoint[] = [];
  for (const load of loads) {
    checkNumber(load, op, "load", 0, (2 ** 31 - 1) / n / n);
    const s = Math.max(1, Math.ceil(load * n));
    let ok = 0, wrong = 0;
    for (let t = 0; t < trials; t++) {
      const pats = Array.from(
        { length: s },
        () => Array.from({ length: n }, () => (rng.random() < 0.5 ? -1 : 1)),
      );
      const net = new Hopfield({ size: n }).store(pats);
      for (const p of pats) {
        const cue = p.map((v) => (rng.random() < noise ? -v : v));
        const r = net.recall(cue, { maxIter: 50 });
        let bad = 0;
        for (let i = 0; i < n; i++) if (r.state[i] !== p[i]) bad++;
        if (bad === 0) ok++;
        wrong += bad / n;
      }
    }
    out.push({ load, patterns: s, recalled: ok / (s * trials), bitErrors: wrong / (s * trials) });
  }
  return out;
}
