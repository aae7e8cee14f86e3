// Softmax and log-softmax as fused primitives: one kernel forward instead of five ops, with
// derivatives in Tensor ops (so they differentiate again).
import * as nd from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import * as ew from "./elementwise.ts";
import { sum } from "./reduce.ts";

function rowDot(a: Tensor, b: Tensor, axis: number): Tensor {
  return sum(ew.mul(a, b), { axis, keepDims: true });
}

/** Softmax Jacobian-vector product: `y ⊙ (v − ⟨v, y⟩)` (symmetric, so vjp = jvp). */
function softmaxLin(v: Tensor, y: Tensor, axis: number): Tensor {
  return ew.mul(y, ew.sub(v, rowDot(v, y, axis)));
}

export const SOFTMAX: Primitive<{ axis: number }> = {
  name: "softmax",
  forward: ([x], p) => nd.softmax(x, p.axis),
  vjp: (g, _x, y, p) => [softmaxLin(g, y, p.axis)],
  jvp: ([t], _x, y, p) => t && softmaxLin(t, y, p.axis),
};

export const LOG_SOFTMAX: Primitive<{ axis: number }> = {
  name: "logSoftmax",
  forward: ([x], p) => nd.logSoftmax(x, p.axis),
  vjp: (g, _x, y, p) => [ew.sub(g, ew.mul(ew.exp(y), sum(g, { axis: p.axis, keepDims: true })))],
  jvp: ([t], _x, y, p) => t && ew.sub(t, rowDot(ew.exp(y), t, p.axis)),
};
