// Input conversion and message formatting shared by the layers (the argument checks themselves
// are @nnc/tensor's check functions).
import { describe, fmtShape, NDArray, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/** Throws a TypeError unless `x` is a Tensor (NDArrays are wrapped as constants). */
export function asInput(x: unknown, op: string, name = "input"): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof NDArray) return new Tensor(x);
  throw new TypeError(`${op}: ${name} must be a Tensor or an NDArray, got ${describe(x)}`);
}

/** Throws the layer's shape error: `Conv2d(3→16): expected input [N, 3, H, W], got [8, 1, 28, 28]`. */
export function shapeError(label: string, expected: string, got: readonly number[]): RangeError {
  return new RangeError(`${label}: expected input ${expected}, got ${fmtShape(got)}`);
}

/** Number with thousands separators, for parameter counts. */
export function fmtCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Checks, before allocating, that a parameter or buffer of `shape` holds at most 2^31-1 elements,
 * so that the error names the layer (`Linear: weight [2147483648, 1] would hold 2147483648
 * elements, more than 2^31-1`) instead of `zeros`. Returns `shape`.
 */
export function checkAllocation<S extends readonly number[]>(
  shape: S,
  op: string,
  name: string,
): S {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > 2 ** 31 - 1) {
    throw new RangeError(
      `${op}: ${name} ${fmtShape(shape)} would hold ${n} elements, more than 2^31-1`,
    );
  }
  return shape;
}

/** Checks the `rng` option of a layer (undefined or an Rng) before it is used to draw weights. */
export function checkRng(rng: unknown, op: string): Rng | undefined {
  if (rng !== undefined && !(rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  }
  return rng;
}
