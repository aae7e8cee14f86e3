/**
 * Creating arrays: from data, filled, ranges, identity.
 *
 * @module
 */
import { allocTyped, checkDType, type DType, dtypeOf, type TypedArray } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { checkShape, fmtShape, sizeOf } from "./shape.ts";
import { flattenInto, type NestedArray, nestedShape } from "./_nested.ts";
import { checkInt, checkNumber, checkOptions, describe } from "./check.ts";

/** Options of {@link array}. */
export interface ArrayOptions {
  /** Element type; default float32 (or the typed array's own type). */
  dtype?: DType;
  /** Shape; required to give a typed array more than one dimension. */
  shape?: readonly number[];
}

/** Options naming only a dtype. */
export interface DTypeOptions {
  /** Element type; default float32. */
  dtype?: DType;
}

/**
 * An array from a number, nested arrays or a typed array (a typed array of the target dtype is
 * wrapped without copying).
 *
 * @example
 * ```ts
 * import { array } from "@nnc/tensor";
 * const a = array([[1, 2], [3, 4]], { dtype: "float64" });
 * console.assert(a.shape.join() === "2,2" && a.dtype === "float64");
 * const b = array(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
 * console.assert(b.get(1, 2) === 6);
 * ```
 */
export function array(
  data: NestedArray | TypedArray | readonly number[],
  options: ArrayOptions = {},
): NDArray {
  options = checkOptions(options, "array");
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype === undefined ? dtypeOf(data) : checkDType(options.dtype, "array");
    const shape = options.shape ?? [data.length];
    checkShape(shape, "array");
    if (sizeOf(shape) !== data.length) {
      throw new RangeError(
        `array: shape ${fmtShape(shape)} needs ${sizeOf(shape)} elements, got ${data.length}`,
      );
    }
    const typed = dtypeOf(data) === dtype ? data : convertTyped(data, dtype);
    return new NDArray(new Storage(typed), shape);
  }
  const dtype = checkDType(options.dtype ?? "float32", "array");
  const natural = nestedShape(data, "array");
  const typed = allocTyped(dtype, sizeOf(natural));
  flattenInto(data, typed);
  const arr = new NDArray(new Storage(typed), natural);
  if (options.shape === undefined) return arr;
  checkShape(options.shape, "array");
  return arr.reshape([...options.shape]);
}

function convertTyped(data: TypedArray, dtype: DType): TypedArray {
  const out = allocTyped(dtype, data.length);
  if (dtype === "int32") { for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]); }
  else out.set(data);
  return out;
}

/**
 * An uninitialised-in-spirit array: zero-filled, as every JS allocation is. Use when every element will be written.
 *
 * @example
 * ```ts
 * import { empty } from "@nnc/tensor";
 * console.assert(empty([2, 3]).size === 6);
 * ```
 */
export function empty(shape: readonly number[], options: DTypeOptions = {}): NDArray {
  return make(shape, options, "empty");
}

/** A zero-filled array, with the shape and the options checked under the caller's name. */
function make(shape: readonly number[], options: DTypeOptions | undefined, op: string): NDArray {
  const dtype = checkDType(checkOptions(options, op).dtype ?? "float32", op);
  checkShape(shape, op);
  return new NDArray(new Storage(allocTyped(dtype, sizeOf(shape))), shape);
}

function checkLike(x: unknown, op: string): asserts x is NDArray {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`${op}: expected an NDArray, got ${describe(x)}`);
  }
}

/**
 * An array of zeros.
 *
 * @example
 * ```ts
 * import { zeros } from "@nnc/tensor";
 * console.assert(zeros([2, 2]).sum().item() === 0);
 * ```
 */
export function zeros(shape: readonly number[], options: DTypeOptions = {}): NDArray {
  return make(shape, options, "zeros");
}

/**
 * An array of ones.
 *
 * @example
 * ```ts
 * import { ones } from "@nnc/tensor";
 * console.assert(ones([2, 3]).sum().item() === 6);
 * ```
 */
export function ones(shape: readonly number[], options: DTypeOptions = {}): NDArray {
  const out = make(shape, options, "ones");
  out.data.fill(1);
  return out;
}

/**
 * An array filled with one value.
 *
 * @example
 * ```ts
 * import { full } from "@nnc/tensor";
 * console.assert(full([3], 7, { dtype: "int32" }).toArray().toString() === "7,7,7");
 * ```
 */
export function full(shape: readonly number[], value: number, options: DTypeOptions = {}): NDArray {
  if (typeof value !== "number") {
    throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  }
  const out = make(shape, options, "full");
  out.data.fill(value);
  return out;
}

/**
 * Zeros with the shape and dtype of another array.
 *
 * @example
 * ```ts
 * import { array, zerosLike } from "@nnc/tensor";
 * console.assert(zerosLike(array([1, 2])).shape[0] === 2);
 * ```
 */
export function zerosLike(x: NDArray, options: DTypeOptions = {}): NDArray {
  checkLike(x, "zerosLike");
  return make(x.shape, { dtype: checkOptions(options, "zerosLike").dtype ?? x.dtype }, "zerosLike");
}

/**
 * Ones with the shape and dtype of another array.
 *
 * @example
 * ```ts
 * import { array, onesLike } from "@nnc/tensor";
 * console.assert(onesLike(array([1, 2])).sum().item() === 2);
 * ```
 */
export function onesLike(x: NDArray, options: DTypeOptions = {}): NDArray {
  checkLike(x, "onesLike");
  const out = make(
    x.shape,
    { dtype: checkOptions(options, "onesLike").dtype ?? x.dtype },
    "onesLike",
  );
  out.data.fill(1);
  return out;
}

/**
 * An array of one value with the shape and dtype of another array.
 *
 * @example
 * ```ts
 * import { array, fullLike } from "@nnc/tensor";
 * console.assert(fullLike(array([1, 2]), 3).sum().item() === 6);
 * ```
 */
export function fullLike(x: NDArray, value: number, options: DTypeOptions = {}): NDArray {
  checkLike(x, "fullLike");
  if (typeof value !== "number") {
    throw new TypeError(`fullLike: value must be a number, got ${describe(value)}`);
  }
  const out = make(
    x.shape,
    { dtype: checkOptions(options, "fullLike").dtype ?? x.dtype },
    "fullLike",
  );
  out.data.fill(value);
  return out;
}

/**
 * Evenly spaced values in `[start, stop)`: `arange(stop)` or `arange(start, stop, step)`.
 * Integral arguments give int32 unless a dtype is given (as PyTorch).
 *
 * @example
 * ```ts
 * import { arange } from "@nnc/tensor";
 * console.assert(arange(5).toArray().toString() === "0,1,2,3,4");
 * console.assert(arange(1, 2, 0.25).size === 4);
 * ```
 */
export function arange(
  start: number,
  stop?: number,
  step = 1,
  options: DTypeOptions = {},
): NDArray {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [name, v] of [["start", start], ["stop", stop], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(`arange: ${name} must be a finite number, got ${describe(v)}`);
    }
  }
  if (step === 0) throw new RangeError("arange: step must be non-zero, got 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > 2 ** 31 - 1) {
    throw new RangeError(
      `arange: ${n} elements from ${start} to ${stop} by ${step}; at most 2^31-1`,
    );
  }
  const integral = Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step);
  const o = checkOptions(options, "arange");
  const out = make([n], { dtype: o.dtype ?? (integral ? "int32" : "float32") }, "arange");
  for (let i = 0; i < n; i++) out.data[i] = start + i * step;
  return out;
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive.
 *
 * @example
 * ```ts
 * import { linspace } from "@nnc/tensor";
 * console.assert(linspace(0, 1, 5).toArray().toString() === "0,0.25,0.5,0.75,1");
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num: number,
  options: DTypeOptions = {},
): NDArray {
  checkNumber(start, "linspace", "start");
  checkNumber(stop, "linspace", "stop");
  checkInt(num, "linspace", "num", 0);
  const out = make([num], options, "linspace");
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) out.data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return out;
}

/**
 * Identity matrix with `n` rows and `m` columns (default `n`).
 *
 * @example
 * ```ts
 * import { eye } from "@nnc/tensor";
 * console.assert(eye(3).sum().item() === 3);
 * ```
 */
export function eye(n: number, m: number = n, options: DTypeOptions = {}): NDArray {
  checkInt(n, "eye", "n", 0);
  checkInt(m, "eye", "m", 0);
  const out = make([n, m], options, "eye");
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}
