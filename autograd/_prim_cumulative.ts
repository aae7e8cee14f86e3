// Scan primitives: cumsum's adjoint is a reversed cumsum; cumprod's vjp is written in Tensor ops
// (valid where the input has no zeros).
import * as nd from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import * as ew from "./elementwise.ts";
import { flip } from "./shape.ts";
import { cumsum } from "./cumulative.ts";

/** Σ_{j ≥ i} v_j along `axis`. */
function reverseCumsum(v: Tensor, axis: number): Tensor {
  return flip(cumsum(flip(v, [axis]), axis), [axis]);
}

export const CUMSUM: Primitive<{ axis: number }> = {
  name: "cumsum",
  forward: ([x], p) => nd.cumsum(x, p.axis),
  vjp: (g, _x, _y, p) => [reverseCumsum(g, p.axis)],
  jvp: ([t], _x, _y, p) => t && cumsum(t, p.axis),
};

export const CUMPROD: Primitive<{ axis: number }> = {
  name: "cumprod",
  forward: ([x], p) => nd.cumprod(x, p.axis),
  // y_j = Π_{k ≤ j} x_k, so ∂y_j/∂x_i = y_j / x_i for j ≥ i.
  vjp: (g, [x], y, p) => [ew.div(reverseCumsum(ew.mul(g, y), p.axis), x)],
  jvp: ([t], [x], y, p) => t && ew.mul(y, cumsum(ew.div(t, x), p.axis)),
};
