// Input conversion and checks specific to the learners (matrices and vectors of samples, feature
// counts), built on @nnc/tensor's check functions: every message names the learner, the value and
// the expectation.
import { array, checkFloatDType, describe, type DType, fmtShape, NDArray, Rng } from "@nnc/tensor";
import type { MatrixLike, VectorLike } from "./types.ts";

export type { MatrixLike, VectorLike };

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

/**
 * The `dtype` and `rng` options a model builder passes down to its layers, checked so that errors
 * name the model (`GPT: dtype must be "float32" or "float64", got "float16"`).
 */
export function layerOptions(
  o: { dtype?: unknown; rng?: unknown },
  op: string,
): { dtype: DType | undefined; rng: Rng | undefined } {
  const dtype = o.dtype === undefined || o.dtype === null
    ? undefined
    : checkFloatDType(o.dtype, op);
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new TypeError(`${op}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  return { dtype, rng: o.rng };
}

/**
 * Throws a RangeError naming `op` when a weight of the given dimensions (named by `what`, e.g.
 * `"inChannels × hiddenChannels"`) would have more than 2^31-1 elements.
 */
export function checkWeightSize(op: string, what: string, ...dims: number[]): void {
  const n = dims.reduce((p, d) => p * d, 1);
  if (n > 2 ** 31 - 1) {
    throw new RangeError(`${op}: ${what} = ${dims.join(" × ")} exceeds 2^31-1 weights`);
  }
}
