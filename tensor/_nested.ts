// Conversion between nested JavaScript arrays and NDArrays.
import { describe } from "./check.ts";
import type { NDArray } from "./ndarray.ts";

/** A number or arbitrarily nested arrays of numbers (what `toArray()` returns). */
export type NestedArray = number | NestedArray[];

/** Shape of a rectangular nested array, or a RangeError naming the ragged position. */
export function nestedShape(data: unknown, op: string): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  checkRectangular(data, shape, 0, op, []);
  return shape;
}

function checkRectangular(
  v: unknown,
  shape: number[],
  depth: number,
  op: string,
  path: number[],
): void {
  if (depth === shape.length) {
    if (typeof v !== "number" && typeof v !== "boolean") {
      throw new TypeError(
        `${op}: element at [${path.join(", ")}] is ${describe(v)}, expected a number`,
      );
    }
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    throw new RangeError(
      `${op}: ragged nested array: entry at [${path.join(", ")}] has ${
        Array.isArray(v) ? `length ${v.length}` : describe(v)
      }, expected length ${shape[depth]}`,
    );
  }
  for (let i = 0; i < v.length; i++) checkRectangular(v[i], shape, depth + 1, op, [...path, i]);
}

/** Writes the leaves of a rectangular nested array into `out` in row-major order. */
export function flattenInto(data: unknown, out: { [i: number]: number }): void {
  let k = 0;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) { for (const e of v) walk(e); }
    else out[k++] = Number(v);
  };
  walk(data);
}

/** Nested arrays of an NDArray's elements, read through its strides. */
export function toNested(x: NDArray): NestedArray {
  const data = x.data;
  const build = (dim: number, pos: number): NestedArray => {
    if (dim === x.ndim) return data[pos];
    const n = x.shape[dim], s = x.strides[dim];
    const out = new Array<NestedArray>(n);
    for (let i = 0; i < n; i++) out[i] = build(dim + 1, pos + i * s);
    return out;
  };
  return build(0, x.offset);
}
