// Test helpers for the indexing, ordering, joining and padding tests: arrays in several memory
// layouts holding the same logical values, and element readers that rely only on NDArray's fields.
import assert from "node:assert/strict";
import { NDArray, Storage } from "./ndarray.ts";
import { contiguousStrides, sizeOf } from "./shape.ts";
import type { NestedArray } from "./_nested.ts";

/** A typed-array constructor of one of the dtypes. */
export type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/** How the logical values of a test array sit in memory. */
export type Layout = "contiguous" | "transposed" | "strided" | "reversed";

/** Every layout, for tests that run over all of them. */
export const LAYOUTS: readonly Layout[] = ["contiguous", "transposed", "strided", "reversed"];

/** Shape of a rectangular nested array. */
export function shapeOf(nested: NestedArray): number[] {
  const shape: number[] = [];
  let level = nested;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

/** Leaves of a nested array in row-major order. */
export function flat(nested: NestedArray): number[] {
  return Array.isArray(nested) ? nested.flatMap((v) => flat(v)) : [nested];
}

/**
 * An array with the given logical values (nested, or flat with `shape`) stored in `layout`:
 * contiguous; with axes stored in reverse order (a transposed view); every other element of a
 * larger buffer at an offset; or backwards (negative strides).
 */
export function make(
  values: NestedArray,
  ctor: Ctor = Float32Array,
  layout: Layout = "contiguous",
  shape: readonly number[] = shapeOf(values),
): NDArray {
  const v = flat(values);
  const n = sizeOf(shape);
  assert.equal(v.length, n, "make: values and shape disagree");
  let strides: number[], offset: number, length: number;
  switch (layout) {
    case "contiguous":
      return NDArray.fromTyped(ctor.from(v), shape);
    case "transposed": {
      const rev = contiguousStrides([...shape].reverse()).reverse();
      [strides, offset, length] = [rev, 0, n];
      break;
    }
    case "strided":
      [strides, offset, length] = [contiguousStrides(shape).map((s) => 2 * s), 3, 2 * n + 3];
      break;
    case "reversed":
      [strides, offset, length] = [contiguousStrides(shape).map((s) => -s), Math.max(n - 1, 0), n];
      break;
  }
  const data = new ctor(length).fill(-777);
  const a = new NDArray(new Storage(data), shape, strides, offset);
  positions(a).forEach((p, i) => (data[p] = v[i]));
  return a;
}

/** Storage positions of the elements of `a` in row-major order. */
export function positions(a: NDArray): number[] {
  const out: number[] = [];
  const n = a.size;
  const idx = new Array<number>(a.ndim).fill(0);
  for (let i = 0; i < n; i++) {
    let p = a.offset;
    for (let d = 0; d < a.ndim; d++) p += idx[d] * a.strides[d];
    out.push(p);
    for (let d = a.ndim - 1; d >= 0; d--) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Elements of `a` in row-major order. */
export function elements(a: NDArray): number[] {
  return positions(a).map((p) => a.data[p]);
}

/** Asserts shape, dtype (when given) and exact elements (NaN equals NaN; -0 differs from +0). */
export function assertArray(actual: NDArray, expected: NestedArray, dtype?: string): void {
  assert.deepEqual([...actual.shape], shapeOf(expected), "shape");
  if (dtype !== undefined) assert.equal(actual.dtype, dtype, "dtype");
  assert.deepEqual(elements(actual), flat(expected));
}

/** Asserts that `fn` throws an error of `type` whose message equals `message` exactly. */
export function assertThrowsExact(
  fn: () => unknown,
  type: ErrorConstructor,
  message: string,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}
