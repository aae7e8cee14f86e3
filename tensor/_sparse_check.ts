// Argument checks shared by the sparse and segment frontends: 1-d index lists whose every entry is
// an integer inside a range, and float operands.
import { describe } from "./check.ts";
import { NDArray } from "./ndarray.ts";
import { fmtShape } from "./shape.ts";

/**
 * A contiguous int32 copy (or the array itself, when it is one) of a 1-d index given as an NDArray of any dtype
 * or a list of numbers, every entry checked to be an integer in `[0, size)`. Messages name `op`,
 * the argument and the first offending position.
 */
export function indexList(
  value: unknown,
  size: number,
  op: string,
  name: string,
  what = `0..${size - 1}`,
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

/** Throws a TypeError unless `x` is a float NDArray. */
export function checkFloatArray(x: unknown, op: string, name: string): asserts x is NDArray {
  if (!(x instanceof NDArray)) {
    throw new TypeError(`${op}: ${name} must be an NDArray, got ${describe(x)}`);
  }
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new TypeError(`${op}: ${name} must be float32 or float64, got ${x.dtype}`);
  }
}
