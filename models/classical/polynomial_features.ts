/**
 * Polynomial features: every monomial of the inputs up to a degree, in scikit-learn's column order
 * (1; x₁ … x_d; then each degree's combinations with replacement in lexicographic order), so that
 * "linear regression with polynomial features" is the notes' polynomial fit.
 *
 * @module
 */
import { checkInt, checkOptions, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toMatrix } from "../_common/validate.ts";

/** Options of {@link PolynomialFeatures}. */
export interface PolynomialFeaturesOptions {
  /** Highest total degree. Default 2. */
  degree?: number;
  /** Include the constant column 1. Default true. */
  includeBias?: boolean;
  /** Only products of distinct features (no powers). Default false. */
  interactionOnly?: boolean;
}

/**
 * Maps rows to their monomials.
 *
 * @example
 * ```ts
 * import { PolynomialFeatures } from "@nnc/models/classical";
 * const p = new PolynomialFeatures({ degree: 2 }).fit([[2, 3]]);
 * console.assert(p.transform([[2, 3]]).toArray().toString() === "1,2,3,4,6,9");
 * ```
 */
export class PolynomialFeatures {
  /** Highest total degree. */
  readonly degree: number;
  /** Whether the constant column is produced. */
  readonly includeBias: boolean;
  /** Whether powers are left out. */
  readonly interactionOnly: boolean;
  #powers: Int32Array[] | null = null;
  #d = 0;

  /** Checks the options. */
  constructor(options: PolynomialFeaturesOptions = {}) {
    const op = "PolynomialFeatures";
    checkOptions(options, op);
    this.degree = checkInt(options.degree ?? 2, op, "degree", 0);
    this.includeBias = options.includeBias ?? true;
    this.interactionOnly = options.interactionOnly ?? false;
  }

  /** Learns the number of input features; returns this transformer. */
  fit(x: MatrixLike): this {
    const m = toMatrix("PolynomialFeatures.fit", x);
    this.#d = m.shape[1];
    this.#powers = this.#combinations(this.#d);
    if (this.#powers.length === 0) {
      throw new RangeError(
        "PolynomialFeatures.fit: degree 0 without bias leaves no output column",
      );
    }
    return this;
  }

  #combinations(d: number): Int32Array[] {
    const out: Int32Array[] = [];
    if (this.includeBias) out.push(new Int32Array(d));
    const rec = (start: number, left: number, cur: number[]) => {
      if (left === 0) {
        const p = new Int32Array(d);
        for (const j of cur) p[j]++;
        out.push(p);
        return;
      }
      for (let j = start; j < d; j++) {
        cur.push(j);
        rec(this.interactionOnly ? j + 1 : j, left - 1, cur);
        cur.pop();
      }
    };
    for (let deg = 1; deg <= this.degree; deg++) rec(0, deg, []);
    return out;
  }

  /** Exponents `[outputs, d]` (int32): column c of the output is Π_j x_j^powers[c, j]. */
  get powers(): NDArray {
    const p = this.#need("PolynomialFeatures.powers");
    const out = new Int32Array(p.length * this.#d);
    p.forEach((r, c) => out.set(r, c * this.#d));
    return NDArray.fromTyped(out, [p.length, this.#d]);
  }

  #need(op: string): Int32Array[] {
    if (this.#powers === null) {
      throw new TypeError(`${op}: this PolynomialFeatures is not fitted yet; call fit(x) first`);
    }
    return this.#powers;
  }

  /** The monomials of each row (float64 `[n, outputs]`). */
  transform(x: MatrixLike): NDArray {
    const op = "PolynomialFeatures.transform";
    const powers = this.#need(op);
    const m = toMatrix(op, x);
    checkFeatures(op, m, this.#d);
    const [n, d] = m.shape;
    const k = powers.length;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const r = m.offset + i * d;
      for (let c = 0; c < k; c++) {
        let v = 1;
        const pw = powers[c];
        for (let j = 0; j < d; j++) {
          for (let e = 0; e < pw[j]; e++) v *= m.data[r + j];
        }
        out[i * k + c] = v;
      }
    }
    return NDArray.fromTyped(out, [n, k]);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: MatrixLike): NDArray {
    return this.fit(x).transform(x);
  }
}
