// Sparse and segment primitives. They form closed families under differentiation, so derivatives
// of any order stay inside them:
//   spmm  (A·x)         vjp: Aᵀ·g (spmm with the transposed pattern) and sddmm(g, x) for the values
//   sddmm (⟨l_i, r_j⟩)   vjp: spmm(A with values g, r) and spmm(Aᵀ with values g, l)
//   gatherRows (x[idx]) ↔ segmentSum (Σ by idx): each is the other's adjoint
//   segment max/min route through the rows that won; segment softmax is y ⊙ (v − Σ_seg v ⊙ y).
import * as nd from "@nnc/tensor";
import type { CsrMatrix, NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { addTangents } from "./_fit.ts";
import * as ew from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { transpose } from "./shape.ts";

/**
 * The sparse matrix, and which optional inputs follow `x`: `values` (replacing the matrix's own)
 * and `bias` (added to the product, broadcast).
 */
export interface SpmmParams {
  a: CsrMatrix;
  values: boolean;
  bias: boolean;
}

/** The inputs of an SPMM node by role. */
function spmmInputs<T>(inputs: readonly T[], p: SpmmParams): { x: T; values?: T; bias?: T } {
  return {
    x: inputs[0],
    values: p.values ? inputs[1] : undefined,
    bias: p.bias ? inputs[p.values ? 2 : 1] : undefined,
  };
}

/** `A · x (+ bias)` with `A` carrying the `values` input (a Tensor) or its own constant values. */
export const SPMM: Primitive<SpmmParams> = {
  name: "spmm",
  forward: (inputs, p) => {
    const { x, values, bias } = spmmInputs(inputs, p);
    return nd.spmm(values === undefined ? p.a : p.a.withValues(values), x, bias ?? null);
  },
  vjp: (g, inputs, _y, p) => {
    const { x, values, bias } = spmmInputs(inputs, p);
    let gx: Tensor | null = null;
    if (x.requiresGrad) {
      if (values === undefined) {
        gx = applyPrimitive(SPMM, [g], { a: p.a.transpose(), values: false, bias: false });
      } else {
        const pattern = p.a.withValues(null).transpose();
        const valuesT = gatherRows(values, p.a.transposeOrder());
        gx = applyPrimitive(SPMM, [g, valuesT], { a: pattern, values: true, bias: false });
      }
    }
    const grads: (Tensor | null)[] = [gx];
    if (values !== undefined) {
      grads.push(values.requiresGrad ? valuesGrad(g, x, values, p.a) : null);
    }
    // The engine sums a broadcast gradient back to the bias's shape.
    if (bias !== undefined) grads.push(bias.requiresGrad ? g : null);
    return grads;
  },
  jvp: (tangents, inputs, y, p) => {
    const t = spmmInputs(tangents, p);
    const { x, values } = spmmInputs(inputs, p);
    const viaX = t.x === null
      ? null
      : applyPrimitive(SPMM, values === undefined ? [t.x] : [t.x, values], { ...p, bias: false });
    const viaV = t.values === null || t.values === undefined
      ? null
      : applyPrimitive(SPMM, [x, t.values], { a: p.a, values: true, bias: false });
    const sum = addTangents(viaX, viaV, y);
    return t.bias === null || t.bias === undefined ? sum : addTangents(sum, t.bias, y);
  },
};

/** The sparse matrix of an SPMM_LINEAR node, and whether a bias input follows `x` and `weight`. */
export interface SpmmLinearParams {
  a: CsrMatrix;
  bias: boolean;
}

/**
 * `A · (x · Wᵀ) + bias` (a graph convolution's transform, then propagation) as one node: the
 * `[N, out]` product `x · Wᵀ` and, backward, `Aᵀ · g` are temporaries this primitive alone refers
 * to, so they go back to the storage pool at once instead of living until the garbage collector
 * runs (a separate matmul node's output lives as long as the graph). Derivatives are composed of
 * spmm and matmul nodes, so they differentiate again.
 */
export const SPMM_LINEAR: Primitive<SpmmLinearParams> = {
  name: "spmmLinear",
  forward: ([x, w, bias], p) => {
    const h = nd.matmul(x, w.transpose());
    const out = nd.spmm(p.a, h, p.bias ? bias : null);
    nd.releaseStorage(h.data);
    return out;
  },
  vjp: (g, [x, w, bias], _y, p) => {
    const gh = applyPrimitive(SPMM, [g], { a: p.a.transpose(), values: false, bias: false });
    const gw = w.requiresGrad ? matmul(transpose(gh), x) : null;
    const gx = x.requiresGrad ? matmul(gh, w) : null;
    // Without a recorded backward, nothing but this function refers to Aᵀ·g any more.
    if (!gh.requiresGrad && gh.tangent === null) nd.releaseStorage(gh.data.data);
    return p.bias ? [gx, gw, bias.requiresGrad ? g : null] : [gx, gw];
  },
  jvp: ([tx, tw, tb], [x, w], y, p) => {
    const viaX = tx === null ? null : matmul(tx, transpose(w));
    const viaW = tw === null ? null : matmul(x, transpose(tw));
    const th = viaX === null ? viaW : viaW === null ? viaX : viaX.add(viaW);
    const prop = th === null
      ? null
      : applyPrimitive(SPMM, [th], { a: p.a, values: false, bias: false });
    return !p.bias || tb === null || tb === undefined ? prop : addTangents(prop, tb, y);
  },
};

/** The gradient of spmm in its values: one dot product per stored entry (and head). */
function valuesGrad(g: Tensor, x: Tensor, values: Tensor, pattern: CsrMatrix): Tensor {
  if (values.ndim === 2) return applyPrimitive(SDDMM, [g, x], { pattern });
  // One head over all features: flatten them so that sddmm sums over every feature.
  const gf = g.reshape([g.shape[0], -1]), xf = x.reshape([x.shape[0], -1]);
  return applyPrimitive(SDDMM, [gf, xf], { pattern });
}

/** The pattern the product is sampled at. */
export interface SddmmParams {
  pattern: CsrMatrix;
}

/** `out[k] = ⟨left[i], right[j]⟩` for each stored entry `k` at `(i, j)` (per head when 3-d). */
export const SDDMM: Primitive<SddmmParams> = {
  name: "sddmm",
  forward: ([left, right], p) => nd.sddmm(p.pattern, left, right),
  vjp: (g, [left, right], _y, p) => {
    const gl = left.requiresGrad
      ? applyPrimitive(SPMM, [right, g], { a: p.pattern, values: true, bias: false })
      : null;
    const gr = right.requiresGrad
      ? applyPrimitive(SPMM, [left, gatherRows(g, p.pattern.transposeOrder())], {
        a: p.pattern.withValues(null).transpose(),
        values: true,
        bias: false,
      })
      : null;
    return [gl, gr];
  },
  jvp: ([tl, tr], [left, right], y, p) =>
    addTangents(
      tl === null ? null : applyPrimitive(SDDMM, [tl, right], p),
      tr === null ? null : applyPrimitive(SDDMM, [left, tr], p),
      y,
    ),
};

/** A constant int32 index and the extent of the segment axis (`x` rows, or output segments). */
export interface SegmentParams {
  index: NDArray;
  n: number;
}

/** `x[index]` along the first axis; `n` = `x.shape[0]`. */
export const GATHER_ROWS: Primitive<SegmentParams> = {
  name: "gatherRows",
  forward: ([x], p) => nd.indexSelect(x, 0, p.index),
  vjp: (g, _x, _y, p) => [applyPrimitive(SEGMENT_SUM, [g], p)],
  jvp: ([t], _x, _y, p) => t && applyPrimitive(GATHER_ROWS, [t], p),
};

/** Rows of `src` summed by segment; `n` = number of segments. */
export const SEGMENT_SUM: Primitive<SegmentParams> = {
  name: "segmentSum",
  forward: ([src], p) => nd.segmentReduce(src, p.index, p.n, "sum"),
  vjp: (g, _x, _y, p) => [applyPrimitive(GATHER_ROWS, [g], p)],
  jvp: ([t], _x, _y, p) => t && applyPrimitive(SEGMENT_SUM, [t], p),
};

/** Segment max or min; forward records which row won each output element. */
export interface SegmentArgParams extends SegmentParams {
  reduce: "max" | "min";
  winners?: NDArray;
  mask?: NDArray;
}

/** 1 where row `e` of `src` is the one its segment's extreme came from, per trailing element. */
function winnerMask(src: Tensor, p: SegmentArgParams): NDArray {
  if (p.mask === undefined) {
    const rows = src.shape[0], width = rows === 0 ? 0 : src.size / rows;
    const mask = nd.zeros(src.shape, { dtype: src.dtype });
    const w = p.winners!, idx = p.index;
    for (let e = 0; e < rows; e++) {
      const seg = idx.data[idx.offset + e];
      for (let j = 0; j < width; j++) {
        if (w.data[seg * width + j] === e) mask.data[e * width + j] = 1;
      }
    }
    p.mask = mask;
  }
  return p.mask;
}

export const SEGMENT_ARG: Primitive<SegmentArgParams> = {
  name: "segmentMaxMin",
  forward: ([src], p) => {
    const r = nd.segmentArgReduce(src, p.index, p.n, p.reduce);
    p.winners = r.indices;
    return r.values;
  },
  vjp: (g, [src], _y, p) => [
    ew.mul(
      applyPrimitive(GATHER_ROWS, [g], { index: p.index, n: p.n }),
      new Tensor(winnerMask(src, p)),
    ),
  ],
  jvp: ([t], [src], _y, p) =>
    t &&
    applyPrimitive(SEGMENT_SUM, [ew.mul(t, new Tensor(winnerMask(src, p)))], {
      index: p.index,
      n: p.n,
    }),
};

/** `y ⊙ (v − gather(Σ_seg v ⊙ y))`: the segment-softmax Jacobian applied to `v` (symmetric). */
function softmaxLin(v: Tensor, y: Tensor, p: SegmentParams): Tensor {
  const dot = applyPrimitive(SEGMENT_SUM, [ew.mul(v, y)], p);
  return ew.mul(y, ew.sub(v, applyPrimitive(GATHER_ROWS, [dot], p)));
}

export const SEGMENT_SOFTMAX: Primitive<SegmentParams> = {
  name: "segmentSoftmax",
  forward: ([src], p) => nd.segmentSoftmax(src, p.index, p.n),
  vjp: (g, _x, y, p) => [softmaxLin(g, y, p)],
  jvp: ([t], _x, y, p) => t && softmaxLin(t, y, p),
};

/** `x[index]` along the first axis, differentiable (its adjoint is a segment sum). */
export function gatherRows(x: Tensor, index: NDArray): Tensor {
  return applyPrimitive(GATHER_ROWS, [x], { index, n: x.shape[0] });
}
