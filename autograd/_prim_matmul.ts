// Batched matrix product of operands with at least two dimensions (1-d cases are views around it).
import * as nd from "@nnc/tensor";
import type { Primitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { addTangents } from "./_fit.ts";
import { matmul } from "./matmul.ts";
import { transpose } from "./shape.ts";
import { mul } from "./elementwise.ts";

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

/** Options of {@link ADDMM}: `beta · input + alpha · (a · b)`. */
export interface AddmmParams {
  alpha: number;
  beta: number;
}

export const ADDMM: Primitive<AddmmParams> = {
  name: "addmm",
  // The product is a fresh array nothing else refers to: the scaling and the sum go into it in
  // place, one pass over a cache-hot output instead of a second array (a Linear layer's bias).
  forward: ([c, a, b], { alpha, beta }) => {
    // A bias row of the product's dtype (a Linear layer's): added in the product's own pass.
    const n = b.shape[1];
    if (
      alpha === 1 && beta === 1 && c.size === n && (c.ndim === 1 || c.shape[0] === 1) &&
      c.dtype === nd.promoteTypes(a.dtype, b.dtype) && nd.isFloat(c.dtype)
    ) return nd.matmul(a, b, { bias: c.ndim === 1 ? c : c.reshape([n]) });
    const y = nd.matmul(a, b);
    if (alpha !== 1) inPlace("mul", y, nd.full([], alpha, { dtype: y.dtype }));
    const addend = beta === 1 ? c : nd.mul(c, beta);
    if (nd.promoteTypes(y.dtype, addend.dtype) !== y.dtype) return nd.add(y, addend);
    inPlace("add", y, nd.astype(addend, y.dtype));
    return y;
  },
  // The input's gradient has the product's shape; the engine sums it back to a broadcast input.
  vjp: (g, [c, a, b], _y, { alpha, beta }) => {
    const ga = alpha === 1 ? g : mul(g, alpha);
    return [
      c.requiresGrad ? (beta === 1 ? g : mul(g, beta)) : null,
      a.requiresGrad ? matmul(ga, mT(b)) : null,
      b.requiresGrad ? gradOfRight(ga, a, b) : null,
    ];
  },
  jvp: ([tc, ta, tb], [_c, a, b], y, { alpha, beta }) => {
    const product = addTangents(ta && matmul(ta, b), tb && matmul(a, tb), y);
    return addTangents(
      product && (alpha === 1 ? product : mul(product, alpha)),
      tc && (beta === 1 ? tc : mul(tc, beta)),
      y,
    );
  },
};

function inPlace(op: "add" | "mul", y: nd.NDArray, x: nd.NDArray): void {
  nd.getBackend().binary(op, y, y, x.expand(y.shape));
}
