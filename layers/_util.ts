// Argument checking and formatting shared by the layers.
import { type DType, fmtShape, NDArray } from "@nnc/tensor";
export { fmtShape, sameShape, sizeOf } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (v instanceof NDArray) return `an NDArray of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  return typeof v;
}

/** Throws a TypeError unless `x` is a Tensor (NDArrays are wrapped as constants). */
export function asInput(x: unknown, op: string, name = "input"): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof NDArray) return new Tensor(x);
  throw new TypeError(`${op}: ${name} must be a Tensor or an NDArray, got ${describe(x)}`);
}

/** Throws unless `v` is an integer >= `min`. */
export function checkInt(v: unknown, op: string, name: string, min = 1): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  }
  return v;
}

/** Throws unless `v` is a finite number in `[lo, hi]`. */
export function checkNumber(
  v: unknown,
  op: string,
  name: string,
  lo = -Infinity,
  hi = Infinity,
): number {
  if (
    typeof v !== "number" || Number.isNaN(v) || v < lo || v > hi ||
    (!Number.isFinite(v) && lo === -Infinity && hi === Infinity)
  ) {
    const range = lo === -Infinity && hi === Infinity
      ? "a finite number"
      : `a number in [${lo}, ${hi}]`;
    throw new RangeError(`${op}: ${name} must be ${range}, got ${describe(v)}`);
  }
  return v;
}

/** Throws unless `v` is undefined or a boolean; returns it or the default. */
export function checkBool(v: unknown, fallback: boolean, op: string, name: string): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(v)}`);
  }
  return v;
}

/** Throws unless `v` is undefined or a float dtype; returns it or float32. */
export function checkFloatDType(v: unknown, op: string): DType {
  if (v === undefined) return "float32";
  if (v !== "float32" && v !== "float64") {
    throw new TypeError(`${op}: dtype must be "float32" or "float64", got ${describe(v)}`);
  }
  return v;
}

/** Throws unless `options` is undefined or a plain object. */
export function checkOptionsObject(options: unknown, op: string): void {
  if (
    options !== undefined &&
    (options === null || typeof options !== "object" || Array.isArray(options))
  ) {
    throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  }
}

/** Per-dimension option: one number for every dimension, or exactly `d` numbers. */
export function tupleOption(
  v: unknown,
  d: number,
  op: string,
  name: string,
  min: number,
): number[] {
  const list = typeof v === "number"
    ? new Array<number>(d).fill(v)
    : Array.isArray(v)
    ? [...v]
    : null;
  if (
    list === null || list.length !== d ||
    list.some((e) => typeof e !== "number" || !Number.isSafeInteger(e) || e < min)
  ) {
    throw new RangeError(
      `${op}: ${name} must be an integer >= ${min} or an array of ${d} such integers, got ${
        Array.isArray(v) ? `[${v.join(", ")}]` : describe(v)
      }`,
    );
  }
  return list;
}

/** Throws the layer's shape error: `Conv2d(3→16): expected input [N, 3, H, W], got [8, 1, 28, 28]`. */
export function shapeError(label: string, expected: string, got: readonly number[]): RangeError {
  return new RangeError(`${label}: expected input ${expected}, got ${fmtShape(got)}`);
}

/** Number with thousands separators, for parameter counts. */
export function fmtCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
