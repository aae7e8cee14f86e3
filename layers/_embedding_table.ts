// The table shared by Embedding and EmbeddingBag: its padding index and its initialisation.
import { describe, type Rng } from "@nnc/tensor";
import type { Parameter } from "./parameter.ts";
import { normal } from "./init.ts";
import { checkRng } from "./_util.ts";

/** A padding index in `[-V, V)` resolved to `[0, V)`, or null (none given). */
export function resolvePadding(p: unknown, V: number, op: string): number | null {
  if (p === undefined || p === null) return null;
  if (typeof p !== "number" || !Number.isInteger(p) || p < -V || p >= V) {
    throw new RangeError(
      `${op}: paddingIdx must be an integer in [-${V}, ${V}), got ${describe(p)}`,
    );
  }
  return p < 0 ? p + V : p;
}

/** Draws the `[V, D]` table from N(0, 1) (PyTorch's default) and zeroes the padding row. */
export function resetTable(weight: Parameter, paddingIdx: number | null, rng?: Rng): void {
  checkRng(rng, "resetParameters");
  normal(weight, 0, 1, { rng });
  if (paddingIdx !== null) {
    const D = weight.shape[1], d = weight.data.data, start = weight.data.offset + paddingIdx * D;
    d.fill(0, start, start + D);
  }
}
