/**
 * Comparing arrays in tests: {@link allclose} answers yes or no with NumPy's rule, and
 * {@link assertClose} throws an {@link AssertionError} that says where and by how much two
 * arrays differ. Both accept NDArrays (read through their strides), nested arrays and numbers.
 *
 * @module
 */
import { describe } from "./_describe.ts";
import { NDArray } from "./ndarray.ts";
import { fmtShape, sameShape, sizeOf } from "./shape.ts";
import { flattenInto, nestedShape } from "./_nested.ts";
import { readInto } from "./_read_strided.ts";
import { allocTyped, type TypedArray } from "./dtype.ts";
import { checkBool, checkNumber, checkOptions } from "./check.ts";

/** What {@link allclose} and {@link assertClose} compare: an NDArray, a nested array or a number. */
export type Comparable = NDArray | NestedNumbers;

/** A number or (possibly readonly) nested arrays of numbers. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Tolerances of {@link allclose}. */
export interface AllcloseOptions {
  /** Relative tolerance, scaled by `|expected|`. Default `1e-5`. */
  rtol?: number;
  /** Absolute tolerance. Default `1e-8`. */
  atol?: number;
  /** Count NaN as equal to NaN. Default false. */
  equalNan?: boolean;
}

/** Options of {@link assertClose}. */
export interface AssertCloseOptions extends AllcloseOptions {
  /** Text put before the details in the error message. */
  message?: string;
}

/**
 * The error {@link assertClose} throws (`name` is `"AssertionError"`, as Node's and Deno std's).
 *
 * @example
 * ```ts
 * import { AssertionError } from "@nnc/tensor";
 * console.assert(new AssertionError("x").name === "AssertionError");
 * ```
 */
export class AssertionError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    if (typeof message !== "string") {
      throw new TypeError(`AssertionError: message must be a string, got ${describe(message)}`);
    }
    super(message);
    this.name = "AssertionError";
  }
}

/**
 * True when `a` and `b` have the same shape and every pair of elements satisfies
 * `|a - b| <= atol + rtol * |b|` (NumPy's `allclose`, without broadcasting: different shapes are
 * never close). Equal infinities are close; NaN is close to NaN only with `equalNan`.
 *
 * @example
 * ```ts
 * import { allclose, NDArray } from "@nnc/tensor";
 * const a = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * console.assert(allclose(a, [[1, 2], [3, 4.000001]]));
 * console.assert(!allclose(a, [1, 2, 3, 4])); // shapes differ
 * console.assert(allclose(a.transpose(), [[1, 3], [2, 4]]));
 * ```
 */
export function allclose(a: Comparable, b: Comparable, options: AllcloseOptions = {}): boolean {
  const { rtol, atol, equalNan } = checkTolerances(options, "allclose");
  const x = flatten(a, "allclose", "first argument");
  const y = flatten(b, "allclose", "second argument");
  if (!sameShape(x.shape, y.shape)) return false;
  const xv = x.values, yv = y.values;
  for (let i = 0; i < xv.length; i++) {
    if (!isClose(xv[i], yv[i], rtol, atol, equalNan)) return false;
  }
  return true;
}

/**
 * Throws an {@link AssertionError} unless `actual` and `expected` are {@link allclose}. The
 * message gives the shape, how many elements mismatch, the worst one (index, both values) and
 * the largest absolute and relative differences.
 *
 * @example
 * ```ts
 * import { assertClose, NDArray } from "@nnc/tensor";
 * const y = NDArray.fromTyped(new Float32Array([1, 2, 3, 4]), [2, 2]);
 * assertClose(y, [[1, 2], [3, 4]]);
 * try {
 *   assertClose(y, [[1, 2], [3, 5]]);
 * } catch (e) {
 *   console.assert((e as Error).message.includes("1 of 4 elements"));
 * }
 * ```
 */
export function assertClose(
  actual: Comparable,
  expected: Comparable,
  options: AssertCloseOptions = {},
): void {
  const { rtol, atol, equalNan } = checkTolerances(options, "assertClose");
  const message = options.message;
  if (message !== undefined && typeof message !== "string") {
    throw new TypeError(`assertClose: message must be a string, got ${typeof message}`);
  }
  const x = flatten(actual, "assertClose", "actual");
  const y = flatten(expected, "assertClose", "expected");
  const head = message ? `${message}\n` : "";
  if (!sameShape(x.shape, y.shape)) {
    throw new AssertionError(
      `${head}assertClose: shapes differ: actual ${fmtShape(x.shape)}, expected ${
        fmtShape(y.shape)
      }`,
    );
  }
  const report = compare(x.values, y.values, rtol, atol, equalNan);
  if (report.mismatches === 0) return;
  const n = x.values.length;
  const at = (i: number) => fmtShape(unravel(i, x.shape));
  const w = report.worst;
  const pct = short(100 * report.mismatches / n, 3);
  const lines = [
    `assertClose: arrays are not close (rtol=${rtol}, atol=${atol}${equalNan ? ", equalNan" : ""})`,
    `  shape ${fmtShape(x.shape)}: ${report.mismatches} of ${n} elements mismatch (${pct}%)`,
    `  worst at ${at(w)}: actual ${x.values[w]}, expected ${y.values[w]}` +
    ` (allowed difference ${short(atol + rtol * Math.abs(y.values[w]), 6)})`,
  ];
  if (report.absAt >= 0) lines.push(`  max abs diff ${report.maxAbs} at ${at(report.absAt)}`);
  if (report.relAt >= 0) lines.push(`  max rel diff ${report.maxRel} at ${at(report.relAt)}`);
  throw new AssertionError(head + lines.join("\n"));
}

// ----- helpers -----

function checkTolerances(options: AllcloseOptions, op: string): Required<AllcloseOptions> {
  const o = checkOptions(options, op);
  return {
    rtol: checkNumber(o.rtol ?? 1e-5, op, "rtol", 0),
    atol: checkNumber(o.atol ?? 1e-8, op, "atol", 0),
    equalNan: checkBool(o.equalNan ?? false, op, "equalNan"),
  };
}

function isClose(a: number, b: number, rtol: number, atol: number, equalNan: boolean): boolean {
  if (a === b) return true;
  if (a !== a || b !== b) return equalNan && a !== a && b !== b;
  // Unequal infinities (or an infinity against a finite value) are never close.
  if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) return false;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

interface Flat {
  shape: number[];
  values: TypedArray;
}

/** The elements in row-major order: the storage itself when contiguous, else a compact copy. */
function elements(x: NDArray): TypedArray {
  if (x.isContiguous) return x.data.subarray(x.offset, x.offset + x.size);
  const out = allocTyped(x.dtype, x.size);
  readInto(x, out, 0);
  return out;
}

function flatten(v: Comparable, op: string, which: string): Flat {
  if (v instanceof NDArray) return { shape: [...v.shape], values: elements(v) };
  if (typeof v === "number") return { shape: [], values: new Float64Array([v]) };
  if (Array.isArray(v)) {
    const shape = nestedShape(v, `${op} (${which})`);
    const values = new Float64Array(sizeOf(shape));
    flattenInto(v, values);
    return { shape, values };
  }
  throw new TypeError(
    `${op}: ${which} must be an NDArray, a number or a nested array of numbers, got ${
      v === null ? "null" : typeof v
    }`,
  );
}

interface Report {
  mismatches: number;
  worst: number;
  maxAbs: number;
  absAt: number;
  maxRel: number;
  relAt: number;
}

function compare(
  x: TypedArray,
  y: TypedArray,
  rtol: number,
  atol: number,
  equalNan: boolean,
): Report {
  const r: Report = { mismatches: 0, worst: -1, maxAbs: -1, absAt: -1, maxRel: -1, relAt: -1 };
  let worstDiff = -1;
  for (let i = 0; i < x.length; i++) {
    const a = x[i], b = y[i];
    if (a === b) continue;
    const d = Math.abs(a - b);
    if (d === d && d !== Infinity) {
      if (d > r.maxAbs) [r.maxAbs, r.absAt] = [d, i];
      const rel = d / Math.abs(b);
      if (rel > r.maxRel) [r.maxRel, r.relAt] = [rel, i];
    }
    if (isClose(a, b, rtol, atol, equalNan)) continue;
    r.mismatches++;
    // A NaN or infinite difference outranks every finite one.
    const severity = d === d ? d : Infinity;
    if (severity > worstDiff) [worstDiff, r.worst] = [severity, i];
  }
  return r;
}

/** A number to `digits` significant digits without trailing zeros (`33.3`, `100`, `0.00003001`). */
function short(v: number, digits: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}
