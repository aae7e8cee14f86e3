/**
 * McCulloch–Pitts threshold units: f(x; σ, θ) = 1 if Σ_i σ_i x_i ≥ θ else 0, with x ∈ {0,1}ⁿ,
 * σ ∈ {±1}ⁿ and integer θ, plus the unit's disjunctive normal form (an OR of the minterms it accepts).
 *
 * @module
 */
import { describe, NDArray } from "@nnc/tensor";
import {
  checkFeatures,
  type MatrixLike,
  toMatrix,
  toVector,
  type VectorLike,
} from "../_common/validate.ts";

/**
 * A McCulloch–Pitts unit.
 *
 * @example
 * ```ts
 * import { McCullochPitts } from "@nnc/models/neurons";
 * const nand = McCullochPitts.nand();
 * console.assert([[0, 0], [0, 1], [1, 0], [1, 1]].map((x) => nand.fire(x)).join() === "1,1,1,0");
 * const and3 = new McCullochPitts([1, 1, 1], 3);
 * console.assert(and3.fire([1, 1, 1]) === 1 && and3.fire([1, 0, 1]) === 0);
 * ```
 */
export class McCullochPitts {
  /** Signs σ of the inputs (+1 excitatory, −1 inhibitory). */
  readonly sigma: readonly number[];
  /** Integer threshold θ. */
  readonly theta: number;

  /** A unit with input signs `sigma` (each ±1) and integer threshold `theta`. */
  constructor(sigma: readonly number[], theta: number) {
    const op = "McCullochPitts";
    const s = toVector(op, sigma, "sigma");
    if (s.length === 0) throw new RangeError(`${op}: sigma must have at least one input`);
    for (let i = 0; i < s.length; i++) {
      if (s[i] !== 1 && s[i] !== -1) {
        throw new RangeError(`${op}: sigma[${i}] = ${s[i]}, expected +1 or -1`);
      }
    }
    if (typeof theta !== "number" || !Number.isInteger(theta)) {
      throw new RangeError(`${op}: theta must be an integer, got ${describe(theta)}`);
    }
    this.sigma = Object.freeze(Array.from(s));
    this.theta = theta;
  }

  /** NAND of two inputs (σ = (−1, −1), θ = −1): Turing's type-A unit. */
  static nand(): McCullochPitts {
    return new McCullochPitts([-1, -1], -1);
  }
  /** AND of n inputs (all +1, θ = n). */
  static and(n = 2): McCullochPitts {
    return new McCullochPitts(new Array(n).fill(1), n);
  }
  /** OR of n inputs (all +1, θ = 1). */
  static or(n = 2): McCullochPitts {
    return new McCullochPitts(new Array(n).fill(1), 1);
  }
  /** NOT of one input (σ = −1, θ = 0). */
  static not(): McCullochPitts {
    return new McCullochPitts([-1], 0);
  }

  /** Number of inputs. */
  get inputs(): number {
    return this.sigma.length;
  }

  #check(op: string, x: ArrayLike<number>, where: string): number {
    let s = 0;
    for (let i = 0; i < this.sigma.length; i++) {
      const v = x[i];
      if (v !== 0 && v !== 1) throw new RangeError(`${op}: ${where}[${i}] = ${v}, expected 0 or 1`);
      s += this.sigma[i] * v;
    }
    return s >= this.theta ? 1 : 0;
  }

  /** The unit's output (0 or 1) for one 0/1 input vector. */
  fire(x: VectorLike): number {
    return this.#check(
      "McCullochPitts.fire",
      toVector("McCullochPitts.fire", x, "x", this.inputs),
      "x",
    );
  }

  /** Outputs (int32 `[n]`) for the rows of `x`. */
  forward(x: MatrixLike): NDArray {
    const op = "McCullochPitts.forward";
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.inputs);
    const [n, d] = m.shape;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.#check(
        op,
        m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d),
        `x[${i}]`,
      );
    }
    return NDArray.fromTyped(out, [n]);
  }

  /**
   * The disjunctive normal form: the sets I (as sorted index lists) of the minterms
   * ⋀_{i∈I} x_i ⋀_{i∉I} ¬x_i with Σ_{i∈I} σ_i ≥ θ. The unit fires exactly on the inputs whose ones form
   * one of these sets. Enumerates 2ⁿ subsets, so n ≤ 20.
   */
  dnf(): number[][] {
    const n = this.inputs;
    if (n > 20) {
      throw new RangeError(
        `McCullochPitts.dnf: ${n} inputs give 2^${n} minterms; expected at most 20 inputs`,
      );
    }
    const out: number[][] = [];
    for (let mask = 0; mask < 1 << n; mask++) {
      let s = 0;
      const set: number[] = [];
      for (let i = 0; i < n; i++) {
        if (mask & (1 << i)) {
          s += this.sigma[i];
          set.push(i);
        }
      }
      if (s >= this.theta) out.push(set);
    }
    return out;
  }
}
