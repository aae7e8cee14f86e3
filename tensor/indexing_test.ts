import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { arange, eye } from "./creation.ts";
import { gather, indexSelect, oneHot, scatterAdd, scatterAddInPlace } from "./indexing.ts";
import { loadFixture } from "./_fixture.ts";
import type { NestedArray } from "./_nested.ts";
import { contiguousStrides, sizeOf } from "./shape.ts";
import {
  assertArray,
  assertThrowsExact,
  elements,
  flat,
  LAYOUTS,
  make,
} from "./_ordering_testing.ts";

const fx = loadFixture("ordering") as unknown as Record<string, NestedArray>;

Deno.test("gather matches PyTorch along every axis, for every layout of x and index", () => {
  for (const axis of [0, 1, 2]) {
    for (const layout of LAYOUTS) {
      const x = make(fx.x345, Float32Array, layout);
      const index = make(fx[`gather_idx${axis}`], Int32Array, layout);
      assertArray(gather(x, axis, index), fx[`gather${axis}`], "float32");
      assertArray(gather(x, axis - 3, index), fx[`gather${axis}`]);
    }
  }
});

Deno.test("scatterAdd matches PyTorch (repeated indices accumulate) and leaves x unchanged", () => {
  for (const axis of [0, 1, 2]) {
    for (const layout of LAYOUTS) {
      const x = make(fx.x345, Float64Array, layout);
      const index = make(fx[`gather_idx${axis}`], Int32Array, layout);
      const src = make(fx[`scatter_src${axis}`], Float64Array, layout);
      assertArray(scatterAdd(x, axis, index, src), fx[`scatter_add${axis}`], "float64");
      assert.deepEqual(elements(x), flat(fx.x345));
    }
  }
});

Deno.test("indexSelect matches PyTorch with an array or a list of indices", () => {
  for (const axis of [0, 1, 2]) {
    const list = flat(fx[`index_sel_idx${axis}`]);
    for (const layout of LAYOUTS) {
      const x = make(fx.x345, Float32Array, layout);
      assertArray(indexSelect(x, axis, list), fx[`index_select${axis}`], "float32");
      const index = make(list, Int32Array, layout);
      assertArray(indexSelect(x, axis - 3, index), fx[`index_select${axis}`]);
    }
  }
});

Deno.test("indexSelect copies long rows (the TypedArray.set path) and int32 data", () => {
  const values = Array.from({ length: 4 * 40 }, (_, i) => i * 3 - 50);
  const x = make(values, Int32Array, "contiguous", [4, 40]);
  const rows = (i: number) => values.slice(40 * i, 40 * i + 40);
  assertArray(indexSelect(x, 0, [3, 0, 3]), [rows(3), rows(0), rows(3)], "int32");
  const xs = make(values, Int32Array, "strided", [4, 40]);
  assertArray(indexSelect(xs, 0, [1]), [rows(1)], "int32");
  assert.deepEqual([...indexSelect(x, 0, []).shape], [0, 40]);
});

Deno.test("0-d inputs: gather and indexSelect of a scalar", () => {
  const s = NDArray.fromTyped(new Float32Array([7]), []);
  const zero = NDArray.fromTyped(new Int32Array([0]), []);
  assertArray(gather(s, 0, zero), 7);
  assertArray(indexSelect(s, 0, zero), 7);
  assertArray(indexSelect(s, -1, [0]), 7);
  assertArray(indexSelect(make([5, 6, 7]), 0, zero), [5]);
});

Deno.test("gather and scatterAdd with empty index give empty / unchanged results", () => {
  const x = make([[1, 2], [3, 4]]);
  const empty = NDArray.fromTyped(new Int32Array(0), [2, 0]);
  assertArray(gather(x, 1, empty), [[], []]);
  assertArray(scatterAdd(x, 1, empty, NDArray.fromTyped(new Float32Array(0), [2, 0])), [[1, 2], [
    3,
    4,
  ]]);
});

Deno.test("scatterAddInPlace writes into x, including a transposed view", () => {
  const base = make([[1, 2, 3], [4, 5, 6]]);
  const t = base.transpose(); // [3, 2]: [[1, 4], [2, 5], [3, 6]]
  const index = make([[2, 0], [2, 2]], Int32Array);
  const src = make([[10, 20], [30, 40]]);
  const r = scatterAddInPlace(t, 0, index, src);
  assert.equal(r, t);
  // column 0 gets 10 at row 2 and 30 at row 2; column 1 gets 20 at row 0 and 40 at row 2
  assertArray(t, [[1, 24], [2, 5], [43, 46]]);
  assertArray(base, [[1, 2, 43], [24, 5, 46]]);
  const c = make([0, 0, 0]);
  scatterAddInPlace(c, 0, make([1, 1, 2], Int32Array), make([1, 2, 3]));
  assertArray(c, [0, 3, 3]);
});

Deno.test("oneHot encodes labels, infers the class count and takes a dtype", () => {
  assertArray(oneHot([2, 0, 1], 4), [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]], "float32");
  assertArray(oneHot(make([[1], [3]], Int32Array, "reversed")), [[[0, 1, 0, 0]], [[0, 0, 0, 1]]]);
  assertArray(oneHot([0], 2, { dtype: "int32" }), [[1, 0]], "int32");
  assertArray(oneHot(NDArray.fromTyped(new Int32Array([1]), []), 3, { dtype: "float64" }), [
    0,
    1,
    0,
  ]);
  assertThrowsExact(
    () => oneHot([0, 3], 3),
    RangeError,
    "oneHot: label 3 is out of range for 3 classes",
  );
  assertThrowsExact(
    () => oneHot([], -1),
    RangeError,
    "oneHot: cannot infer numClasses from empty labels; pass numClasses",
  );
  assertThrowsExact(
    () => oneHot([0], 0),
    RangeError,
    "oneHot: numClasses must be an integer >= 1, got 0",
  );
  assertThrowsExact(
    () => oneHot(make([0.5]), 2),
    TypeError,
    "oneHot: index must be int32, got float32",
  );
});

Deno.test("bad arguments throw errors that name the op, the value and the expectation", () => {
  const x = make([[1, 2, 3], [4, 5, 6]]);
  const i32 = (v: NestedArray) => make(v, Int32Array);
  assertThrowsExact(
    () => gather(x, 0, make([[0]])),
    TypeError,
    "gather: index must be int32, got float32",
  );
  assertThrowsExact(
    () => gather(x, 1, i32([[0, 3]])),
    RangeError,
    "gather: index 3 is out of range for axis 1 of size 3",
  );
  assertThrowsExact(
    () => gather(x, 1, i32([[-1]])),
    RangeError,
    "gather: index -1 is out of range for axis 1 of size 3",
  );
  assertThrowsExact(
    () => gather(x, 0, i32([0])),
    RangeError,
    "gather: index has rank 1 (shape [1]) but x has rank 2 (shape [2, 3]); they must match",
  );
  assertThrowsExact(
    () => gather(x, 0, i32([[0, 0, 0, 0]])),
    RangeError,
    "gather: index shape [1, 4] is larger than x shape [2, 3] at axis 1",
  );
  assertThrowsExact(
    () => gather(x, 2, i32([[0]])),
    RangeError,
    "gather: axis 2 is out of range for an array of rank 2; expected -2 <= axis < 2",
  );
  assertThrowsExact(
    () => gather([1, 2] as unknown as NDArray, 0, i32([0])),
    TypeError,
    "gather: x must be an NDArray, got an array of length 2",
  );
  assertThrowsExact(
    () => scatterAdd(x, 0, i32([[0]]), make([[1]], Float64Array)),
    TypeError,
    "scatterAdd: src dtype float64 differs from x dtype float32",
  );
  assertThrowsExact(
    () => scatterAdd(x, 0, i32([[0, 0]]), make([[1]])),
    RangeError,
    "scatterAdd: index shape [1, 2] is larger than src shape [1, 1] at axis 1",
  );
  assertThrowsExact(
    () => scatterAdd(x, 0, i32([[2]]), make([[1]])),
    RangeError,
    "scatterAdd: index 2 is out of range for axis 0 of size 2",
  );
  assertThrowsExact(
    () => scatterAddInPlace(make([1]).expand(3), 0, i32([0]), make([1])),
    RangeError,
    "scatterAddInPlace: x of shape [3] is a broadcast (expanded) view; writes would overlap",
  );
  const five = make([1, 2, 3, 4, 5]);
  assertThrowsExact(
    () => indexSelect(five, 0, [1, 7]),
    RangeError,
    "indexSelect: index 7 is out of range for axis 0 of size 5",
  );
  assertThrowsExact(
    () => indexSelect(five, 0, [-1]),
    RangeError,
    "indexSelect: index -1 is out of range for axis 0 of size 5",
  );
  assertThrowsExact(
    () => indexSelect(five, 0, [1.5]),
    TypeError,
    "indexSelect: index entries must be integers, got 1.5 at position 0",
  );
  assertThrowsExact(
    () => indexSelect(five, 0, i32([[1]])),
    RangeError,
    "indexSelect: index must be 0-d or 1-d, got shape [1, 1]",
  );
  assertThrowsExact(
    () => indexSelect(five, 0, make([1])),
    TypeError,
    "indexSelect: index must be int32, got float32",
  );
});

// ----- properties against naive loops -----

/** A random shape, an axis, and for gather/scatter an index shape no larger than allowed. */
const scatterCase = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))
  .chain(([ndim, seed]) =>
    fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: ndim, maxLength: ndim }),
      axis: fc.integer({ min: 0, max: ndim - 1 }),
      seed: fc.constant(seed),
      layout: fc.constantFrom(...LAYOUTS),
    })
  );

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const st = contiguousStrides(shape);
  return shape.map((d, k) => Math.floor(i / st[k]) % d);
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  const st = contiguousStrides(shape);
  return idx.reduce((p, v, k) => p + v * st[k], 0);
}

Deno.test("property: gather and scatterAdd agree with naive loops", () => {
  fc.assert(
    fc.property(scatterCase, ({ shape, axis, seed, layout }) => {
      const rnd = lcg(seed);
      const ishape = shape.map((
        d,
        k,
      ) => (k === axis ? 1 + Math.floor(rnd() * 5) : 1 + Math.floor(rnd() * d)));
      const xv = Array.from({ length: sizeOf(shape) }, () => Math.round(rnd() * 20 - 10));
      const iv = Array.from({ length: sizeOf(ishape) }, () => Math.floor(rnd() * shape[axis]));
      const sv = Array.from({ length: sizeOf(ishape) }, () => Math.round(rnd() * 8));
      const x = make(xv, Float64Array, layout, shape);
      const index = make(iv, Int32Array, layout, ishape);
      const src = make(sv, Float64Array, layout, ishape);
      const g: number[] = [];
      const s = [...xv];
      for (let i = 0; i < iv.length; i++) {
        const at = unravel(i, ishape);
        at[axis] = iv[i];
        g.push(xv[ravel(at, shape)]);
        s[ravel(at, shape)] += sv[i];
      }
      assert.deepEqual(elements(gather(x, axis, index)), g);
      assert.deepEqual(elements(scatterAdd(x, axis, index, src)), s);
    }),
  );
});

Deno.test("property: indexSelect agrees with gathering along an expanded index", () => {
  fc.assert(
    fc.property(scatterCase, ({ shape, axis, seed, layout }) => {
      const rnd = lcg(seed);
      const list = Array.from(
        { length: Math.floor(rnd() * 6) },
        () => Math.floor(rnd() * shape[axis]),
      );
      const x = make(
        Array.from({ length: sizeOf(shape) }, () => rnd()),
        Float64Array,
        layout,
        shape,
      );
      const oshape = shape.map((d, k) => (k === axis ? list.length : d));
      const expected = Array.from({ length: sizeOf(oshape) }, (_, i) => {
        const at = unravel(i, oshape);
        at[axis] = list[at[axis]];
        return elements(x)[ravel(at, shape)];
      });
      const got = indexSelect(x, axis, list);
      assert.deepEqual([...got.shape], oshape);
      assert.deepEqual(elements(got), expected);
    }),
  );
});

Deno.test("oneHot: the standard basis vectors of ℝⁿ are the one-hot vectors", () => {
  // spec: 002-part-a/3a.L958
  for (const n of [1, 2, 5, 16]) {
    assert.deepEqual(oneHot(arange(n), n).toArray(), eye(n).toArray());
  }
  // Coordinates in the standard basis are the entries: v = Σ vᵢ eᵢ.
  const v = [3, -1, 0.5, 2];
  const e = oneHot(arange(4), 4, { dtype: "float64" }).toArray() as number[][];
  assert.deepEqual(
    e.reduce((acc, row, i) => acc.map((a, j) => a + v[i] * row[j]), [0, 0, 0, 0]),
    v,
  );
});

Deno.test("oneHot names itself when its options are not an object", () => {
  assert.throws(
    () => oneHot([0, 1], 2, null as never),
    /^TypeError: oneHot: options must be an object, got null$/,
  );
});
