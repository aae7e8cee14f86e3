/**
 * {@link sigmoidCrossEntropyWithGrad}: the loss of logits and its derivative in one pass, for a
 * backward pass that will need the derivative (one exponential an element instead of two).
 *
 * @module
 */
import { checkNDArray, describe } from "./check.ts";
import { allocOutput } from "./_axis.ts";
import { type DType, isFloat, promoteTypes } from "./dtype.ts";
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { broadcastShapes, sameShape } from "./shape.ts";
import { astype, contiguous } from "./copy.ts";

/** The two results of {@link sigmoidCrossEntropyWithGrad}. */
export interface SigmoidCrossEntropyWithGrad {
  /** `(1 − y)·x + softplus(−x)` per element: `sigmoidCrossEntropy(x, y)`. */
  loss: NDArray;
  /** `σ(x) − y` per element, its derivative in `x`: `sigmoidCrossEntropyGrad(x, y)`. */
  grad: NDArray;
}

/**
 * The binary cross-entropy of logits `x` against targets `y` and its derivative in the logits,
 * computed together around one `e^−|x|` an element: `sigmoidCrossEntropy(x, y)` and
 * `sigmoidCrossEntropyGrad(x, y)` (bit for bit with the JS backend; libnnc's vectorised `exp` may
 * round an element a double ulp apart from its scalar one) for about the cost of the first alone. The autograd loss uses
 * it when the logits need a gradient. `x` and `y` broadcast to a common shape and a float dtype.
 *
 * @example
 * ```ts
 * import { array, sigmoidCrossEntropyWithGrad } from "@nnc/tensor";
 * const { loss, grad } = sigmoidCrossEntropyWithGrad(array([0, 2]), array([1, 0]));
 * console.assert(Math.abs(loss.get(0) - Math.LN2) < 1e-7 && grad.get(0) === -0.5);
 * console.assert(Math.abs(grad.get(1) - 1 / (1 + Math.exp(-2))) < 1e-7);
 * ```
 */
export function sigmoidCrossEntropyWithGrad(
  x: NDArray,
  y: NDArray,
): SigmoidCrossEntropyWithGrad {
  const op = "sigmoidCrossEntropyWithGrad";
  checkNDArray(x, op, "x");
  checkNDArray(y, op, "y");
  const dtype: DType = promoteTypes(x.dtype, y.dtype);
  if (!isFloat(dtype)) {
    throw new TypeError(
      `${op}: logits and targets must be float arrays, got ${describe(x.dtype)} and ${
        describe(y.dtype)
      }`,
    );
  }
  const shape = sameShape(x.shape, y.shape) ? x.shape : broadcastShapes(x.shape, y.shape, op);
  const operand = (a: NDArray): NDArray =>
    contiguous((a.dtype === dtype ? a : astype(a, dtype)).expand(shape));
  const xc = operand(x), yc = operand(y);
  const loss = allocOutput(dtype, shape), grad = allocOutput(dtype, shape);
  if (loss.size > 0) getBackend().sigmoidCrossEntropyWithGrad(loss, grad, xc, yc);
  return { loss, grad };
}
