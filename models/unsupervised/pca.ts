/**
 * Principal component analysis on `linalg.svd` (of the centred data) or `linalg.eigh` (of its
 * covariance). Samples are rows (the notes store them as columns: X here is their Xᵀ), and variances use
 * n − 1 like scikit-learn; the notes' scatter matrix C = XXᵀ has eigenvalues (n − 1)·explainedVariance.
 *
 * @module
 */
import { checkInt, checkOneOf, checkOptions, fmtShape, linalg, NDArray } from "@nnc/tensor";
import { checkFeatures, type MatrixLike, toFloat64, toMatrix } from "../_common/validate.ts";

/** How PCA factors: `"svd"` of the centred data, `"eigh"` of the d×d covariance, or `"auto"` (eigh when n ≥ d). */
export type PCAMethod = "auto" | "svd" | "eigh";

/** Options of {@link PCA}. */
export interface PCAOptions {
  /** Components to keep. Default min(n, d). */
  nComponents?: number;
  /** Factorisation. Default `"auto"`. */
  method?: PCAMethod;
}

interface Fitted {
  mean: Float64Array;
  components: Float64Array;
  variance: Float64Array;
  totalVariance: number;
  k: number;
  d: number;
  n: number;
}

/**
 * PCA: `transform` projects centred rows on the components, `inverseTransform` maps back.
 * Each component's sign makes its first largest-magnitude entry positive, whatever the method.
 *
 * @example
 * ```ts
 * import { PCA } from "@nnc/models/unsupervised";
 * // The notes' example: centred points (2,2), (−2,−2), (1,−1), (−1,1).
 * const pca = new PCA({ nComponents: 1 }).fit([[2, 2], [-2, -2], [1, -1], [-1, 1]]);
 * console.assert(Math.abs(pca.explainedVariance.get(0) * 3 - 16) < 1e-12); // eigenvalue of XXᵀ
 * const z = pca.transform([[2, 2]]).get(0, 0);
 * console.assert(Math.abs(z - 2 * Math.SQRT2) < 1e-12);
 * ```
 */
export class PCA {
  /** Factorisation used. */
  readonly method: PCAMethod;
  #requested: number | undefined;
  #fit: Fitted | null = null;

  /** Checks the options. */
  constructor(options: PCAOptions = {}) {
    const op = "PCA";
    checkOptions(options, op);
    if (options.nComponents !== undefined) checkInt(options.nComponents, op, "nComponents", 1);
    this.#requested = options.nComponents;
    this.method = checkOneOf(options.method ?? "auto", op, "method", ["auto", "svd", "eigh"]);
  }

  /** Fits the components to the rows of `x` (`[n, d]`, n ≥ 2); returns this model. */
  fit(x: MatrixLike): this {
    const op = "PCA.fit";
    const m = toMatrix(op, x);
    const [n, d] = m.shape;
    if (n < 2) {
      throw new RangeError(
        `${op}: x has ${n} sample(s) (shape ${fmtShape(m.shape)}); PCA needs at least 2`,
      );
    }
    const k = this.#requested ?? Math.min(n, d);
    if (k > Math.min(n, d)) {
      throw new RangeError(
        `${op}: nComponents = ${k} exceeds min(samples, features) = ${
          Math.min(n, d)
        } for x of shape ${fmtShape(m.shape)}`,
      );
    }
    const xc = toFloat64(m);
    const mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += xc[i * d + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = (xc[i * d + j] -= mean[j]);
        total += v * v;
      }
    }
    const method = this.method === "auto" ? (n >= d ? "eigh" : "svd") : this.method;
    const [components, variance] = method === "svd" ? bySvd(xc, n, d, k) : byEigh(xc, n, d, k);
    fixSigns(components, k, d);
    this.#fit = { mean, components, variance, totalVariance: total / (n - 1), k, d, n };
    return this;
  }

  #fitted(op: string): Fitted {
    if (this.#fit === null) {
      throw new TypeError(`${op}: this PCA is not fitted yet; call fit(x) first`);
    }
    return this.#fit;
  }

  /** Principal directions `[k, d]`, one per row, by decreasing variance. */
  get components(): NDArray {
    const f = this.#fitted("PCA.components");
    return NDArray.fromTyped(f.components.slice(), [f.k, f.d]);
  }
  /** Mean of the training rows `[d]`. */
  get mean(): NDArray {
    const f = this.#fitted("PCA.mean");
    return NDArray.fromTyped(f.mean.slice(), [f.d]);
  }
  /** Variance along each component `[k]` (eigenvalues of the covariance with n − 1). */
  get explainedVariance(): NDArray {
    const f = this.#fitted("PCA.explainedVariance");
    return NDArray.fromTyped(f.variance.slice(), [f.k]);
  }
  /** Fraction of the total variance along each component `[k]`. */
  get explainedVarianceRatio(): NDArray {
    const f = this.#fitted("PCA.explainedVarianceRatio");
    return NDArray.fromTyped(
      f.variance.map((v) => (f.totalVariance > 0 ? v / f.totalVariance : 0)),
      [f.k],
    );
  }
  /** Singular values of the centred data `[k]`: √((n − 1)·variance). */
  get singularValues(): NDArray {
    const f = this.#fitted("PCA.singularValues");
    return NDArray.fromTyped(f.variance.map((v) => Math.sqrt(v * (f.n - 1))), [f.k]);
  }

  /** Coordinates `[n, k]` (float64) of the rows of `x` along the components. */
  transform(x: MatrixLike): NDArray {
    const op = "PCA.transform";
    const f = this.#fitted(op);
    const m = toMatrix(op, x);
    checkFeatures(op, m, f.d);
    const xc = toFloat64(m);
    const n = m.shape[0];
    for (let i = 0; i < n; i++) for (let j = 0; j < f.d; j++) xc[i * f.d + j] -= f.mean[j];
    return NDArray.fromTyped(xc, [n, f.d]).matmul(NDArray.fromTyped(f.components, [f.k, f.d]).T);
  }

  /** Fits, then returns the coordinates of the training rows. */
  fitTransform(x: MatrixLike): NDArray {
    return this.fit(x).transform(x);
  }

  /** Rows `[n, d]` (float64) rebuilt from coordinates `z` `[n, k]`: z·W + mean. */
  inverseTransform(z: MatrixLike): NDArray {
    const op = "PCA.inverseTransform";
    const f = this.#fitted(op);
    const m = toMatrix(op, z, "z");
    if (m.shape[1] !== f.k) {
      throw new RangeError(
        `${op}: z has ${m.shape[1]} columns (shape ${
          fmtShape(m.shape)
        }), expected ${f.k} components`,
      );
    }
    const out = m.astype("float64").matmul(NDArray.fromTyped(f.components, [f.k, f.d]));
    const data = out.data;
    for (let i = 0; i < m.shape[0]; i++) {
      for (let j = 0; j < f.d; j++) data[i * f.d + j] += f.mean[j];
    }
    return out;
  }
}

function bySvd(xc: Float64Array, n: number, d: number, k: number): [Float64Array, Float64Array] {
  const { s, vt } = linalg.svd(NDArray.fromTyped(xc, [n, d]));
  const vtd = vt.contiguous().data;
  const components = Float64Array.from(vtd.subarray(0, k * d));
  const variance = new Float64Array(k);
  for (let j = 0; j < k; j++) variance[j] = (s.data[j] * s.data[j]) / (n - 1);
  return [components, variance];
}

function byEigh(xc: Float64Array, n: number, d: number, k: number): [Float64Array, Float64Array] {
  const a = NDArray.fromTyped(xc, [n, d]);
  const cov = a.T.matmul(a).contiguous();
  const { values, vectors } = linalg.eigh(cov);
  const v = vectors.contiguous().data;
  const components = new Float64Array(k * d);
  const variance = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = d - 1 - j;
    variance[j] = Math.max(0, values.data[col]) / (n - 1);
    for (let t = 0; t < d; t++) components[j * d + t] = v[t * d + col];
  }
  return [components, variance];
}

/** Makes the first entry within 1e-5 (relative) of each row's largest magnitude positive. */
function fixSigns(w: Float64Array, k: number, d: number): void {
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let t = 0; t < d; t++) big = Math.max(big, Math.abs(w[j * d + t]));
    for (let t = 0; t < d; t++) {
      const v = w[j * d + t];
      if (Math.abs(v) >= big * (1 - 1e-5)) {
        if (v < 0) { for (let u = 0; u < d; u++) w[j * d + u] = -w[j * d + u]; }
        break;
      }
    }
  }
}
