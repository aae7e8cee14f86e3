// Reduction primitives: sum, max/min (amax/amin semantics), prod.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import * as ew from "./elementwise.ts";
import { expand, reshape } from "./shape.ts";
import { sum } from "./reduce.ts";

/** Parameters of a reduction over sorted, unique `axes`. */
export interface ReduceParams {
  axes: number[];
  keepDims: boolean;
}

/** `x.shape` with the reduced axes set to 1. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** The output-shaped `g` broadcast back over the reduced axes of `x`. */
export function unreduce(g: Tensor, x: Tensor, p: ReduceParams): Tensor {
  const k = p.keepDims ? g : reshape(g, keptShape(x.shape, p.axes));
  return expand(k, x.shape);
}

function unreduceArray(y: NDArray, x: Tensor, p: ReduceParams): NDArray {
  return (p.keepDims ? y : y.reshape(keptShape(x.shape, p.axes))).expand(x.shape);
}

export const SUM: Primitive<ReduceParams> = {
  name: "sum",
  forward: ([x], p) => nd.sum(x, { axis: p.axes, keepDims: p.keepDims }),
  vjp: (g, [x], _y, p) => [unreduce(g, x, p)],
  jvp: ([t], _x, _y, p) => t && sum(t, { axis: p.axes, keepDims: p.keepDims }),
};

/** Share of the gradient each element gets: 1/(number of ties) at the extremum, 0 elsewhere. */
function extremumWeights(x: Tensor, y: Tensor, p: ReduceParams): NDArray {
  const mask = nd.astype(nd.eq(x.data, unreduceArray(y.data, x, p)), x.dtype);
  const count = nd.sum(mask, { axis: p.axes, keepDims: true });
  return nd.div(mask, count);
}

function extremum(name: string, f: typeof nd.max): Primitive<ReduceParams> {
  return {
    name,
    forward: ([x], p) => f(x, { axis: p.axes, keepDims: p.keepDims }),
    vjp: (g, [x], y, p) => [ew.mul(unreduce(g, x, p), extremumWeights(x, y, p))],
    jvp: ([t], [x], y, p) =>
      t && sum(ew.mul(t, extremumWeights(x, y, p)), { axis: p.axes, keepDims: p.keepDims }),
  };
}

export const MAX: Primitive<ReduceParams> = extremum("max", nd.max);
export const MIN: Primitive<ReduceParams> = extremum("min", nd.min);

/**
 * ∂prod/∂x_i: `prod / x_i` in Tensor ops when no reduced element is zero (so that it is itself
 * differentiable), else the product of the other elements computed directly (a constant).
 */
function prodPartials(x: Tensor, y: Tensor, p: ReduceParams): Tensor | NDArray {
  const zeros = nd.eq(x.data, 0);
  if (x.size === 0 || nd.max(zeros).item() === 0) return ew.div(unreduce(y, x, p), x);
  return productOfOthers(x.data, p.axes);
}

/** For each element, the product of the other elements of its reduction group. */
function productOfOthers(x: NDArray, axes: readonly number[]): NDArray {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const n = axes.reduce((q, a) => q * x.shape[a], 1);
  const rows = nd.astype(x.permute(perm), "float64", true);
  const d = rows.data, outer = n === 0 ? 0 : d.length / n;
  const res = new Float64Array(d.length);
  for (let r = 0; r < outer; r++) {
    const base = r * n;
    let acc = 1;
    for (let i = 0; i < n; i++) {
      res[base + i] = acc;
      acc *= d[base + i];
    }
    acc = 1;
    for (let i = n - 1; i >= 0; i--) {
      res[base + i] *= acc;
      acc *= d[base + i];
    }
  }
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const permutedShape = perm.map((a) => x.shape[a]);
  return nd.astype(nd.NDArray.fromTyped(res, permutedShape).permute(inverse), x.dtype, true);
}

export const PROD: Primitive<ReduceParams> = {
  name: "prod",
  forward: ([x], p) => nd.prod(x, { axis: p.axes, keepDims: p.keepDims }),
  vjp: (g, [x], y, p) => [ew.mul(unreduce(g, x, p), prodPartials(x, y, p))],
  jvp: ([t], [x], y, p) =>
    t && sum(ew.mul(t, prodPartials(x, y, p)), { axis: p.axes, keepDims: p.keepDims }),
};
