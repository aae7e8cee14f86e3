// The fused attention primitives: `softmax(scale·QKᵀ + mask)·V` on separate q, k, v
// (FUSED_ATTENTION) or on one packed [N, L, 3, H, D] projection (PACKED_ATTENTION). Forward and
// plain backward run @nnc/tensor's block-by-block kernels; recorded backward passes and forward
// mode use the same derivatives written in Tensor ops.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { isGradEnabled } from "./no_grad.ts";
import { matmul } from "./matmul.ts";
import { softmax } from "./softmax.ts";
import { sum } from "./reduce.ts";
import { transpose } from "./shape.ts";
import { stack } from "./join.ts";
import * as ew from "./elementwise.ts";

/** Options and saved state of the attention primitives. */
export interface AttentionParams {
  mask: NDArray | null;
  scale: number;
  causal: boolean;
  /** Saved by the forward: each row's log-sum-exp. */
  lse?: NDArray;
}

/** The constant part of the scores: the mask plus −∞ where the causal rule hides a key. */
function scoreBias(p: AttentionParams, lq: number, lk: number, dtype: nd.DType): NDArray | null {
  let bias = p.mask === null ? null : nd.astype(p.mask, dtype);
  if (p.causal) {
    const c = nd.zeros([lq, lk], { dtype });
    for (let i = 0; i < lq; i++) {
      for (let j = Math.max(0, i + lk - lq + 1); j < lk; j++) c.data[i * lk + j] = -Infinity;
    }
    bias = bias === null ? c : nd.add(bias, c);
  }
  return bias;
}

/** The weights in Tensor ops (differentiable again), zero rows where every key is masked. */
export function weights(q: Tensor, k: Tensor, p: AttentionParams): Tensor {
  const lq = q.shape[q.ndim - 2], lk = k.shape[k.ndim - 2];
  let s = ew.mul(matmul(q, transpose(k, -1, -2)), p.scale);
  const bias = scoreBias(p, lq, lk, q.dtype);
  if (bias === null) return softmax(s, -1);
  s = ew.add(s, bias);
  const open = nd.gt(nd.max(bias, { axis: -1, keepDims: true }), -Infinity);
  if (nd.min(open).item() === 1) return softmax(s, -1);
  // Finite scores in closed rows keep the softmax finite; the row is then zeroed.
  return ew.mul(softmax(ew.where(open, s, 0), -1), open);
}

/** Softmax's linearisation at weights `w`: `w ⊙ (ds − Σ w ⊙ ds)`. */
function softmaxLin(ds: Tensor, w: Tensor): Tensor {
  return ew.mul(w, ew.sub(ds, sum(ew.mul(ds, w), { axis: -1, keepDims: true })));
}

function options(p: AttentionParams): nd.FusedAttentionOptions {
  return { mask: p.mask, scale: p.scale, causal: p.causal };
}

/** The gradients of q, k, v in Tensor ops (differentiable again). */
function composedGrads(q: Tensor, k: Tensor, v: Tensor, g: Tensor, p: AttentionParams): Tensor[] {
  const w = weights(q, k, p);
  const ds = ew.mul(softmaxLin(matmul(g, transpose(v, -1, -2)), w), p.scale);
  return [matmul(ds, k), matmul(transpose(ds, -1, -2), q), matmul(transpose(w, -1, -2), g)];
}

/** The output's tangent in Tensor ops. */
function composedTangent(
  [q, k, v]: readonly Tensor[],
  [tq, tk, tv]: readonly (Tensor | null)[],
  p: AttentionParams,
): Tensor | null {
  if (tq === null && tk === null && tv === null) return null;
  const w = weights(q, k, p);
  let t: Tensor | null = tv === null ? null : matmul(w, tv);
  if (tq !== null || tk !== null) {
    let ds: Tensor | null = tq === null ? null : matmul(tq, transpose(k, -1, -2));
    if (tk !== null) {
      const qk = matmul(q, transpose(tk, -1, -2));
      ds = ds === null ? qk : ew.add(ds, qk);
    }
    const dout = matmul(softmaxLin(ew.mul(ds!, p.scale), w), v);
    t = t === null ? dout : ew.add(t, dout);
  }
  return t;
}

/** True when a plain backward runs: nothing records it and no tangent rides on it. */
function plainBackward(tensors: readonly Tensor[], p: AttentionParams): boolean {
  return !isGradEnabled() && p.lse !== undefined && tensors.every((t) => t.tangent === null);
}

export const FUSED_ATTENTION: Primitive<AttentionParams> = {
  name: "fusedAttention",
  forward: ([q, k, v], p) => {
    const { output, lse } = nd.fusedAttention(q, k, v, options(p));
    p.lse = lse;
    return output;
  },
  vjp: (g, [q, k, v], out, p) => {
    if (plainBackward([g, q, k, v], p)) {
      // The fused kernel, which recomputes the weights block by block.
      const r = nd.fusedAttentionBackward(
        q.data,
        k.data,
        v.data,
        out.data,
        p.lse!,
        g.data,
        options(p),
      );
      return [new Tensor(r.dq), new Tensor(r.dk), new Tensor(r.dv)];
    }
    return composedGrads(q, k, v, g, p);
  },
  jvp: (tangents, inputs, _out, p) => composedTangent(inputs, tangents, p),
};

/** The [N, H, L, D] views of q, k and v in a packed [N, L, 3, H, D] array. */
function unpack(qkv: NDArray): NDArray[] {
  return [0, 1, 2].map((i) => qkv.slice(null, null, i).permute(0, 2, 1, 3));
}

/** The same views of a packed Tensor, as differentiable ops. */
function unpackTensor(qkv: Tensor): Tensor[] {
  return [0, 1, 2].map((i) => qkv.slice(null, null, i).permute(0, 2, 1, 3));
}

export const PACKED_ATTENTION: Primitive<AttentionParams> = {
  name: "packedAttention",
  forward: ([qkv], p) => {
    const [q, k, v] = unpack(qkv);
    const { output, lse } = nd.fusedAttention(q, k, v, options(p));
    p.lse = lse;
    return output.permute(0, 2, 1, 3); // [N, L, H, D], contiguous
  },
  vjp: (g, [qkv], out, p) => {
    if (plainBackward([g, qkv], p)) {
      // One gradient array laid out as qkv; the kernel writes its three parts in place.
      // (Every element is written: a recycled buffer needs no zero-filling.)
      const dqkv = nd.NDArray.fromTyped(nd.allocForOverwrite(qkv.dtype, qkv.size), qkv.shape);
      const [dq, dk, dv] = unpack(dqkv);
      const [q, k, v] = unpack(qkv.data);
      nd.fusedAttentionBackward(
        q,
        k,
        v,
        out.data.permute(0, 2, 1, 3),
        p.lse!,
        g.data.permute(0, 2, 1, 3),
        { ...options(p), into: { dq, dk, dv } },
      );
      return [new Tensor(dqkv)];
    }
    const [q, k, v] = unpackTensor(qkv);
    const grads = composedGrads(q, k, v, g.permute(0, 2, 1, 3), p);
    return [stack(grads.map((d) => d.permute(0, 2, 1, 3)), 2)];
  },
  jvp: ([t], [qkv], _out, p) => {
    if (t === null) return null;
    const y = composedTangent(unpackTensor(qkv), unpackTensor(t), p);
    return y === null ? null : y.permute(0, 2, 1, 3);
  },
};
