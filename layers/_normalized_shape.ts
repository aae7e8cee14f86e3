// The trailing shape LayerNorm and RMSNorm normalise over: parsing it, and checking that an input
// ends in it (with the functional form's message and the layer's).
import { describe, fmtShape, sameShape } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";

/** One number (the last dimension) or a list of positive integers, as a fresh list. */
export function normalizedShapeOf(value: number | readonly number[], op: string): number[] {
  const shape = typeof value === "number" ? [value] : Array.isArray(value) ? [...value] : [];
  if (shape.length === 0 || shape.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    throw new RangeError(
      `${op}: normalizedShape must be a positive integer or a list of them, got ${describe(value)}`,
    );
  }
  return shape;
}

function endsIn(t: Tensor, shape: readonly number[]): boolean {
  const k = shape.length;
  return t.ndim >= k && sameShape(t.shape.slice(t.ndim - k), shape);
}

/** The functional form's check: `normalizedShape` is a non-empty list that `t`'s shape ends in. */
export function checkEndsIn(t: Tensor, normalizedShape: readonly number[], op: string): void {
  if (!Array.isArray(normalizedShape)) {
    throw new TypeError(
      `${op}: normalizedShape must be an array of integers, got ${describe(normalizedShape)}`,
    );
  }
  if (normalizedShape.length === 0 || !endsIn(t, normalizedShape)) {
    throw new RangeError(
      `${op}: input ${fmtShape(t.shape)} does not end in the normalized shape ${
        fmtShape(normalizedShape)
      }`,
    );
  }
}

/** The layer's check, named by its label (`LayerNorm([3, 4])`). */
export function checkLayerInput(
  t: Tensor,
  normalizedShape: readonly number[],
  label: string,
): void {
  if (!endsIn(t, normalizedShape)) {
    throw new RangeError(
      `${label}: expected input [*, ${normalizedShape.join(", ")}], got ${fmtShape(t.shape)}`,
    );
  }
}
