/**
 * Shape arithmetic shared by every op and by the packages built on this one: strides, sizes,
 * broadcasting, axis normalisation, formatting for messages.
 *
 * @module
 */
import { describe } from "./check.ts";

/**
 * Row-major (C order) strides, in elements, for a shape.
 *
 * @example
 * ```ts
 * import { contiguousStrides } from "@nnc/tensor";
 * console.assert(contiguousStrides([2, 3, 4]).join() === "12,4,1");
 * ```
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  checkList(shape, "contiguousStrides", "shape");
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * ```ts
 * import { sizeOf } from "@nnc/tensor";
 * console.assert(sizeOf([2, 3]) === 6 && sizeOf([]) === 1);
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  checkList(shape, "sizeOf", "shape");
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Throws a RangeError unless every entry is a non-negative safe integer.
 *
 * @example
 * ```ts
 * import { checkShape } from "@nnc/tensor";
 * checkShape([2, 3], "myOp"); // throws a RangeError for [2, -1]
 * ```
 */
export function checkShape(shape: readonly number[], op: string): void {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: shape must be an array of integers, got ${describe(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(
        `${op}: invalid shape [${
          shape.map(describe).join(", ")
        }]; every dimension must be a non-negative integer`,
      );
    }
  }
  if (sizeOf(shape) > 2 ** 31 - 1) {
    throw new RangeError(`${op}: shape [${shape.join(", ")}] has more than 2^31-1 elements`);
  }
}

/**
 * The NumPy broadcast of two shapes, or a RangeError naming the op and both shapes.
 *
 * @example
 * ```ts
 * import { broadcastShapes } from "@nnc/tensor";
 * console.assert(broadcastShapes([3, 1], [4], "add").join() === "3,4");
 * ```
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  checkList(a, op, "shape a");
  checkList(b, op, "shape b");
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes [${a.join(", ")}] and [${b.join(", ")}] cannot be broadcast together`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Checks the rank given to {@link normalizeAxis} and {@link normalizeAxes}. */
function checkRank(ndim: unknown, op: string): void {
  if (typeof ndim !== "number" || !Number.isSafeInteger(ndim) || ndim < 0) {
    throw new TypeError(`${op}: ndim must be an integer >= 0, got ${describe(ndim)}`);
  }
}

/**
 * Resolves a possibly negative axis against a rank, or throws a RangeError.
 *
 * @example
 * ```ts
 * import { normalizeAxis } from "@nnc/tensor";
 * console.assert(normalizeAxis(-1, 3, "sum") === 2);
 * ```
 */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (typeof axis !== "number") {
    throw new TypeError(`${op}: axis must be an integer, got ${describe(axis)}`);
  }
  checkRank(ndim, op);
  // A 0-d array accepts axis 0 and -1, as in PyTorch.
  if (ndim === 0 && (axis === 0 || axis === -1)) return 0;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new RangeError(
      `${op}: axis ${axis} is out of range for an array of rank ${ndim}; expected -${ndim} <= axis < ${ndim}`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Resolves an axis argument (one, several, or all when undefined) into sorted unique axes.
 *
 * @example
 * ```ts
 * import { normalizeAxes } from "@nnc/tensor";
 * console.assert(normalizeAxes([-1, 0], 3, "sum").join() === "0,2");
 * ```
 */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  checkRank(ndim, op);
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof axis !== "number" && !Array.isArray(axis)) {
    throw new TypeError(
      `${op}: axis must be an integer or an array of integers, got ${describe(axis)}`,
    );
  }
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(a, ndim, op));
  const unique = [...new Set(out)].sort((x, y) => x - y);
  if (unique.length !== out.length) {
    throw new RangeError(`${op}: repeated axis in [${list.join(", ")}]`);
  }
  return unique;
}

/**
 * Formats a shape as `[2, 3]` for messages.
 *
 * @example
 * ```ts
 * import { fmtShape } from "@nnc/tensor";
 * console.assert(fmtShape([2, 3]) === "[2, 3]");
 * ```
 */
export function fmtShape(shape: readonly number[]): string {
  checkList(shape, "fmtShape", "shape");
  return `[${shape.map(describe).join(", ")}]`;
}

/**
 * True when two shapes are equal.
 *
 * @example
 * ```ts
 * import { sameShape } from "@nnc/tensor";
 * console.assert(sameShape([2, 3], [2, 3]) && !sameShape([2], [2, 1]));
 * ```
 */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  checkList(a, "sameShape", "a");
  checkList(b, "sameShape", "b");
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws a TypeError unless `value` is an array (a shape, before its entries are looked at). */
function checkList(value: unknown, op: string, name: string): void {
  if (!Array.isArray(value)) {
    throw new TypeError(`${op}: ${name} must be an array of integers, got ${describe(value)}`);
  }
}
