/**
 * Differentiable fused attention, `softmax(scale·QKᵀ + mask)·V`, as one primitive: the forward
 * runs `@nnc/tensor`'s block-by-block kernel (the weights are never stored) and the reverse mode
 * its fused backward kernel. The derivatives are also written in Tensor ops, which the engine uses
 * when the backward itself is recorded (`createGraph`, higher orders) and for forward mode.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { NDArray } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import {
  type AttentionParams,
  FUSED_ATTENTION,
  PACKED_ATTENTION,
  weights,
} from "./_prim_attention.ts";

/**
 * Options of {@link fusedAttention}.
 *
 * @example
 * ```ts
 * import type { FusedAttentionTensorOptions } from "@nnc/autograd";
 * const o: FusedAttentionTensorOptions = { causal: true };
 * console.log(o.causal);
 * ```
 */
export interface FusedAttentionTensorOptions {
  /**
   * Additive float mask broadcastable to `[...batch, Lq, Lk]` (−∞ hides a key); a constant: it
   * gets no gradient.
   */
  mask?: NDArray | Tensor | null;
  /** Factor of the dot products. Default `1/√D`. */
  scale?: number;
  /** Each query sees only the keys up to its own position (queries are the last Lq of Lk). Default false. */
  causal?: boolean;
}

/**
 * The attention weights `softmax(scale·q·kᵀ + mask)` (`[...B, Lq, Lk]`) composed from differentiable
 * ops, with the masking rules of {@link fusedAttention}: −∞ entries of the additive mask and, with
 * `causal`, keys after each query's position get weight 0; a row whose keys are all masked is all
 * zeros (where a plain softmax would give NaN). For when the weights themselves are wanted.
 *
 * @example
 * ```ts
 * import { attentionWeights, tensor } from "@nnc/autograd";
 * // The notes' parameter-free self-attention on X = [[1, 0], [0, 1]], causal, unscaled.
 * const x = tensor([[1, 0], [0, 1]], { dtype: "float64" });
 * const w = attentionWeights(x, x, { scale: 1, causal: true });
 * console.assert(w.get(0, 1) === 0 && Math.abs(w.get(1, 0) - 0.2689414) < 1e-7);
 * ```
 */
export function attentionWeights(
  q: Tensor,
  k: Tensor,
  options: FusedAttentionTensorOptions = {},
): Tensor {
  const op = "attentionWeights";
  checkTensor(q, op, "q");
  checkTensor(k, op, "k");
  const params = attentionParams(q, options, op);
  checkScoreShapes(q, k, params.mask, op);
  return weights(q, k, params);
}

/**
 * Multi-head self-attention from one packed projection `qkv` `[N, L, 3, H, D]` (queries, keys and
 * values of every head, as a `[N, L, 3E]` linear output reshaped): `[N, L, H, D]`, each head
 * `softmax(scale·q·kᵀ + mask)·v`. The fused kernels read the heads in place and write the gradient
 * straight in `qkv`'s layout, so neither pass copies or permutes; reshaping the result to `[N, L, E]`
 * is free. `mask` broadcasts to `[N, H, L, L]`.
 *
 * @example
 * ```ts
 * import { packedAttention, randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const qkv = randn([2, 5, 3, 4, 8], { rng: new Rng(0), requiresGrad: true });
 * const y = packedAttention(qkv, { causal: true });
 * y.sum().backward();
 * console.assert(y.shape.join() === "2,5,4,8" && qkv.grad!.shape.join() === "2,5,3,4,8");
 * ```
 */
export function packedAttention(qkv: Tensor, options: FusedAttentionTensorOptions = {}): Tensor {
  const op = "packedAttention";
  checkTensor(qkv, op, "qkv");
  if (qkv.ndim !== 5 || qkv.shape[2] !== 3) {
    throw new RangeError(`${op}: qkv must be [N, L, 3, H, D], got ${nd.fmtShape(qkv.shape)}`);
  }
  const [n, l, , h] = qkv.shape;
  const params = attentionParams(qkv, options, op);
  if (params.mask !== null) checkMaskBroadcast(params.mask, [n, h, l, l], op);
  return applyPrimitive(PACKED_ATTENTION, [qkv], params);
}

/**
 * `softmax(scale·q·kᵀ + mask)·v` over the last two axes, batched over the leading ones
 * (`q` `[...B, Lq, D]`, `k` `[...B, Lk, D]`, `v` `[...B, Lk, Dv]` → `[...B, Lq, Dv]`), as one
 * differentiable op backed by the fused kernels: neither pass stores the `[Lq, Lk]` weights.
 * Reverse and forward mode, and higher orders. A row whose keys are all masked gives zeros.
 *
 * @example
 * ```ts
 * import { fusedAttention, randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const q = randn([2, 5, 8], { rng, requiresGrad: true });
 * const kv = randn([2, 5, 8], { rng });
 * const y = fusedAttention(q, kv, kv, { causal: true });
 * y.sum().backward();
 * console.assert(y.shape.join() === "2,5,8" && q.grad !== null);
 * ```
 */
export function fusedAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: FusedAttentionTensorOptions = {},
): Tensor {
  const op = "fusedAttention";
  checkTensor(q, op, "q");
  checkTensor(k, op, "k");
  checkTensor(v, op, "v");
  return applyPrimitive(FUSED_ATTENTION, [q, k, v], attentionParams(q, options, op));
}

/** Throws unless q `[...B, Lq, D]` and k `[...B, Lk, D]` agree and the mask broadcasts to the scores. */
function checkScoreShapes(q: Tensor, k: Tensor, mask: NDArray | null, op: string): void {
  const n = q.ndim;
  if (
    n < 2 || k.ndim !== n || !nd.sameShape(q.shape.slice(0, n - 2), k.shape.slice(0, n - 2)) ||
    q.shape[n - 1] !== k.shape[n - 1]
  ) {
    throw new RangeError(
      `${op}: expected q [...B, Lq, D] and k [...B, Lk, D], got q ${nd.fmtShape(q.shape)}, k ${
        nd.fmtShape(k.shape)
      }`,
    );
  }
  if (mask !== null) checkMaskBroadcast(mask, [...q.shape.slice(0, n - 1), k.shape[n - 2]], op);
}

/** Throws unless `mask` broadcasts to `scores`. */
function checkMaskBroadcast(mask: NDArray, scores: readonly number[], op: string): void {
  let ok: boolean;
  try {
    ok = nd.sameShape(nd.broadcastShapes(mask.shape, scores, op), scores);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new RangeError(
      `${op}: mask ${nd.fmtShape(mask.shape)} does not broadcast to the scores ${
        nd.fmtShape(scores)
      }`,
    );
  }
}

function attentionParams(
  q: Tensor,
  options: FusedAttentionTensorOptions,
  op: string,
): AttentionParams {
  const o = nd.checkOptions(options, op);
  const m = o.mask instanceof Tensor ? o.mask.data : o.mask ?? null;
  if (m !== null && !(m instanceof NDArray)) {
    throw new TypeError(`${op}: mask must be an NDArray, a Tensor or null, got ${nd.describe(m)}`);
  }
  const d = q.shape[q.ndim - 1];
  return {
    mask: m,
    scale: o.scale === undefined ? 1 / Math.sqrt(d) : nd.checkNumber(o.scale, op, "scale"),
    causal: o.causal === undefined ? false : nd.checkBool(o.causal, op, "causal"),
  };
}
