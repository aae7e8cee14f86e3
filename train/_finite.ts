// Finiteness checks of the training loop and the checkpoints: a NaN or an infinity must stop
// training (or be skipped) and must never reach a checkpoint file.
import { isFloat, type NDArray } from "@nnc/tensor";
import { flatData } from "./_train_util.ts";

/** The name of the first tensor of `tensors` holding a NaN or an infinity, or null. */
export function firstNonFinite(tensors: Record<string, NDArray>): string | null {
  for (const [name, t] of Object.entries(tensors)) {
    if (!isFloat(t.dtype) || t.size === 0) continue;
    const { data, offset } = flatData(t);
    for (let i = offset, end = offset + t.size; i < end; i++) {
      if (!Number.isFinite(data[i])) return name;
    }
  }
  return null;
}
