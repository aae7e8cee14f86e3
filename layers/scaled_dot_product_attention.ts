/**
 * Scaled dot-product attention as a function ({@link scaledDotProductAttention}), the masks it takes
 * ({@link causalMask}, {@link additiveMask}), and the conventions every attention layer here shares:
 *
 * - a **boolean** mask is an int32 array of 0 and 1 where **1 hides** a key (PyTorch
 *   `nn.MultiheadAttention`'s convention: `True` = not allowed to attend);
 * - a **float** mask is added to the scores (0 keeps a key, −∞ hides it);
 * - the causal mask **includes the diagonal**: query i sees keys j ≤ i (the notes' causal layer);
 * - a query whose keys are all hidden (a padded row) gets zero weights and a zero output, where
 *   PyTorch's softmax gives NaN.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkNumber,
  checkOptions,
  checkProbability,
  type DType,
  type NDArray,
  type Rng,
  zeros,
} from "@nnc/tensor";
import { attentionWeights, dropout, fusedAttention, type Tensor } from "@nnc/autograd";
import { checkMaskShape, checkQKV, toAdditive } from "./_attention.ts";

/** A mask argument: an int32 boolean mask (1 hides) or a float additive mask, as an array or a Tensor. */
export type AttentionMask = NDArray | Tensor;

/**
 * PyTorch's `generate_square_subsequent_mask`, generalised to `lq` queries that are the last of `lk`
 * positions: a float `[lq, lk]` mask with 0 where query i may see key j (j ≤ i + lk − lq, the
 * diagonal included) and −∞ above.
 *
 * @example
 * ```ts
 * import { causalMask } from "@nnc/layers";
 * const m = causalMask(3);
 * console.assert(m.get(0, 0) === 0 && m.get(0, 1) === -Infinity && m.get(2, 1) === 0);
 * ```
 */
export function causalMask(lq: number, lk: number = lq, options: { dtype?: DType } = {}): NDArray {
  const op = "causalMask";
  checkInt(lq, op, "lq", 0, 2 ** 31 - 1);
  checkInt(lk, op, "lk", 0, 2 ** 31 - 1);
  if (lq * lk > 2 ** 31 - 1) {
    throw new RangeError(`${op}: a [${lq}, ${lk}] mask has more than 2^31-1 elements`);
  }
  const o = checkOptions(options, op);
  const dtype = o.dtype === undefined ? "float32" : checkFloatDType(o.dtype, op);
  const m = zeros([lq, lk], { dtype });
  // Rows with no key to mask would still be visited one by one: an empty mask is done already.
  if (lk === 0) return m;
  for (let i = 0; i < lq; i++) {
    for (let j = Math.max(0, i + lk - lq + 1); j < lk; j++) m.data[i * lk + j] = -Infinity;
  }
  return m;
}

/**
 * A mask as an additive float array of `dtype` (float32 or float64): an int32 boolean mask becomes
 * −∞ where it holds 1 and 0 where it holds 0 (anything else is an error); a float mask is
 * converted to `dtype`.
 *
 * @example
 * ```ts
 * import { additiveMask } from "@nnc/layers";
 * import { array } from "@nnc/tensor";
 * const m = additiveMask(array([[0, 1]], { dtype: "int32" }), "float32");
 * console.assert(m.get(0, 0) === 0 && m.get(0, 1) === -Infinity);
 * ```
 */
export function additiveMask(mask: AttentionMask, dtype: DType): NDArray {
  const op = "additiveMask";
  return toAdditive(mask, checkFloatDType(dtype, op), op, "mask");
}

/**
 * Options of {@link scaledDotProductAttention}.
 *
 * @example
 * ```ts
 * import type { ScaledDotProductAttentionOptions } from "@nnc/layers";
 * const o: ScaledDotProductAttentionOptions = { isCausal: true, needWeights: true };
 * console.log(o.isCausal);
 * ```
 */
export interface ScaledDotProductAttentionOptions {
  /** Boolean (int32, 1 hides) or additive float mask broadcastable to `[...B, Lq, Lk]`. */
  attnMask?: AttentionMask | null;
  /** Hide the keys after each query's position (the diagonal stays visible). Default false. */
  isCausal?: boolean;
  /** Dropout probability on the weights (in training only). Default 0. */
  dropoutP?: number;
  /** Training mode (dropout active). Default true. */
  training?: boolean;
  /** Generator of the dropout masks. */
  rng?: Rng;
  /** Factor of the dot products. Default `1/√D`; the notes' parameter-free form uses 1. */
  scale?: number;
  /** Also return the weights (computed explicitly, not by the fused kernel). Default false. */
  needWeights?: boolean;
}

/**
 * What the attention functions return.
 *
 * @example
 * ```ts
 * import type { AttentionOutput } from "@nnc/layers";
 * const f = (r: AttentionOutput) => r.weights?.shape;
 * console.log(typeof f);
 * ```
 */
export interface AttentionOutput {
  /** `[...B, Lq, Dv]`. */
  output: Tensor;
  /** The weights `[...B, Lq, Lk]` (after dropout, as PyTorch returns them), or null when not asked for. */
  weights: Tensor | null;
}

/**
 * `softmax(scale·Q Kᵀ + mask)·V` for `query` `[...B, Lq, D]`, `key` `[...B, Lk, D]`, `value`
 * `[...B, Lk, Dv]`. Without dropout and unless the weights are asked for, it runs the fused
 * kernel (no `[Lq, Lk]` array is stored); otherwise it composes matmul and softmax. Masks follow the
 * module's conventions (boolean 1 hides; causal includes the diagonal; fully hidden rows give zeros).
 *
 * @example
 * ```ts
 * import { scaledDotProductAttention } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const q = randn([2, 4, 8], { rng }), kv = randn([2, 6, 8], { rng });
 * const { output, weights } = scaledDotProductAttention(q, kv, kv, { needWeights: true });
 * console.assert(output.shape.join() === "2,4,8" && weights!.shape.join() === "2,4,6");
 * ```
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): AttentionOutput {
  const op = "scaledDotProductAttention";
  const o = checkOptions(options, op);
  const [q, k, v] = checkQKV(query, key, value, op);
  const n = q.ndim;
  const scores = [...q.shape.slice(0, n - 1), k.shape[n - 2]];
  let mask: NDArray | null = null;
  if (o.attnMask !== undefined && o.attnMask !== null) {
    mask = toAdditive(o.attnMask, q.dtype, op, "attnMask");
    checkMaskShape(mask, scores, op, "attnMask");
  }
  const causal = o.isCausal === undefined ? false : checkBool(o.isCausal, op, "isCausal");
  const p = o.dropoutP === undefined ? 0 : checkProbability(o.dropoutP, op, "dropoutP", true);
  const training = o.training === undefined ? true : checkBool(o.training, op, "training");
  const needWeights = o.needWeights === undefined
    ? false
    : checkBool(o.needWeights, op, "needWeights");
  const scale = o.scale === undefined
    ? 1 / Math.sqrt(q.shape[n - 1])
    : checkNumber(o.scale, op, "scale");
  const dropping = training && p > 0;
  if (!needWeights && !dropping) {
    return { output: fusedAttention(q, k, v, { mask, scale, causal }), weights: null };
  }
  let w = attentionWeights(q, k, { mask, scale, causal });
  if (dropping) w = dropout(w, { p, rng: o.rng });
  return { output: w.matmul(v), weights: needWeights ? w : null };
}
