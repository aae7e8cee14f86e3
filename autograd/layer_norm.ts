/**
 * Differentiable layer normalisation as one fused primitive: the forward runs `@nnc/tensor`'s
 * single-pass kernel and the plain backward its fused backward kernel; the derivatives are also
 * written in Tensor ops for recorded backward passes (higher orders) and forward mode.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { astype } from "./elementwise.ts";
import { LAYER_NORM } from "./_prim_layer_norm.ts";

/**
 * Layer normalisation over the trailing dimensions `normalizedShape` (PyTorch `F.layer_norm`):
 * `(x − μ)/√(σ² + eps) ⊙ weight + bias` with the biased variance, as one primitive backed by
 * fused kernels (one pass forward, one backward). `weight` and `bias` (shaped as
 * `normalizedShape`) may be null.
 *
 * @example
 * ```ts
 * import { layerNorm, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 3], [0, 4]], { dtype: "float64", requiresGrad: true });
 * const y = layerNorm(x, [2], null, null, 0);
 * console.assert(y.toArray().toString() === "-1,1,-1,1");
 * y.slice(null, 0).sum().backward();
 * // x̂₀ = −1 whatever x is, so no gradient reaches x.
 * console.assert(x.grad!.abs().max().item() < 1e-12);
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = "layerNorm";
  checkTensor(x, op, "x");
  if (weight !== null) checkTensor(weight, op, "weight");
  if (bias !== null) checkTensor(bias, op, "bias");
  nd.checkNumber(eps, op, "eps", 0);
  const k = Array.isArray(normalizedShape) ? normalizedShape.length : 0;
  if (k === 0 || x.ndim < k || !nd.sameShape(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new RangeError(
      `${op}: input ${nd.fmtShape(x.shape)} does not end in the normalized shape ${
        Array.isArray(normalizedShape) ? nd.fmtShape(normalizedShape) : nd.describe(normalizedShape)
      }`,
    );
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t !== null && !nd.sameShape(t.shape, normalizedShape)) {
      throw new RangeError(
        `${op}: ${name} must be ${nd.fmtShape(normalizedShape)}, got ${nd.fmtShape(t.shape)}`,
      );
    }
  }
  const xf = nd.isFloat(x.dtype) ? x : astype(x, "float32");
  const inputs = [xf, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  return applyPrimitive(LAYER_NORM, inputs, {
    shape: [...normalizedShape],
    eps,
    hasWeight: weight !== null,
    hasBias: bias !== null,
  });
}
