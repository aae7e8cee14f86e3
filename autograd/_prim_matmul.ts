// Batched matrix product of operands with at least two dimensions (1-d cases are views around it).
import * as nd from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { addTangents } from "./_fit.ts";
import { matmul } from "./matmul.ts";
import { transpose } from "./shape.ts";

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

export const MATMUL: Primitive<void> = {
  name: "matmul",
  forward: ([a, b]) => nd.matmul(a, b),
  // Broadcast batch dimensions are summed back by the engine.
  vjp: (g, [a, b]) => [
    a.requiresGrad ? matmul(g, mT(b)) : null,
    b.requiresGrad ? gradOfRight(g, a, b) : null,
  ],
  jvp: ([ta, tb], [a, b], y) => addTangents(ta && matmul(ta, b), tb && matmul(a, tb), y),
};

/**
 * `aᵀ·g`, laid out like `b`. A Linear layer multiplies by `weight.T`, a transposed view; computing
 * `(gᵀ·a)ᵀ` instead gives a gradient whose transpose (the weight's gradient) is contiguous, so the
 * engine adopts it as `weight.grad` without a copy.
 */
function gradOfRight(g: Tensor, a: Tensor, b: Tensor): Tensor {
  const d = b.data;
  const transposedLayout = d.ndim === 2 && a.ndim === 2 && !d.isContiguous && d.strides[0] === 1 &&
    d.strides[1] === d.shape[0];
  return transposedLayout ? mT(matmul(mT(g), a)) : matmul(mT(a), g);
}
