// JS kernel: the gradient of a pointwise activation from its output, in the arithmetic of the
// composite formulas it replaces (each product and difference rounded to the dtype).
import type { NDArray } from "../ndarray.ts";
import type { ActivationGradOp } from "../backend.ts";

/**
 * `out = g · f′` with `f′` from the activation's output `y`: relu `[y > 0]`, sigmoid `y·(1 − y)`,
 * tanh `1 − y²`, leakyRelu `y > 0 ? 1 : negativeSlope` (the product rounded to the dtype; with
 * `g = y` it is the leaky ReLU). `out`, `g` and `y` are contiguous, of one float dtype and one
 * size.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const y = NDArray.fromTyped(new Float32Array([0, 2, 0.5]), [3]);
 * const g = NDArray.fromTyped(new Float32Array([1, 1, 4]), [3]);
 * const out = NDArray.fromTyped(new Float32Array(3), [3]);
 * jsBackend.activationGrad("sigmoid", out, g, y);
 * console.assert(out.data.join() === "0,-2,1");
 * ```
 */
export function activationGrad(
  op: ActivationGradOp,
  out: NDArray,
  g: NDArray,
  y: NDArray,
  negativeSlope = 0,
): void {
  const o = out.data, gd = g.data, yd = y.data;
  const n = out.size, oo = out.offset, go = g.offset, yo = y.offset;
  // float32 results round each step as a Float32Array store would (Math.fround).
  const r = out.dtype === "float32" ? Math.fround : (v: number) => v;
  switch (op) {
    case "relu":
      for (let i = 0; i < n; i++) o[oo + i] = yd[yo + i] > 0 ? gd[go + i] : 0;
      break;
    case "sigmoid":
      for (let i = 0; i < n; i++) {
        const v = yd[yo + i];
        o[oo + i] = gd[go + i] * r(v * r(1 - v));
      }
      break;
    case "tanh":
      for (let i = 0; i < n; i++) {
        const v = yd[yo + i];
        o[oo + i] = gd[go + i] * r(1 - r(v * v));
      }
      break;
    case "leakyRelu": {
      const s = r(negativeSlope);
      for (let i = 0; i < n; i++) o[oo + i] = yd[yo + i] > 0 ? gd[go + i] : gd[go + i] * s;
      break;
    }
  }
}
