// Fitting gradients and tangents to the shape and dtype they belong to.
import { fmtShape, sameShape } from "./_shape_util.ts";
import type { Tensor } from "./tensor.ts";
import { expand, reshape } from "./shape.ts";
import { sum } from "./reduce.ts";
import { astype } from "./elementwise.ts";

/** Sums `g` over the axes along which `shape` was broadcast to `g.shape`, giving `shape`. */
export function sumTo(g: Tensor, shape: readonly number[], op: string): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) {
    throw new RangeError(
      `${op}: gradient of shape ${fmtShape(g.shape)} cannot be summed to ${fmtShape(shape)}`,
    );
  }
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) {
      throw new RangeError(
        `${op}: gradient of shape ${fmtShape(g.shape)} does not broadcast from ${fmtShape(shape)}`,
      );
    }
  }
  const s = axes.length > 0 ? sum(g, { axis: axes, keepDims: true }) : g;
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}

/** `t` broadcast to `out`'s shape and converted to its dtype (for forward-mode tangents). */
export function fitTangent(t: Tensor, out: Tensor): Tensor {
  let r = t.dtype === out.dtype ? t : astype(t, out.dtype);
  if (!sameShape(r.shape, out.shape)) r = expand(r, out.shape);
  return r;
}

/** Adds two optional tangents (null = zero) and fits the result to `out`. */
export function addTangents(
  a: Tensor | null,
  b: Tensor | null,
  out: Tensor,
  subtract = false,
): Tensor | null {
  if (a === null && b === null) return null;
  if (b === null) return fitTangent(a as Tensor, out);
  const bb = subtract ? b.neg() : b;
  if (a === null) return fitTangent(bb, out);
  return fitTangent(a.add(bb), out);
}
