// Argument checks shared by the sparse and segment frontends: float operands.
import { describe } from "./check.ts";
import { NDArray } from "./ndarray.ts";

/** Throws a TypeError unless `x` is a float NDArray. */
export function checkFloatArray(x: unknown, op: string, name: string): asserts x is NDArray {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
  }
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new TypeError(`${op}: ${name} must be float32 or float64, got ${x.dtype}`);
  }
}
