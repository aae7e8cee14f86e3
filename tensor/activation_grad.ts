/**
 * {@link activationGrad}: the gradient of relu, sigmoid, tanh or leaky relu from the activation's
 * output, in one pass and one new array (the composite `g · (y > 0)` wrote a mask and a product,
 * `g·y·(1 − y)` three arrays, the leaky relu's `where` five).
 *
 * @module
 */
import type { ActivationGradOp } from "./backend.ts";
import { isFloat, promoteTypes } from "./dtype.ts";
import { allocOutput } from "./_axis.ts";
import { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { fmtShape, sameShape } from "./shape.ts";
import { checkNumber, describe } from "./check.ts";
import { astype, contiguous } from "./copy.ts";

const OPS: readonly ActivationGradOp[] = ["relu", "sigmoid", "tanh", "leakyRelu"];

/**
 * `g · f′` for the activation `f` whose output is `y`: relu `g·[y > 0]`, sigmoid `g·y·(1 − y)`,
 * tanh `g·(1 − y²)` (PyTorch's `threshold_backward`, `sigmoid_backward`, `tanh_backward`), leaky
 * relu `y > 0 ? g : negativeSlope·g` (`y` its input or output; `activationGrad("leakyRelu", x, x,
 * s)` is the leaky ReLU of `x` itself, in one pass). `g` and `y` have one shape and float dtypes.
 *
 * @example
 * ```ts
 * import { activationGrad, array } from "@nnc/tensor";
 * const y = array([0, 0.5, 2]);
 * console.assert(activationGrad("relu", array([3, 3, 3]), y).toArray().toString() === "0,3,3");
 * console.assert(activationGrad("tanh", array([1, 1, 1]), y).toArray().toString() === "1,0.75,-3");
 * const x = array([-10, 0, 3]);
 * console.assert(activationGrad("leakyRelu", x, x, 0.5).toArray().toString() === "-5,0,3");
 * ```
 */
export function activationGrad(
  op: ActivationGradOp,
  g: NDArray,
  y: NDArray,
  negativeSlope = 0.01,
): NDArray {
  const name = "activationGrad";
  if (!OPS.includes(op)) {
    throw new TypeError(`${name}: op must be one of ${OPS.join(", ")}, got ${describe(op)}`);
  }
  checkNumber(negativeSlope, name, "negativeSlope");
  if (!(g instanceof NDArray) || !(y instanceof NDArray)) {
    throw new TypeError(
      `${name}: g and y must be NDArrays, got ${describe(g)} and ${describe(y)}`,
    );
  }
  if (!isFloat(g.dtype) || !isFloat(y.dtype)) {
    throw new TypeError(`${name}: g and y must be float arrays, got ${g.dtype} and ${y.dtype}`);
  }
  if (!sameShape(g.shape, y.shape)) {
    throw new RangeError(
      `${name}: g ${fmtShape(g.shape)} and y ${fmtShape(y.shape)} must have one shape`,
    );
  }
  const dtype = promoteTypes(g.dtype, y.dtype);
  const gc = contiguous(g.dtype === dtype ? g : astype(g, dtype));
  const yc = contiguous(y.dtype === dtype ? y : astype(y, dtype));
  const out = allocOutput(dtype, y.shape);
  if (out.size > 0) getBackend().activationGrad(op, out, gc, yc, negativeSlope);
  return out;
}
