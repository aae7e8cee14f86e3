// Batch norm followed by an activation in one kernel, for Sequential's fusion: the batch-norm
// layers' private forward with an activation, which their class installs here (a module of its
// own, not re-exported, so that it stays out of the package's API).
import type { Tensor } from "@nnc/autograd";
import type { NormActivation } from "@nnc/tensor";
import type { BatchNormNd } from "./batch_norm.ts";

let normalizeThen: ((bn: BatchNormNd, x: Tensor, a: NormActivation) => Tensor) | null = null;

/** Installs the batch-norm layers' forward-with-activation (called once, by their class). */
export function installBatchNormThen(
  f: (bn: BatchNormNd, x: Tensor, a: NormActivation) => Tensor,
): void {
  normalizeThen = f;
}

/** `bn.forward(x)` followed by `activation`, in one kernel. */
export function batchNormThen(bn: BatchNormNd, x: Tensor, activation: NormActivation): Tensor {
  if (normalizeThen === null) {
    throw new Error("batchNormThen: the batch-norm layers are not loaded");
  }
  return normalizeThen(bn, x, activation);
}
