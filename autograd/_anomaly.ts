// The NaN/Inf check of anomaly mode.
import type { NDArray } from "@nnc/tensor";

/** Throws a RangeError naming `what` when `x` holds a NaN or an infinity. */
export function checkFinite(x: NDArray, what: string, trace: string | null): void {
  if (x.dtype === "int32") return;
  const c = x.contiguous();
  const d = c.data;
  for (let i = c.offset, end = c.offset + c.size; i < end; i++) {
    const v = d[i];
    if (v - v !== 0) {
      const where = trace === null ? "" : `\nThe op was called here:\n${trace}`;
      throw new RangeError(
        `detectAnomaly: ${what} produced ${Number.isNaN(v) ? "NaN" : v} at flat index ${
          i - c.offset
        } ` +
          `of an output of shape [${x.shape.join(", ")}]${where}`,
      );
    }
  }
}
