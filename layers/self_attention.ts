/**
 * The notes' parameter-free ("simple") self-attention: {@link selfAttention} and the layer
 * {@link SelfAttention}. Tokens are the rows of `X` (`[..., n, d]`); the raw weights are the dot
 * products `w'_ij = x_iᵀx_j` (no `1/√d` scaling, as in the notes), `W = rowSoftmax(W')` and
 * `Y = W X`. Without positions it treats the sequence as a set: permuting the tokens permutes the
 * outputs. With `causal`, token i mixes only tokens j ≤ i (the diagonal included).
 *
 * @module
 */
import { checkBool, checkOptions, fmtShape } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";
import { checkMaskShape, checkQKV, toAdditive } from "./_attention.ts";
import {
  type AttentionMask,
  type AttentionOutput,
  scaledDotProductAttention,
} from "./scaled_dot_product_attention.ts";

/**
 * Options of {@link selfAttention} and {@link SelfAttention}.
 *
 * @example
 * ```ts
 * import type { SelfAttentionOptions } from "@nnc/layers";
 * const o: SelfAttentionOptions = { causal: true };
 * console.log(o.causal);
 * ```
 */
export interface SelfAttentionOptions {
  /** Token i sees tokens j ≤ i only. Default false. */
  causal?: boolean;
  /** Further boolean (int32, 1 hides) or additive mask broadcastable to `[..., n, n]` ("other priors"). */
  mask?: AttentionMask | null;
}

/**
 * Parameter-free self-attention of the notes: `Y = softmax(X Xᵀ) X` row by row, for `x`
 * `[..., n, d]`; returns the outputs and the weights `W` `[..., n, n]`.
 *
 * @example
 * ```ts
 * import { selfAttention } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([[1, 0], [0, 1]], { dtype: "float64" });
 * const { output, weights } = selfAttention(x);
 * console.assert(Math.abs(weights!.get(0, 0) - 0.7310586) < 1e-7); // e / (e + 1)
 * console.assert(Math.abs(output.get(1, 1) - 0.7310586) < 1e-7);
 * ```
 */
export function selfAttention(x: Tensor, options: SelfAttentionOptions = {}): AttentionOutput {
  const op = "selfAttention";
  const t = asInput(x, op);
  const o = checkOptions(options, op);
  if (t.ndim < 2) {
    throw new RangeError(`${op}: input must be [..., tokens, features], got ${fmtShape(t.shape)}`);
  }
  checkQKV(t, t, t, op); // float dtype
  let mask = null;
  if (o.mask !== undefined && o.mask !== null) {
    mask = toAdditive(o.mask, t.dtype, op, "mask");
    checkMaskShape(mask, [...t.shape.slice(0, -1), t.shape[t.ndim - 2]], op, "mask");
  }

  const causal = o.causal === undefined ? false : checkBool(o.causal, op, "causal");
  return scaledDotProductAttention(t, t, t, {
    scale: 1,
    // No tokens, nothing to mask (the causal path would take a max over no scores).
    isCausal: causal && t.shape[t.ndim - 2] > 0,
    attnMask: mask,
    needWeights: true,
  });
}

/**
 * The parameter-free self-attention as a layer (no parameters, so nothing to train): maps
 * `[..., n, d]` to `[..., n, d]`. The notes' sentiment pipeline is embedding → this layer → mean or
 * max over the tokens → output.
 *
 * @example
 * ```ts
 * import { SelfAttention } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * const sa = new SelfAttention({ causal: true });
 * console.assert(sa.forward(randn([2, 5, 3])).shape.join() === "2,5,3" && sa.numParameters() === 0);
 * ```
 */
export class SelfAttention extends Module<[Tensor], Tensor> {
  /** Whether token i sees only tokens j ≤ i. */
  readonly causal: boolean;

  /** A layer (`causal` false by default). */
  constructor(options: { causal?: boolean } = {}) {
    super();
    const o = checkOptions(options, "SelfAttention");
    this.causal = o.causal === undefined ? false : checkBool(o.causal, "SelfAttention", "causal");
  }

  /** `softmax(X Xᵀ) X`. */
  forward(x: Tensor): Tensor {
    return selfAttention(x, { causal: this.causal }).output;
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `causal=${this.causal}`;
  }
}
