/**
 * Fused scaled dot-product attention on NDArrays: {@link fusedAttention} computes
 * `softmax(scale·QKᵀ + mask)·V` one block of query rows at a time (memory O(Lk) per row, the weights
 * are never stored) and {@link fusedAttentionBackward} its gradients, recomputing the weights from
 * the saved log-sum-exp. `@nnc/autograd`'s `fusedAttention` differentiates through them.
 *
 * @module
 */
import { allocForOverwrite, type DType, isFloat } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { broadcastShapes, fmtShape, sameShape } from "./shape.ts";
import { astype, contiguous } from "./copy.ts";
import { checkBool, checkNumber, checkOptions, describe } from "./check.ts";

/**
 * Options of {@link fusedAttention} and {@link fusedAttentionBackward}.
 *
 * @example
 * ```ts
 * import { type FusedAttentionOptions } from "@nnc/tensor";
 * const o: FusedAttentionOptions = { causal: true, scale: 0.5 };
 * console.log(o.causal);
 * ```
 */
export interface FusedAttentionOptions {
  /**
   * Additive float mask broadcastable to `[...batch, Lq, Lk]` (−∞ hides a key), or null. Boolean
   * masks are turned into additive ones by the callers (`@nnc/layers`).
   */
  mask?: NDArray | null;
  /** Factor of the dot products. Default `1/√D` (D = the query/key width). */
  scale?: number;
  /** Each query sees only the keys up to its own position (queries are the last Lq of Lk). Default false. */
  causal?: boolean;
}

/**
 * What {@link fusedAttention} returns.
 *
 * @example
 * ```ts
 * import { type FusedAttentionResult, fusedAttention, ones } from "@nnc/tensor";
 * const r: FusedAttentionResult = fusedAttention(ones([2, 3]), ones([4, 3]), ones([4, 1]));
 * console.log(r.lse.shape); // [ 2 ]
 * ```
 */
export interface FusedAttentionResult {
  /** `[...batch, Lq, Dv]`. */
  output: NDArray;
  /** Log-sum-exp of each row's scores, `[...batch, Lq]` (−∞ for a row whose keys are all masked). */
  lse: NDArray;
}

/**
 * What {@link fusedAttentionBackward} returns: gradients shaped as the inputs.
 *
 * @example
 * ```ts
 * import { type FusedAttentionGrads } from "@nnc/tensor";
 * const names: (keyof FusedAttentionGrads)[] = ["dq", "dk", "dv"];
 * console.log(names.length);
 * ```
 */
export interface FusedAttentionGrads {
  /** Gradient of the queries. */
  dq: NDArray;
  /** Gradient of the keys. */
  dk: NDArray;
  /** Gradient of the values. */
  dv: NDArray;
}

/**
 * Options of {@link fusedAttentionBackward}.
 *
 * @example
 * ```ts
 * import type { FusedAttentionBackwardOptions } from "@nnc/tensor";
 * const o: FusedAttentionBackwardOptions = { causal: true };
 * console.log(o.causal);
 * ```
 */
export interface FusedAttentionBackwardOptions extends FusedAttentionOptions {
  /**
   * Arrays to write the gradients into instead of fresh ones: views shaped as q, k and v with a
   * unit last stride (for instance the three parts of one packed `[N, L, 3, H, D]` gradient).
   */
  into?: FusedAttentionGrads;
}

interface Prepared {
  q: NDArray;
  k: NDArray;
  v: NDArray;
  mask: NDArray | null;
  batch: number[];
  lq: number;
  lk: number;
  dv: number;
  dtype: DType;
  scale: number;
  causal: boolean;
}

function sizeOfBatch(batch: readonly number[]): number {
  return batch.reduce((a, b) => a * b, 1);
}

/**
 * `[...batch, L, D]` as the kernels' `[N, H, L, D]`: a view for ranks 2 to 4 (and for higher ranks
 * whose leading dimensions merge), with a unit last stride (copied when it is not).
 */
function as4d(x: NDArray): NDArray {
  let y = x;
  while (y.ndim < 4) y = y.unsqueeze(0);
  if (y.ndim > 4) y = y.reshape([sizeOfBatch(y.shape.slice(0, -3)), ...y.shape.slice(-3)]);
  return y.strides[3] === 1 || y.shape[3] <= 1 ? y : contiguous(y);
}

function prepare(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  options: FusedAttentionOptions | undefined,
  op: string,
): Prepared {
  const o = checkOptions(options, op);
  for (const [name, x] of [["q", q], ["k", k], ["v", v]] as const) {
    if (!(x instanceof NDArray)) {
      throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
    }
    if (x.ndim < 2) {
      throw new RangeError(`${op}: ${name} must be [...batch, L, D], got ${fmtShape(x.shape)}`);
    }
  }
  if (!isFloat(q.dtype) || k.dtype !== q.dtype || v.dtype !== q.dtype) {
    throw new TypeError(
      `${op}: q, k and v must share one float dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`,
    );
  }
  const nb = q.ndim - 2;
  const batch = q.shape.slice(0, nb);
  const d = q.shape[nb + 1], lq = q.shape[nb], lk = k.shape[nb];
  if (
    k.ndim !== q.ndim || v.ndim !== q.ndim || !sameShape(k.shape.slice(0, nb), batch) ||
    !sameShape(v.shape.slice(0, nb), batch) || k.shape[nb + 1] !== d || v.shape[nb] !== lk
  ) {
    throw new RangeError(
      `${op}: expected q [...B, Lq, D], k [...B, Lk, D], v [...B, Lk, Dv], got q ${
        fmtShape(q.shape)
      }, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)}`,
    );
  }
  const scale = o.scale === undefined ? 1 / Math.sqrt(d) : checkNumber(o.scale, op, "scale");
  const causal = o.causal === undefined ? false : checkBool(o.causal, op, "causal");
  const full = [...batch, lq, lk];
  let mask: NDArray | null = null;
  if (o.mask !== undefined && o.mask !== null) {
    if (!(o.mask instanceof NDArray)) {
      throw new TypeError(`${op}: mask must be an NDArray or null, got ${describe(o.mask)}`);
    }
    if (!isFloat(o.mask.dtype)) {
      throw new TypeError(
        `${op}: mask must be an additive float mask, got dtype ${o.mask.dtype} (turn a boolean mask into 0/−∞ first)`,
      );
    }
    let ok = true;
    try {
      ok = sameShape(broadcastShapes(o.mask.shape, full, op), full);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new RangeError(
        `${op}: mask ${fmtShape(o.mask.shape)} does not broadcast to the scores ${fmtShape(full)}`,
      );
    }
    const m = astype(o.mask, q.dtype).expand(full);
    mask = m.ndim > 4 ? as4d(contiguous(m)) : as4d(m);
  }
  return {
    q: as4d(q),
    k: as4d(k),
    v: as4d(v),
    mask,
    batch,
    lq,
    lk,
    dv: v.shape[nb + 1],
    dtype: q.dtype,
    scale,
    causal,
  };
}

/** An output array: the kernels write every element, so a recycled buffer is not zero-filled. */
function alloc(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(new Storage(allocForOverwrite(dtype, sizeOfBatch(shape))), shape);
}

/**
 * A fresh array shaped as `x` whose memory order follows `x`'s strides, the last axis innermost
 * (so the gradient of a head view of a larger layout comes out in that layout); contiguous for
 * ranks above 4, which the kernels see through a reshape.
 */
function allocLike(x: NDArray): NDArray {
  if (x.ndim > 4) return alloc(x.dtype, x.shape);
  const last = x.ndim - 1;
  const order = x.shape.map((_, i) => i).filter((i) => i !== last).sort((a, b) =>
    Math.abs(x.strides[b]) - Math.abs(x.strides[a]) || a - b
  );
  order.push(last);
  const dense = alloc(x.dtype, order.map((a) => x.shape[a]));
  const inverse = new Array<number>(order.length);
  order.forEach((a, i) => (inverse[a] = i));
  return dense.permute(inverse);
}

/**
 * `softmax(scale·q·kᵀ + mask)·v` over the last two axes, batched over the leading ones, without
 * storing the weights (one block of query rows at a time). Returns the output and each row's
 * log-sum-exp (what the backward needs). A row whose keys are all masked yields zeros.
 *
 * @example
 * ```ts
 * import { array, fusedAttention } from "@nnc/tensor";
 * // The notes' parameter-free self-attention (no scaling) on X = I₂: weights = softmax(XXᵀ).
 * const x = array([[1, 0], [0, 1]], { dtype: "float64" });
 * const { output } = fusedAttention(x, x, x, { scale: 1 });
 * console.assert(Math.abs(output.get(0, 0) - 0.7310586) < 1e-7);
 * ```
 */
export function fusedAttention(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  options?: FusedAttentionOptions,
): FusedAttentionResult {
  const p = prepare(q, k, v, options, "fusedAttention");
  const [n, h] = p.q.shape;
  // 4-d inputs [N, H, L, D] (multi-head): the output is laid out [N, Lq, H, Dv], so that putting
  // the heads side by side again is a free view.
  const heads = q.ndim === 4;
  const out = heads
    ? alloc(p.dtype, [n, p.lq, h, p.dv]).permute(0, 2, 1, 3)
    : alloc(p.dtype, [...p.batch, p.lq, p.dv]);
  const lse = alloc(p.dtype, [...p.batch, p.lq]);
  const out4 = heads ? out : as4d(out);
  if (out.size > 0 || lse.size > 0) {
    getBackend().attention(out4, as3d(lse), p.q, p.k, p.v, p.mask, {
      scale: p.scale,
      causal: p.causal,
    });
  }
  return { output: out, lse };
}

/** `[...batch, Lq]` as `[N, H, Lq]` (a view of a contiguous array). */
function as3d(x: NDArray): NDArray {
  let y = x;
  while (y.ndim < 3) y = y.unsqueeze(0);
  return y.ndim > 3 ? y.reshape([sizeOfBatch(y.shape.slice(0, -2)), ...y.shape.slice(-2)]) : y;
}

/**
 * Gradients of `Σ gradOutput ⊙ output` with respect to `q`, `k`, `v`, where `output` and `lse` come
 * from {@link fusedAttention} with the same inputs and options. The mask gets no gradient.
 *
 * @example
 * ```ts
 * import { fusedAttention, fusedAttentionBackward, ones, randn, Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const q = randn([3, 4], { rng }), k = randn([5, 4], { rng }), v = randn([5, 2], { rng });
 * const { output, lse } = fusedAttention(q, k, v);
 * const { dv } = fusedAttentionBackward(q, k, v, output, lse, ones([3, 2]));
 * // Each query's weights sum to one, so the value gradients of an all-ones upstream sum to Lq.
 * console.assert(Math.abs(dv.sum().item() - 3 * 2) < 1e-4);
 * ```
 */
export function fusedAttentionBackward(
  q: NDArray,
  k: NDArray,
  v: NDArray,
  output: NDArray,
  lse: NDArray,
  gradOutput: NDArray,
  options?: FusedAttentionBackwardOptions,
): FusedAttentionGrads {
  const op = "fusedAttentionBackward";
  const p = prepare(q, k, v, options, op);
  const outShape = [...p.batch, p.lq, p.dv];
  for (
    const [name, x, shape] of [
      ["output", output, outShape],
      ["gradOutput", gradOutput, outShape],
      ["lse", lse, [...p.batch, p.lq]],
    ] as const
  ) {
    if (!(x instanceof NDArray)) {
      throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
    }
    if (!sameShape(x.shape, shape)) {
      throw new RangeError(`${op}: ${name} must be ${fmtShape(shape)}, got ${fmtShape(x.shape)}`);
    }
  }
  const into = options?.into;
  let grads: FusedAttentionGrads;
  if (into !== undefined) {
    const list = [["dq", into.dq, q], ["dk", into.dk, k], ["dv", into.dv, v]] as const;
    for (const [name, g, x] of list) {
      if (!(g instanceof NDArray) || !sameShape(g.shape, x.shape) || g.dtype !== p.dtype) {
        throw new RangeError(
          `${op}: into.${name} must be a ${p.dtype} array of shape ${fmtShape(x.shape)}, got ${
            describe(g)
          }`,
        );
      }
      if (g.strides[g.ndim - 1] !== 1 && g.shape[g.ndim - 1] > 1) {
        throw new RangeError(`${op}: into.${name} must have a unit last stride`);
      }
    }
    grads = into;
  } else {
    grads = { dq: allocLike(q), dk: allocLike(k), dv: allocLike(v) };
  }
  const out4 = as4d(astype(output, p.dtype)), g4 = as4d(astype(gradOutput, p.dtype));
  const dq4 = as4d(grads.dq), dk4 = as4d(grads.dk), dv4 = as4d(grads.dv);
  for (
    const [name, g, g4] of [["dq", grads.dq, dq4], ["dk", grads.dk, dk4], [
      "dv",
      grads.dv,
      dv4,
    ]] as const
  ) {
    if (g4.storage !== g.storage) {
      throw new RangeError(
        `${op}: into.${name} ${
          fmtShape(g.shape)
        } cannot be written in place (not a view the kernel can take)`,
      );
    }
  }
  if (dq4.size + dk4.size + dv4.size > 0) {
    getBackend().attentionBackward(
      dq4,
      dk4,
      dv4,
      p.q,
      p.k,
      p.v,
      p.mask,
      out4,
      as3d(contiguous(astype(lse, p.dtype))),
      g4,
      { scale: p.scale, causal: p.causal },
    );
  }
  return grads;
}
