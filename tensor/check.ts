/**
 * Argument checks shared by every nnc package. Each check takes the value first, then the name of
 * the operation and of the argument, and throws a `TypeError` (wrong kind of value) or a
 * `RangeError` (right kind, wrong value) whose message names all three:
 * `Linear: inFeatures must be an integer >= 1, got 0`.
 *
 * Optional arguments are checked with their default filled in by the caller
 * (`checkInt(options.k ?? 5, op, "k", 1)`), so there is one form of every check.
 *
 * @example
 * ```ts
 * import { checkInt, checkOneOf } from "@nnc/tensor";
 * const k = checkInt(3, "KMeans", "nClusters", 1);
 * const mode = checkOneOf("mean", "loss", "reduction", ["mean", "sum", "none"] as const);
 * console.log(k, mode); // 3 mean
 * ```
 *
 * @module
 */
import { describe } from "./_describe.ts";
import type { DType } from "./dtype.ts";
import { NDArray } from "./ndarray.ts";
import { fmtShape } from "./shape.ts";

export { describe };

/**
 * Checks that `options` is a plain object or undefined, and returns it (`{}` for undefined).
 * When some option has no default, `required` names it ("nClusters", "size or weights"): the
 * options are then required and the message says what they must hold.
 *
 * @example
 * ```ts
 * import { checkOptions } from "@nnc/tensor";
 * const o = checkOptions<{ k?: number }>(undefined, "op");
 * console.log(o.k ?? 5); // 5
 * try {
 *   checkOptions(undefined, "KMeans", "nClusters");
 * } catch (e) {
 *   console.log((e as Error).message); // KMeans: options must be an object with nClusters, got undefined
 * }
 * ```
 */
export function checkOptions<T extends object>(
  options: T | undefined,
  op: string,
  required?: string,
): T {
  if (options === undefined && required === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    const what = required === undefined ? "an object" : `an object with ${required}`;
    throw new TypeError(`${op}: options must be ${what}, got ${describe(options)}`);
  }
  return options;
}

/**
 * Checks that `value` is an integer in `[min, max]` and returns it.
 *
 * @example
 * ```ts
 * import { checkInt } from "@nnc/tensor";
 * console.log(checkInt(4, "Conv2d", "kernelSize", 1)); // 4
 * ```
 */
export function checkInt(
  value: unknown,
  op: string,
  name: string,
  min = -Infinity,
  max = Infinity,
): number {
  return checkRange(value, op, name, min, max, true);
}

/** The check behind {@link checkInt} and {@link checkNumber}. */
function checkRange(
  value: unknown,
  op: string,
  name: string,
  min: number,
  max: number,
  integer: boolean,
): number {
  const kind = integer ? Number.isSafeInteger : Number.isFinite;
  if (typeof value !== "number" || !kind(value) || value < min || value > max) {
    throw new RangeError(
      `${op}: ${name} must be ${rangeText(min, max, integer)}, got ${describe(value)}`,
    );
  }
  return value;
}

/** "an integer >= 1", "a number in [0, 1]", "a finite number": the wording of every range check. */
function rangeText(min: number, max: number, integer: boolean): string {
  const kind = integer ? "an integer" : "a finite number";
  if (min === -Infinity && max === Infinity) return kind;
  if (max === Infinity) return `${kind} >= ${min}`;
  if (min === -Infinity) return `${kind} <= ${max}`;
  return `${integer ? "an integer" : "a number"} in [${min}, ${max}]`;
}

/**
 * Checks a per-dimension integer option: one integer in `[min, max]` for every one of `length`
 * dimensions, or an array of exactly `length` such integers. Returns the `length` integers.
 *
 * @example
 * ```ts
 * import { checkIntTuple } from "@nnc/tensor";
 * console.log(checkIntTuple(3, 2, "Conv2d", "kernelSize", 1)); // [ 3, 3 ]
 * console.log(checkIntTuple([1, 2], 2, "Conv2d", "stride", 1)); // [ 1, 2 ]
 * ```
 */
export function checkIntTuple(
  value: unknown,
  length: number,
  op: string,
  name: string,
  min = -Infinity,
  max = Infinity,
): number[] {
  // A tuple has one entry per dimension: a length beyond 2^16 is a caller's mistake, not a shape.
  const sane = Number.isSafeInteger(length) && length >= 0 && length <= 2 ** 16;
  const list = typeof value === "number" && sane
    ? new Array<number>(length).fill(value)
    : Array.isArray(value)
    ? [...value]
    : null;
  const isInt = (e: unknown) =>
    typeof e === "number" && Number.isSafeInteger(e) && e >= min && e <= max;
  if (list === null || list.length !== length || !list.every(isInt)) {
    const got = Array.isArray(value) && value.length <= 8
      ? `[${value.map(describe).join(", ")}]`
      : describe(value);
    const message =
      `${op}: ${name} must be ${rangeText(min, max, true)} or an array of ${length} ` +
      `such integers, got ${got}`;
    throw list === null ? new TypeError(message) : new RangeError(message);
  }
  return list;
}

/**
 * Checks that `value` is a finite number in `[min, max]` and returns it.
 *
 * @example
 * ```ts
 * import { checkNumber } from "@nnc/tensor";
 * console.log(checkNumber(0.5, "Dropout", "p", 0, 1)); // 0.5
 * ```
 */
export function checkNumber(
  value: unknown,
  op: string,
  name: string,
  min = -Infinity,
  max = Infinity,
): number {
  return checkRange(value, op, name, min, max, false);
}

/**
 * Checks that `value` is a finite number strictly greater than zero and returns it.
 *
 * @example
 * ```ts
 * import { checkPositive } from "@nnc/tensor";
 * console.log(checkPositive(0.01, "SGD", "lr")); // 0.01
 * ```
 */
export function checkPositive(value: unknown, op: string, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${op}: ${name} must be a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks that `value` is a probability in `[0, 1)` (or `[0, 1]` when `closed`) and returns it.
 *
 * @example
 * ```ts
 * import { checkProbability } from "@nnc/tensor";
 * console.log(checkProbability(0.9, "Adam", "beta1")); // 0.9
 * ```
 */
export function checkProbability(
  value: unknown,
  op: string,
  name: string,
  closed = false,
): number {
  if (typeof value !== "number" || !(value >= 0) || (closed ? value > 1 : value >= 1)) {
    throw new RangeError(
      `${op}: ${name} must be a number in [0, 1${closed ? "]" : ")"}, got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Checks that `value` is a boolean and returns it.
 *
 * @example
 * ```ts
 * import { checkBool } from "@nnc/tensor";
 * console.log(checkBool(true, "LSTM", "batchFirst")); // true
 * ```
 */
export function checkBool(value: unknown, op: string, name: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks that `value` is one of `choices` and returns it, typed as the union of the choices.
 *
 * @example
 * ```ts
 * import { checkOneOf } from "@nnc/tensor";
 * const r = checkOneOf("sum", "mseLoss", "reduction", ["mean", "sum", "none"] as const);
 * console.log(r); // sum
 * ```
 */
export function checkOneOf<const T extends string | number | boolean>(
  value: unknown,
  op: string,
  name: string,
  choices: readonly T[],
): T {
  if (!Array.isArray(choices)) {
    throw new TypeError(`checkOneOf: choices must be an array, got ${describe(choices)}`);
  }
  if (!choices.includes(value as T)) {
    const list = choices.map((c) => typeof c === "string" ? JSON.stringify(c) : String(c));
    throw new RangeError(
      `${op}: ${name} must be one of ${list.join(", ")}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/**
 * Checks that `value` is a function and returns it.
 *
 * @example
 * ```ts
 * import { checkFunction } from "@nnc/tensor";
 * const f = checkFunction<(x: number) => number>((x: number) => x * 2, "map", "fn");
 * console.log(f(3)); // 6
 * ```
 */
// deno-lint-ignore no-explicit-any
export function checkFunction<F extends (...args: any[]) => unknown>(
  value: unknown,
  op: string,
  name: string,
): F {
  if (typeof value !== "function") {
    throw new TypeError(`${op}: ${name} must be a function, got ${describe(value)}`);
  }
  return value as F;
}

/**
 * Checks that `value` is a floating-point dtype (`"float32"` or `"float64"`) and returns it.
 *
 * @example
 * ```ts
 * import { checkFloatDType } from "@nnc/tensor";
 * console.log(checkFloatDType("float64", "Linear")); // float64
 * ```
 */
export function checkFloatDType(value: unknown, op: string, name = "dtype"): DType {
  if (value !== "float32" && value !== "float64") {
    throw new TypeError(`${op}: ${name} must be "float32" or "float64", got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks that `value` is an `NDArray` (a `TypeError` naming `op` and `name` otherwise); narrows
 * its type for the caller.
 *
 * @example
 * ```ts
 * import { array, checkNDArray } from "@nnc/tensor";
 * const x: unknown = array([1, 2, 3]);
 * checkNDArray(x, "sum", "x");
 * console.log(x.shape); // [ 3 ]
 * ```
 */
export function checkNDArray(value: unknown, op: string, name: string): asserts value is NDArray {
  if (!(value instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(value)}`);
  }
}

/**
 * Checks a file path argument, a non-empty string or a `file:` URL, and returns it as a path
 * string (a URL's path decoded), the form every file API and error message takes.
 *
 * @example
 * ```ts
 * import { checkPath } from "@nnc/tensor";
 * console.log(checkPath(new URL("file:///tmp/a%20b.csv"), "readCsv")); // /tmp/a b.csv
 * ```
 */
export function checkPath(value: unknown, op: string, name = "path"): string {
  if (typeof value === "string" && value !== "") return value;
  if (value instanceof URL && value.protocol === "file:") return decodeURIComponent(value.pathname);
  const got = value instanceof URL ? value.href : describe(value);
  throw new TypeError(
    `${op}: ${name} must be a file path (a non-empty string or a file: URL), got ${got}`,
  );
}

/**
 * An `NDArray`, or anything that carries one in a `data` field (an autograd `Tensor`, say): what
 * functions accept that read values but need no gradients (metrics, plots).
 *
 * @example
 * ```ts
 * import { array, type NDArrayLike } from "@nnc/tensor";
 * const a: NDArrayLike = array([1, 2]);
 * const b: NDArrayLike = { data: array([3, 4]) };
 * console.log(a instanceof Object, b.data.shape); // true [ 2 ]
 * ```
 */
export type NDArrayLike = NDArray | { readonly data: NDArray };

/**
 * The `NDArray` behind an {@link NDArrayLike} argument; a `TypeError` naming `op` and `name` for
 * anything else.
 *
 * @example
 * ```ts
 * import { array, asNDArray } from "@nnc/tensor";
 * console.log(asNDArray({ data: array([1, 2]) }, "accuracy", "output").shape); // [ 2 ]
 * ```
 */
export function asNDArray(value: unknown, op: string, name: string): NDArray {
  if (value instanceof NDArray) return value;
  const inner = (value as { data?: unknown } | null)?.data;
  if (inner instanceof NDArray) return inner;
  throw new TypeError(`${op}: ${name} must be an NDArray or a Tensor, got ${describe(value)}`);
}

/**
 * A 1-d index given as an NDArray of any dtype or a list of numbers, as a contiguous int32 array
 * (the argument itself when it already is one), every entry checked to be an integer in
 * `[0, size)`. Messages name `op`, the argument and the first offending position; `what` describes
 * the range (default `0..size-1`).
 *
 * @example
 * ```ts
 * import { checkIndexList } from "@nnc/tensor";
 * console.log(checkIndexList([2, 0], 3, "segmentReduce", "index").toArray()); // [ 2, 0 ]
 * try {
 *   checkIndexList([0, 3], 3, "GCNConv", "edgeIndex[1]");
 * } catch (e) {
 *   console.log((e as Error).message); // GCNConv: edgeIndex[1][1] = 3 is outside 0..2
 * }
 * ```
 */
export function checkIndexList(
  value: unknown,
  size: number,
  op: string,
  name: string,
  what: string = `0..${size - 1}`,
): NDArray {
  let data: ArrayLike<number>, offset = 0, stride = 1, length: number;
  if (value instanceof NDArray) {
    if (value.ndim !== 1) {
      throw new RangeError(`${op}: ${name} must be 1-d, got shape ${fmtShape(value.shape)}`);
    }
    data = value.data;
    offset = value.offset;
    stride = value.strides[0];
    length = value.size;
  } else if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    data = value as ArrayLike<number>;
    length = data.length;
  } else {
    throw new TypeError(
      `${op}: ${name} must be a 1-d int32 NDArray or a list of integers, got ${describe(value)}`,
    );
  }
  const reuse = value instanceof NDArray && value.dtype === "int32" && stride === 1;
  const out = reuse ? null : new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const v = data[offset + i * stride];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(`${op}: ${name}[${i}] = ${describe(v)} is not an integer`);
    }
    if (v < 0 || v >= size) {
      throw new RangeError(
        `${op}: ${name}[${i}] = ${v} is outside ${size === 0 ? "an empty range" : what}`,
      );
    }
    if (out !== null) out[i] = v;
  }
  return out === null ? value as NDArray : NDArray.fromTyped(out, [length]);
}
