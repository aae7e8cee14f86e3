/**
 * {@link LinearAutoencoder}: the notes' link between autoencoders and PCA — encoder `z = W(x − b)`
 * and decoder `x' = Wᵀz + b` with tied weights (`D = Eᵀ`). Trained on `½‖x − x'‖²` its rows span
 * the top principal subspace (Eckart–Young), which {@link subspaceAngles} measures.
 *
 * @module
 */
import {
  array,
  asNDArray,
  checkBool,
  checkFloatDType,
  checkInt,
  checkOptions,
  describe,
  type DType,
  fmtShape,
  linalg,
  type NDArray,
  type NDArrayLike,
  Rng,
  zeros,
} from "@nnc/tensor";
import { matmul, type Tensor } from "@nnc/autograd";
import { init, Module, Parameter } from "@nnc/layers";
import { checkTensorArg } from "./_named.ts";

/**
 * Options of {@link LinearAutoencoder}.
 *
 * @example
 * ```ts
 * import type { LinearAutoencoderOptions } from "@nnc/models/generative";
 * const o: LinearAutoencoderOptions = { bias: true };
 * ```
 */
export interface LinearAutoencoderOptions {
  /** Learn an offset b (the data mean at the optimum), so the data need not be centred. Default false. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
  /** Generator of the initial weights. */
  rng?: Rng;
}

/**
 * A linear autoencoder with tied weights: `weight` `[k, d]`, optional `bias` `[d]`;
 * `encode(x) = (x − b)Wᵀ`, `decode(z) = zW + b`. Weights start as a `Linear`'s do
 * (U(−1/√d, 1/√d)).
 *
 * @example
 * ```ts
 * import { LinearAutoencoder } from "@nnc/models/generative";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * const ae = new LinearAutoencoder(3, 1);
 * ae.weight.data = array([[1, 0, 0]]);
 * console.assert(ae.forward(tensor([[2, 5, 7]])).toArray().toString() === "2,0,0");
 * ```
 */
export class LinearAutoencoder extends Module<[Tensor], Tensor> {
  /** Input dimension d. */
  readonly inFeatures: number;
  /** Code dimension k. */
  readonly codeFeatures: number;
  /** W `[k, d]`: the encoder; its transpose is the decoder. */
  weight: Parameter;
  /** The offset b `[d]`, or null. */
  bias: Parameter | null;

  /** A tied linear autoencoder from `inFeatures` to `codeFeatures` and back. */
  constructor(inFeatures: number, codeFeatures: number, options: LinearAutoencoderOptions = {}) {
    super();
    const op = "LinearAutoencoder";
    const o = checkOptions(options, op);
    this.inFeatures = checkInt(inFeatures, op, "inFeatures", 1);
    this.codeFeatures = checkInt(codeFeatures, op, "codeFeatures", 1);
    const dtype = checkFloatDType(o.dtype ?? "float32", op);
    if (this.inFeatures * this.codeFeatures > 2 ** 31 - 1) {
      throw new RangeError(
        `${op}: inFeatures × codeFeatures = ${this.inFeatures} × ${this.codeFeatures} exceeds 2^31-1 weights`,
      );
    }
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
    }
    this.weight = new Parameter(zeros([codeFeatures, inFeatures], { dtype }));
    const bound = 1 / Math.sqrt(inFeatures);
    init.uniform(this.weight, -bound, bound, { rng: o.rng });
    this.bias = checkBool(o.bias ?? false, op, "bias")
      ? new Parameter(zeros([inFeatures], { dtype }))
      : null;
  }

  /** Codes `(x − b)Wᵀ` `[N, k]`. */
  encode(x: Tensor): Tensor {
    checkTensorArg(x, "LinearAutoencoder.encode", "x");
    if (x.ndim !== 2 || x.shape[1] !== this.inFeatures) {
      throw new RangeError(
        `LinearAutoencoder: input must be [N, ${this.inFeatures}], got ${fmtShape(x.shape)}`,
      );
    }
    return matmul(this.bias === null ? x : x.sub(this.bias), this.weight.T);
  }

  /** Reconstructions `zW + b` `[N, d]`. */
  decode(z: Tensor): Tensor {
    checkTensorArg(z, "LinearAutoencoder.decode", "z");
    if (z.ndim !== 2 || z.shape[1] !== this.codeFeatures) {
      throw new RangeError(
        `LinearAutoencoder: codes must be [N, ${this.codeFeatures}], got ${fmtShape(z.shape)}`,
      );
    }
    const y = matmul(z, this.weight);
    return this.bias === null ? y : y.add(this.bias);
  }

  /** `decode(encode(x))`. */
  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /** An orthonormal basis `[d, k]` of the subspace the codes span (QR of Wᵀ). */
  components(): NDArray {
    return linalg.qr(this.weight.data.T.astype("float64")).q;
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, codeFeatures=${this.codeFeatures}, bias=${
      this.bias !== null
    }`;
  }
}

/**
 * The principal angles (radians, largest first) between the column spaces of `a` `[d, p]` and
 * `b` `[d, q]`: `acos` of the singular values of `Q_aᵀQ_b` (SciPy's `subspace_angles`). The
 * largest is 0 exactly when one subspace contains the other.
 *
 * @example
 * ```ts
 * import { subspaceAngles } from "@nnc/models/generative";
 * import { array } from "@nnc/tensor";
 * const a = subspaceAngles(array([[1], [0]]), array([[1], [1]])).item();
 * console.assert(Math.abs(a - Math.PI / 4) < 1e-12);
 * ```
 */
export function subspaceAngles(a: NDArrayLike, b: NDArrayLike): NDArray {
  const op = "subspaceAngles";
  const x = asNDArray(a, op, "a").astype("float64"), y = asNDArray(b, op, "b").astype("float64");
  if (x.ndim !== 2 || y.ndim !== 2 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(
      `${op}: a and b must be matrices [d, p] and [d, q] with the same d, got ${
        fmtShape(x.shape)
      } and ${fmtShape(y.shape)}`,
    );
  }
  if (x.shape[1] === 0 || y.shape[1] === 0) {
    throw new RangeError(`${op}: ${describe(a)} spans nothing`);
  }
  const qa = linalg.qr(x).q, qb = linalg.qr(y).q;
  // Cosines are the singular values (largest first); the smallest cosine is the largest angle.
  const s = linalg.svdvals(qa.T.matmul(qb)).clamp(-1, 1);
  const angles = (s.toArray() as number[]).map((c) => Math.acos(c)).reverse();
  return array(angles, { dtype: "float64" });
}
