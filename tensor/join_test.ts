import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { chunk, concat, split, stack } from "./join.ts";
import {
  assertArray,
  assertThrowsExact,
  type Ctor,
  elements,
  LAYOUTS,
  make,
} from "./_ordering_testing.ts";

const a23 = [[1, 2, 3], [4, 5, 6]];
const b13 = [[7, 8, 9]];
const c22 = [[-1, -2], [-3, -4]];

Deno.test("concat joins along any axis, for every layout of the parts", () => {
  for (const layout of LAYOUTS) {
    const a = make(a23, Float32Array, layout);
    assertArray(
      concat([a, make(b13, Float32Array, layout)]),
      [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
      "float32",
    );
    assertArray(concat([a, make(c22, Float32Array, layout)], 1), [[1, 2, 3, -1, -2], [
      4,
      5,
      6,
      -3,
      -4,
    ]]);
    assertArray(concat([make(c22, Float32Array, layout), a], -1), [[-1, -2, 1, 2, 3], [
      -3,
      -4,
      4,
      5,
      6,
    ]]);
    assertArray(concat([a]), a23);
  }
  const x = make(Array.from({ length: 8 }, (_, i) => i), Float64Array, "transposed", [2, 2, 2]);
  assertArray(concat([x, x], 1), [[[0, 1], [2, 3], [0, 1], [2, 3]], [[4, 5], [6, 7], [4, 5], [
    6,
    7,
  ]]]);
});

Deno.test("concat promotes dtypes and skips empty parts", () => {
  const r = concat([make([1, 2], Int32Array), make([0.5], Float32Array), make([3], Int32Array)]);
  assertArray(r, [1, 2, 0.5, 3], "float32");
  assertArray(concat([make([1], Float32Array), make([2], Float64Array)]), [1, 2], "float64");
  assertArray(concat([make([7], Int32Array), make([2], Int32Array)]), [7, 2], "int32");
  assertArray(concat([make([[], []]), make([[1], [2]])], 1), [[1], [2]]);
  assertArray(concat([NDArray.fromTyped(new Float32Array(0), [0, 2]), make([[1, 2]])]), [[1, 2]]);
});

Deno.test("stack adds an axis at any position", () => {
  const a = make([1, 2, 3]);
  const b = make([4, 5, 6], Float32Array, "reversed");
  assertArray(stack([a, b]), [[1, 2, 3], [4, 5, 6]]);
  assertArray(stack([a, b], 1), [[1, 4], [2, 5], [3, 6]]);
  assertArray(stack([a, b], -1), [[1, 4], [2, 5], [3, 6]]);
  assertArray(stack([a, b], -2), [[1, 2, 3], [4, 5, 6]]);
  const s = (v: number) => NDArray.fromTyped(new Float32Array([v]), []);
  assertArray(stack([s(1), s(2), s(3)]), [1, 2, 3]);
  assertArray(stack([make(c22, Int32Array), make(c22, Int32Array)], 2), [[[-1, -1], [-2, -2]], [
    [-3, -3],
    [-4, -4],
  ]], "int32");
});

Deno.test("split and chunk return views with PyTorch's piece sizes", () => {
  const x = make([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], Float32Array, "strided");
  const parts = split(x, 2, 1);
  assert.equal(parts.length, 3);
  assertArray(parts[0], [[0, 1], [5, 6]]);
  assertArray(parts[1], [[2, 3], [7, 8]]);
  assertArray(parts[2], [[4], [9]]);
  assert.ok(parts.every((p) => p.storage === x.storage));
  const sections = split(x, [1, 0, 4], -1);
  assertArray(sections[0], [[0], [5]]);
  assert.deepEqual([...sections[1].shape], [2, 0]);
  assertArray(sections[2], [[1, 2, 3, 4], [6, 7, 8, 9]]);
  assertArray(split(x, 5, 0)[0], [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
  assert.deepEqual(chunk(make([0, 1, 2, 3, 4, 5]), 4).map((p) => elements(p)), [[0, 1], [2, 3], [
    4,
    5,
  ]]);
  assert.deepEqual(chunk(make([0, 1, 2, 3, 4]), 3).map((p) => elements(p)), [[0, 1], [2, 3], [4]]);
  assert.deepEqual(chunk(x, 2, 0).map((p) => elements(p)), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
  const empty = NDArray.fromTyped(new Float32Array(0), [0]);
  assert.deepEqual(chunk(empty, 3).map((p) => p.shape[0]), [0, 0, 0]);
  assert.deepEqual(split(empty, 2).map((p) => p.shape[0]), [0]);
  // writing through a piece writes into x
  parts[1].data[parts[1].offset] = 42;
  assertArray(x, [[0, 1, 42, 3, 4], [5, 6, 7, 8, 9]]);
});

Deno.test("join ops reject bad arguments with clear messages", () => {
  const a = make(a23);
  assertThrowsExact(
    () => concat([a, make(c22)]),
    RangeError,
    "concat: array 1 has shape [2, 2] but array 0 has shape [2, 3]; they must match except along axis 0",
  );
  assertThrowsExact(
    () => concat([]),
    TypeError,
    "concat: expected a non-empty array of NDArrays, got an array of length 0",
  );
  assertThrowsExact(
    () => concat([a, [1] as unknown as NDArray]),
    TypeError,
    "concat: arrays[1] must be an NDArray, got an array of length 1",
  );
  assertThrowsExact(
    () => concat([NDArray.fromTyped(new Float32Array([1]), [])]),
    RangeError,
    "concat: 0-d arrays cannot be concatenated; use stack",
  );
  assertThrowsExact(
    () => concat([a, a], 2),
    RangeError,
    "concat: axis 2 is out of range for an array of rank 2; expected -2 <= axis < 2",
  );
  assertThrowsExact(
    () => stack([a, make(b13)]),
    RangeError,
    "stack: array 1 has shape [1, 3] but array 0 has shape [2, 3]; all must be equal",
  );
  assertThrowsExact(
    () => split(a, [1, 1], 1),
    RangeError,
    "split: sections [1, 1] sum to 2 but axis 1 of [2, 3] has size 3",
  );
  assertThrowsExact(
    () => split(a, 0),
    RangeError,
    "split: the piece size must be an integer >= 1, got 0",
  );
  assertThrowsExact(
    () => split(a, [1, -1, 3], 1),
    RangeError,
    "split: section 1 must be an integer >= 0, got -1",
  );
  assertThrowsExact(() => chunk(a, 0), RangeError, "chunk: chunks must be an integer >= 1, got 0");
  assertThrowsExact(
    () => split(a, "2" as unknown as number),
    TypeError,
    'split: sizeOrSections must be a number or an array of numbers, got "2"',
  );
});

Deno.test("property: concat(split(x)) and concat(chunk(x)) give back x; stack interleaves blocks", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.constantFrom(...LAYOUTS),
      fc.constantFrom<Ctor>(Float32Array, Int32Array),
      (shape, seed, layout, ctor) => {
        const axis = seed % shape.length;
        const n = shape.reduce((p, d) => p * d, 1);
        const x = make(Array.from({ length: n }, (_, i) => i - 7), ctor, layout, shape);
        const size = 1 + (seed % 4);
        if (shape[axis] > 0) {
          assert.deepEqual(elements(concat(split(x, size, axis), axis)), elements(x));
        }
        const sections: number[] = [];
        for (let left = shape[axis], s = seed; left > 0; s = Math.floor(s / 3)) {
          const piece = Math.min(left, s % 3);
          sections.push(piece);
          left -= piece;
          if (s < 3) {
            sections.push(left);
            break;
          }
        }
        if (sections.length === 0) sections.push(0);
        const parts = split(x, sections, axis - shape.length);
        const back = concat(parts, axis);
        assert.deepEqual([...back.shape], shape);
        assert.deepEqual(elements(back), elements(x));
        assert.deepEqual(elements(concat(chunk(x, size, axis), axis)), elements(x));
        // stack([x, 2x], axis): each block of the axes from `axis` on, then the same block doubled
        const inner = shape.slice(axis).reduce((p, d) => p * d, 1);
        const xs = elements(x);
        const expected: number[] = [];
        for (let o = 0; o < n; o += inner) {
          const block = xs.slice(o, o + inner);
          expected.push(...block, ...block.map((v) => 2 * v));
        }
        const doubled = make(xs.map((v) => 2 * v), ctor, "contiguous", shape);
        const st = stack([x, doubled], axis);
        assert.deepEqual([...st.shape], [...shape.slice(0, axis), 2, ...shape.slice(axis)]);
        assert.deepEqual(elements(st), expected);
      },
    ),
  );
});
