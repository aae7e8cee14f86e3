// Argument checks shared by the learners: every message names the learner, the value and the expectation.
import { array, NDArray } from "@nnc/tensor";
import type { MatrixLike, VectorLike } from "./types.ts";

export type { MatrixLike, VectorLike };

/** `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Describes a value for an error message without dumping it. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof NDArray) return `an NDArray of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  return typeof v;
}

/**
 * A 2-d contiguous float array from `x` (nested arrays become float64; int32 becomes float64; float32 and
 * float64 arrays are kept, copied only when not contiguous). Checks that every value is finite.
 */
export function toMatrix(op: string, x: unknown, name = "x", checkFinite = true): NDArray {
  let m: NDArray;
  if (x instanceof NDArray) {
    m = x;
  } else if (Array.isArray(x)) {
    if (x.length === 0 || !x.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) {
      throw new TypeError(
        `${op}: ${name} must be a 2-d NDArray or a non-empty array of rows, got ${describe(x)}`,
      );
    }
    const d = (x[0] as ArrayLike<number>).length;
    const rows = x as readonly ArrayLike<number>[];
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].length !== d) {
        throw new RangeError(
          `${op}: row ${i} of ${name} has ${rows[i].length} values, expected ${d} like row 0`,
        );
      }
    }
    const data = new Float64Array(rows.length * d);
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j < d; j++) {
        const v = rows[i][j];
        if (typeof v !== "number") {
          throw new TypeError(`${op}: ${name}[${i}][${j}] must be a number, got ${describe(v)}`);
        }
        data[i * d + j] = v;
      }
    }
    m = array(data, { shape: [rows.length, d] });
  } else {
    throw new TypeError(
      `${op}: ${name} must be a 2-d NDArray or an array of rows, got ${describe(x)}`,
    );
  }
  if (m.ndim !== 2) {
    throw new RangeError(
      `${op}: ${name} must be 2-d [samples, features], got shape ${fmtShape(m.shape)}`,
    );
  }
  if (m.dtype === "int32") m = m.astype("float64");
  if (!m.isContiguous) m = m.contiguous();
  if (checkFinite) assertFinite(op, m, name);
  return m;
}

/** A Float64Array copy of a vector (NDArray of any rank-1 shape, typed array, or plain array). */
export function toVector(op: string, v: unknown, name: string, length?: number): Float64Array {
  let out: Float64Array;
  if (v instanceof NDArray) {
    if (v.ndim !== 1) {
      throw new RangeError(`${op}: ${name} must be 1-d, got shape ${fmtShape(v.shape)}`);
    }
    const c = v.contiguous();
    out = Float64Array.from(c.data.subarray(c.offset, c.offset + c.size));
  } else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = v as ArrayLike<unknown>;
    out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      if (typeof a[i] !== "number") {
        throw new TypeError(`${op}: ${name}[${i}] must be a number, got ${describe(a[i])}`);
      }
      out[i] = a[i] as number;
    }
  } else {
    throw new TypeError(
      `${op}: ${name} must be a vector (NDArray, typed array or array), got ${describe(v)}`,
    );
  }
  if (length !== undefined && out.length !== length) {
    throw new RangeError(`${op}: ${name} has length ${out.length}, expected ${length}`);
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new RangeError(`${op}: ${name}[${i}] is ${out[i]}, expected a finite number`);
    }
  }
  return out;
}

/** Throws a RangeError naming the first NaN or infinite entry of a contiguous 2-d array. */
export function assertFinite(op: string, m: NDArray, name = "x"): void {
  const d = m.data, off = m.offset, n = m.size;
  // A sum is NaN exactly when some entry is NaN or ±Inf (or they cancel to NaN), so scan fast first.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += d[off + i] * 0;
    s1 += d[off + i + 1] * 0;
    s2 += d[off + i + 2] * 0;
    s3 += d[off + i + 3] * 0;
  }
  for (; i < n; i++) s0 += d[off + i] * 0;
  if (s0 + s1 + s2 + s3 === 0) return;
  const cols = m.ndim === 2 ? m.shape[1] : n;
  for (let i = 0; i < n; i++) {
    const v = d[off + i];
    if (!Number.isFinite(v)) {
      const where = m.ndim === 2 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new RangeError(`${op}: ${name} contains ${v} at ${where}; expected finite values`);
    }
  }
}

/** Checks an integer option against a lower bound. */
export function checkInt(op: string, name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${describe(v)}`);
  }
  return v;
}

/** Checks a finite number option, optionally bounded. */
export function checkNumber(
  op: string,
  name: string,
  v: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    const range = min === -Infinity && max === Infinity
      ? "a finite number"
      : max === Infinity
      ? `a finite number >= ${min}`
      : min === -Infinity
      ? `a finite number <= ${max}`
      : `a number in [${min}, ${max}]`;
    throw new RangeError(`${op}: ${name} must be ${range}, got ${describe(v)}`);
  }
  return v;
}

/** Checks a string option against its allowed values. */
export function checkChoice<T extends string>(
  op: string,
  name: string,
  v: unknown,
  choices: readonly T[],
): T {
  if (typeof v !== "string" || !choices.includes(v as T)) {
    throw new RangeError(
      `${op}: ${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${
        describe(v)
      }`,
    );
  }
  return v as T;
}

/** Checks the feature count of a matrix against a fitted model. */
export function checkFeatures(op: string, m: NDArray, expected: number, name = "x"): void {
  if (m.shape[1] !== expected) {
    throw new RangeError(
      `${op}: ${name} has ${m.shape[1]} features (shape ${
        fmtShape(m.shape)
      }), expected ${expected}`,
    );
  }
}

/** The typed array view of row `i` of a contiguous 2-d array. */
export function rowOf(m: NDArray, i: number): ArrayLike<number> {
  const d = m.shape[1];
  return m.data.subarray(m.offset + i * d, m.offset + (i + 1) * d);
}

/** A contiguous float64 copy of a 2-d array's values. */
export function toFloat64(m: NDArray): Float64Array {
  const c = m.contiguous();
  return Float64Array.from(c.data.subarray(c.offset, c.offset + c.size));
}

/** Wraps a Float64Array as a `[rows, cols]` NDArray (no copy). */
export function matrixOf(data: Float64Array, rows: number, cols: number): NDArray {
  return NDArray.fromTyped(data, [rows, cols]);
}
