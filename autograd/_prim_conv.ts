// Convolution primitives: the convolution y = x ⋆ w (+ b), its gradient for the input
// dx = convᵀ(dy, w) (the transposed convolution) and for the weight dw = Σ dy ⋆ x. All three are
// parts of one bilinear form B(x, w, dy) = ⟨dy, x ⋆ w⟩: y = ∂B/∂dy, dx = ∂B/∂x, dw = ∂B/∂w. Each
// one's derivatives are again the three, so higher-order gradients need nothing else:
//   d⟨h, dx(dy, w)⟩ = B(h, w, dy) → for dy: conv(h, w), for w: dw(dy, h);
//   d⟨h, dw(dy, x)⟩ = B(x, h, dy) → for dy: conv(x, h), for x: dx(dy, h).
import * as nd from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { addTangents } from "./_fit.ts";
import { sum } from "./reduce.ts";
import { reshape } from "./shape.ts";

/** Geometry of the three primitives, plus the shape each gradient primitive produces. */
export interface ConvParams {
  options: nd.ConvolutionOptions;
  /** CONV_INPUT_GRAD: the input's shape; CONV_WEIGHT_GRAD: the weight's shape. */
  shape?: readonly number[];
}

function withShape(p: ConvParams, shape: readonly number[]): ConvParams {
  return { options: p.options, shape };
}

/** `conv(x, w)` without bias, as a tensor op. */
export function convOf(x: Tensor, w: Tensor, p: ConvParams): Tensor {
  return applyPrimitive(CONV, [x, w], { options: p.options });
}

/** The bias's gradient: `g` summed over the batch and every spatial position. */
export function biasGrad(g: Tensor): Tensor {
  const axes = [0];
  for (let i = 2; i < g.ndim; i++) axes.push(i);
  return sum(g, { axis: axes });
}

/** `[C]` as `[1, C, 1, …]` against an `[N, C, ...spatial]` output. */
export function biasShaped(b: Tensor, ndim: number): Tensor {
  return reshape(b, [1, b.shape[0], ...new Array<number>(ndim - 2).fill(1)]);
}

/** `[x, w]` or `[x, w, bias]` → `[N, Cout, ...outSpatial]`. */
export const CONV: Primitive<ConvParams> = {
  name: "conv",
  forward: ([x, w, b], p) => nd.convolution(x, w, b ?? null, p.options),
  vjp: (g, [x, w, b], _y, p) => [
    x.requiresGrad ? applyPrimitive(CONV_INPUT_GRAD, [g, w], withShape(p, x.shape)) : null,
    w.requiresGrad ? applyPrimitive(CONV_WEIGHT_GRAD, [g, x], withShape(p, w.shape)) : null,
    ...(b === undefined ? [] : [b.requiresGrad ? biasGrad(g) : null]),
  ],
  jvp: ([tx, tw, tb], [x, w], y, p) => {
    const linear = addTangents(tx && convOf(tx, w, p), tw && convOf(x, tw, p), y);
    return addTangents(linear, tb ? biasShaped(tb, y.ndim) : null, y);
  },
};

/** `[dy, w]` → dx of shape `params.shape`. */
export const CONV_INPUT_GRAD: Primitive<ConvParams> = {
  name: "convInputGrad",
  forward: ([dy, w], p) => nd.convolutionInputGrad(dy, w, p.shape as number[], p.options),
  vjp: (h, [dy, w], _y, p) => [
    dy.requiresGrad ? convOf(h, w, p) : null,
    w.requiresGrad ? applyPrimitive(CONV_WEIGHT_GRAD, [dy, h], withShape(p, w.shape)) : null,
  ],
  jvp: ([tdy, tw], [dy, w], y, p) =>
    addTangents(
      tdy && applyPrimitive(CONV_INPUT_GRAD, [tdy, w], p),
      tw && applyPrimitive(CONV_INPUT_GRAD, [dy, tw], p),
      y,
    ),
};

/** `[dy, x]` → dw of shape `params.shape`. */
export const CONV_WEIGHT_GRAD: Primitive<ConvParams> = {
  name: "convWeightGrad",
  forward: ([dy, x], p) => nd.convolutionWeightGrad(dy, x, p.shape as number[], p.options),
  vjp: (h, [dy, x], _y, p) => [
    dy.requiresGrad ? convOf(x, h, p) : null,
    x.requiresGrad ? applyPrimitive(CONV_INPUT_GRAD, [dy, h], withShape(p, x.shape)) : null,
  ],
  jvp: ([tdy, tx], [dy, x], y, p) =>
    addTangents(
      tdy && applyPrimitive(CONV_WEIGHT_GRAD, [tdy, x], p),
      tx && applyPrimitive(CONV_WEIGHT_GRAD, [dy, tx], p),
      y,
    ),
};
