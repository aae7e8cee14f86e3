/**
 * {@link cosineEmbeddingLoss}: pulls pairs labelled 1 together and pushes pairs labelled −1 apart
 * by cosine similarity.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import { Tensor, where } from "@nnc/autograd";
import type { Reduction } from "./regression_losses.ts";
import { checkReduction, reduceLoss } from "./_reduction.ts";
import { asInput } from "./_util.ts";
import { checkNumber, checkOptions, fmtShape, sameShape } from "@nnc/tensor";

/**
 * Options of {@link cosineEmbeddingLoss}.
 *
 * @example
 * ```ts
 * import type { CosineEmbeddingLossOptions } from "@nnc/layers";
 * const o: CosineEmbeddingLossOptions = { margin: 0.5 };
 * ```
 */
export interface CosineEmbeddingLossOptions {
  /** Dissimilar pairs cost `max(0, cos − margin)`. Default 0. */
  margin?: number;
  /** Default `"mean"`. */
  reduction?: Reduction;
}

/**
 * PyTorch's `F.cosine_embedding_loss`: for rows `x1`, `x2` `[N, D]` (or `[D]`) and labels `y` ±1
 * `[N]`, `1 − cos` where `y = 1` and `max(0, cos − margin)` where `y = −1`. The cosine is
 * `x1·x2 / √((‖x1‖² + 1e-12)(‖x2‖² + 1e-12))`, so a zero vector has cosine 0 rather than NaN.
 *
 * @example
 * ```ts
 * import { cosineEmbeddingLoss } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const a = tensor([[1, 0], [1, 0]]), b = tensor([[0, 1], [1, 0]]);
 * console.assert(cosineEmbeddingLoss(a, b, tensor([1, -1]), { reduction: "none" }).toArray().toString() === "1,1");
 * ```
 */
export function cosineEmbeddingLoss(
  x1: Tensor,
  x2: Tensor,
  y: Tensor | NDArray,
  options: CosineEmbeddingLossOptions = {},
): Tensor {
  const op = "cosineEmbeddingLoss";
  checkOptions(options, op);
  const a = asInput(x1, op, "x1"), b = asInput(x2, op, "x2"), labels = asInput(y, op, "y");
  if (!sameShape(a.shape, b.shape) || (a.ndim !== 1 && a.ndim !== 2)) {
    throw new RangeError(
      `${op}: x1 ${fmtShape(a.shape)} and x2 ${fmtShape(b.shape)} must both be [N, D] or [D]`,
    );
  }
  const expected = a.ndim === 2 ? [a.shape[0]] : [];
  if (!sameShape(labels.shape, expected)) {
    throw new RangeError(
      `${op}: y must have shape ${fmtShape(expected)} (one ±1 label per pair), got ${
        fmtShape(labels.shape)
      }`,
    );
  }
  const margin = checkNumber(options.margin ?? 0, op, "margin", -1, 1);
  const axis = a.ndim - 1;
  const dot = a.mul(b).sum({ axis });
  const m1 = a.square().sum({ axis }).add(1e-12), m2 = b.square().sum({ axis }).add(1e-12);
  const cos = dot.div(m1.mul(m2).sqrt());
  const yl = labels.data;
  const pos = cos.neg().add(1);
  const neg = cos.sub(margin).relu();
  const zero = new Tensor(cos.data.mul(0));
  const loss = where(yl.eq(1), pos, zero).add(where(yl.eq(-1), neg, zero));
  return reduceLoss(loss, checkReduction(options.reduction, op));
}
