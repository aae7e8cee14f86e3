// Index-driven primitives. gather and scatterAdd are each other's adjoints, so derivatives of any
// order stay within the pair; indexSelect's adjoint is a scatterAdd with a broadcast index.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { addTangents } from "./_fit.ts";
import { sameShape } from "./_shape_util.ts";
import { pad } from "./pad.ts";

/** Parameters of gather/scatterAdd: the axis and a constant int32 index. */
export interface IndexParams {
  axis: number;
  index: NDArray;
}

export const GATHER: Primitive<IndexParams> = {
  name: "gather",
  forward: ([x], p) => nd.gather(x, p.axis, p.index),
  vjp: (g, [x], _y, p) => [scatterInto(x.shape, g, p)],
  jvp: ([t], _x, _y, p) => t && applyPrimitive(GATHER, [t], p),
};

/** `g` scatter-added into zeros of `shape` (differentiable in `g`). */
function scatterInto(shape: readonly number[], g: Tensor, p: IndexParams): Tensor {
  const zeros = new Tensor(nd.zeros(shape, { dtype: g.dtype }));
  return applyPrimitive(SCATTER_ADD, [zeros, g], p);
}

/** The gradient of `src` in scatterAdd: gathered at the index, zero where `src` is larger. */
function gatherForSrc(g: Tensor, src: Tensor, p: IndexParams): Tensor {
  const picked = applyPrimitive(GATHER, [g], p);
  if (sameShape(picked.shape, src.shape)) return picked;
  const widths: number[] = [];
  for (let d = src.ndim - 1; d >= 0; d--) widths.push(0, src.shape[d] - picked.shape[d]);
  return pad(picked, widths);
}

export const SCATTER_ADD: Primitive<IndexParams> = {
  name: "scatterAdd",
  forward: ([x, src], p) => nd.scatterAdd(x, p.axis, p.index, src),
  vjp: (g, [, src], _y, p) => [g, src.requiresGrad ? gatherForSrc(g, src, p) : null],
  jvp: ([tx, ts], [x], y, p) => {
    if (ts === null) return addTangents(tx, null, y);
    const base = tx ?? new Tensor(nd.zeros(x.shape, { dtype: ts.dtype }));
    return applyPrimitive(SCATTER_ADD, [base, ts], p);
  },
};

/** Parameters of indexSelect: the axis and a 1-d int32 index. */
export interface SelectParams {
  axis: number;
  index: NDArray;
}

/** The 1-d index laid along `axis` and broadcast to `shape`, as scatterAdd wants it. */
function broadcastIndex(index: NDArray, axis: number, shape: readonly number[]): NDArray {
  const lay = shape.map((_, d) => (d === axis ? index.size : 1));
  return index.reshape(lay).expand(shape);
}

export const INDEX_SELECT: Primitive<SelectParams> = {
  name: "indexSelect",
  forward: ([x], p) => nd.indexSelect(x, p.axis, p.index),
  vjp: (g, [x], _y, p) => {
    if (x.ndim === 0) return [g];
    return [
      scatterInto(x.shape, g, { axis: p.axis, index: broadcastIndex(p.index, p.axis, g.shape) }),
    ];
  },
  jvp: ([t], _x, _y, p) => t && applyPrimitive(INDEX_SELECT, [t], p),
};
