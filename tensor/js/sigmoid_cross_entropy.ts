// JS kernel: the loss of logits and its derivative in one pass, in the expressions of the binary
// kernels `sigmoidCrossEntropy` and `sigmoidCrossEntropyGrad` (elementwise.ts), so the same bits.
import type { NDArray } from "../ndarray.ts";

/**
 * `loss = (1 − y)·x + softplus(−x)` and `grad = σ(x) − y` around one `e^−|x|` an element. All four
 * arrays are contiguous, of one float dtype and one size.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float64Array([0, 0]), [2]);
 * const y = NDArray.fromTyped(new Float64Array([1, 0]), [2]);
 * const loss = NDArray.fromTyped(new Float64Array(2), [2]);
 * const grad = NDArray.fromTyped(new Float64Array(2), [2]);
 * jsBackend.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
 * console.assert(loss.data[0] === Math.LN2 && grad.data.join() === "-0.5,0.5");
 * ```
 */
export function sigmoidCrossEntropyWithGrad(
  loss: NDArray,
  grad: NDArray,
  x: NDArray,
  y: NDArray,
): void {
  const l = loss.data, g = grad.data, xd = x.data, yd = y.data;
  const n = loss.size, lo = loss.offset, go = grad.offset, xo = x.offset, yo = y.offset;
  for (let i = 0; i < n; i++) {
    const a = xd[xo + i], t = yd[yo + i], e = Math.exp(-Math.abs(a));
    l[lo + i] = (1 - t) * a + ((-a > 0 ? -a : 0) + Math.log1p(e));
    g[go + i] = (a >= 0 ? 1 / (1 + e) : e / (1 + e)) - t;
  }
}
