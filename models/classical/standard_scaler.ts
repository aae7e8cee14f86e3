/**
 * Standardisation: each feature minus its mean, divided by its standard deviation (population form,
 * ddof = 0, as scikit-learn; a constant feature is divided by 1).
 *
 * @module
 */
import { checkOptions, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toFloat64, toMatrix } from "../_common/validate.ts";
import { columnMeans } from "./_data.ts";

/** Options of {@link StandardScaler}. */
export interface StandardScalerOptions {
  /** Subtract the mean. Default true. */
  withMean?: boolean;
  /** Divide by the standard deviation. Default true. */
  withStd?: boolean;
}

/**
 * Scales features to zero mean and unit variance.
 *
 * @example
 * ```ts
 * import { StandardScaler } from "@nnc/models/classical";
 * const s = new StandardScaler().fit([[1], [3]]);
 * console.assert(s.transform([[1], [3]]).toArray().toString() === "-1,1");
 * ```
 */
export class StandardScaler {
  /** Whether the mean is subtracted. */
  readonly withMean: boolean;
  /** Whether features are divided by their standard deviation. */
  readonly withStd: boolean;
  #mean: Float64Array | null = null;
  #scale: Float64Array | null = null;

  /** Checks the options. */
  constructor(options: StandardScalerOptions = {}) {
    checkOptions(options, "StandardScaler");
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Learns the means and standard deviations of the columns of `x`; returns this scaler. */
  fit(x: MatrixLike): this {
    const m = toMatrix("StandardScaler.fit", x);
    const [n, d] = m.shape;
    const v = toFloat64(m);
    const mean = columnMeans(v, n, d);
    const scale = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) scale[j] += (v[i * d + j] - mean[j]) ** 2;
    }
    for (let j = 0; j < d; j++) {
      const s = Math.sqrt(scale[j] / n);
      // Features constant up to rounding are left unscaled, as scikit-learn does.
      scale[j] = s <= 10 * Number.EPSILON * Math.max(1, Math.abs(mean[j])) ? 1 : s;
    }
    this.#mean = mean;
    this.#scale = scale;
    return this;
  }

  #need(op: string): [Float64Array, Float64Array] {
    if (this.#mean === null || this.#scale === null) {
      throw new TypeError(`${op}: this StandardScaler is not fitted yet; call fit(x) first`);
    }
    return [this.#mean, this.#scale];
  }

  /** Column means `[d]`. */
  get mean(): NDArray {
    const [m] = this.#need("StandardScaler.mean");
    return NDArray.fromTyped(m.slice(), [m.length]);
  }
  /** Column scales `[d]` (standard deviations; 1 for constant columns). */
  get scale(): NDArray {
    const [, s] = this.#need("StandardScaler.scale");
    return NDArray.fromTyped(s.slice(), [s.length]);
  }

  #map(op: string, x: MatrixLike, inverse: boolean): NDArray {
    const [mean, scale] = this.#need(op);
    const m = toMatrix(op, x);
    checkFeatures(op, m, mean.length);
    const [n, d] = m.shape;
    const out = toFloat64(m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const mu = this.withMean ? mean[j] : 0, s = this.withStd ? scale[j] : 1;
        const k = i * d + j;
        out[k] = inverse ? out[k] * s + mu : (out[k] - mu) / s;
      }
    }
    return NDArray.fromTyped(
      m.dtype === "float32" ? Float32Array.from(out) : out,
      [n, d],
    );
  }

  /** (x − mean)/scale, in x's float dtype. */
  transform(x: MatrixLike): NDArray {
    return this.#map("StandardScaler.transform", x, false);
  }
  /** x·scale + mean, in x's float dtype. */
  inverseTransform(x: MatrixLike): NDArray {
    return this.#map("StandardScaler.inverseTransform", x, true);
  }
  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: MatrixLike): NDArray {
    return this.fit(x).transform(x);
  }
}
