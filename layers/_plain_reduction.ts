// The reduction check of the losses PyTorch reduces with "mean", "sum" or "none" only (no
// "batchmean"), and label conversion shared by ranking_losses.ts and likelihood_losses.ts.
import { describe } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { PlainReduction } from "./ranking_losses.ts";

/** Validates a reduction name ("mean" when undefined); "batchmean" is refused, as PyTorch. */
export function checkPlainReduction(r: unknown, op: string): PlainReduction {
  if (r === undefined) return "mean";
  if (r === "mean" || r === "sum" || r === "none") return r;
  throw new RangeError(`${op}: reduction must be "mean", "sum" or "none", got ${describe(r)}`);
}

/** `t` in `like`'s dtype (int32 labels become floats; a float tensor keeps its graph). */
export function sameDType(t: Tensor, like: Tensor): Tensor {
  return t.dtype === like.dtype ? t : t.astype(like.dtype);
}
