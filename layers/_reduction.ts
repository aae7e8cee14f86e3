// The reduction step shared by every loss.
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { asInput } from "./_util.ts";
import { describe, fmtShape, sameShape } from "@nnc/tensor";

/** Validates a reduction name. */
export function checkReduction(r: unknown, op: string): "mean" | "sum" | "none" | "batchmean" {
  if (r === undefined) return "mean";
  if (r === "mean" || r === "sum" || r === "none" || r === "batchmean") return r;
  throw new RangeError(
    `${op}: reduction must be "mean", "sum", "none" or "batchmean", got ${describe(r)}`,
  );
}

/** Applies `reduction` to elementwise losses: mean over all, sum, none, or sum / batch size. */
export function reduceLoss(loss: Tensor, reduction: "mean" | "sum" | "none" | "batchmean"): Tensor {
  switch (reduction) {
    case "none":
      return loss;
    case "sum":
      return loss.sum();
    case "batchmean":
      return loss.ndim === 0 ? loss : loss.sum().div(loss.shape[0]);
    default:
      return loss.mean();
  }
}

/** Input and target as tensors of the same shape. */
export function pair(input: Tensor, target: Tensor | NDArray, op: string): [Tensor, Tensor] {
  const x = asInput(input, op, "input"), y = asInput(target, op, "target");
  if (!sameShape(x.shape, y.shape)) {
    throw new RangeError(
      `${op}: input ${fmtShape(x.shape)} and target ${fmtShape(y.shape)} must have the same shape`,
    );
  }
  return [x, y];
}
