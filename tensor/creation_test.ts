import assert from "node:assert/strict";
import {
  arange,
  array,
  empty,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  zeros,
  zerosLike,
} from "./mod.ts";

Deno.test("array from nested, typed and scalar data", () => {
  assert.deepEqual(array([[1, 2, 3], [4, 5, 6]]).shape, [2, 3]);
  assert.equal(array(5).ndim, 0);
  assert.equal(array(5).item(), 5);
  const typed = new Float64Array([1, 2, 3, 4]);
  const a = array(typed, { shape: [2, 2] });
  assert.equal(a.data, typed, "a typed array of the right dtype is wrapped, not copied");
  assert.deepEqual(array(typed, { dtype: "int32" }).toArray(), [1, 2, 3, 4]);
  assert.deepEqual(array([1.5, 2.5], { dtype: "int32" }).toArray(), [1, 2]);
  assert.deepEqual(array([1, 2, 3, 4], { shape: [2, 2] }).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(array([[], []]).shape, [2, 0]);
});

Deno.test("filled arrays, ranges and identity", () => {
  assert.deepEqual(zeros([2]).toArray(), [0, 0]);
  assert.deepEqual(ones([2], { dtype: "int32" }).toArray(), [1, 1]);
  assert.deepEqual(full([2, 1], 3.5).toArray(), [[3.5], [3.5]]);
  assert.equal(empty([0, 3]).size, 0);
  assert.deepEqual(zerosLike(array([[1, 2]], { dtype: "float64" })).dtype, "float64");
  assert.deepEqual(onesLike(array([1, 2])).toArray(), [1, 1]);
  assert.deepEqual(fullLike(array([1, 2]), 9).toArray(), [9, 9]);
  assert.deepEqual(arange(2, 8, 3).toArray(), [2, 5]);
  assert.equal(arange(3).dtype, "int32");
  assert.deepEqual(arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(arange(3, 0, -1).toArray(), [3, 2, 1]);
  assert.deepEqual(linspace(-1, 1, 3).toArray(), [-1, 0, 1]);
  assert.deepEqual(linspace(2, 3, 1).toArray(), [2]);
  assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
});

Deno.test("creation rejects bad input with clear messages", () => {
  assert.throws(
    () => array([[1, 2], [3]]),
    /array: ragged nested array: entry at \[1\] has length 1, expected length 2/,
  );
  assert.throws(
    () => array([1, "x" as unknown as number]),
    /array: element at \[1\] is "x", expected a number/,
  );
  assert.throws(() => zeros([2, -1]), /zeros: invalid shape \[2, -1\]/);
  assert.throws(
    () => zeros([2], { dtype: "float16" as "float32" }),
    /zeros: unknown dtype "float16"/,
  );
  // Found by the public-API fuzzer (faults/fuzz_fault.ts): errors named an inner op or were
  // engine errors ("Cannot convert a Symbol value to a string", "Cannot read properties of null").
  assert.throws(() => eye(2, 2, { dtype: "int64" as "int32" }), /^TypeError: eye: unknown dtype/);
  assert.throws(() => eye(-1), /^RangeError: eye: n must be/);
  assert.throws(
    () => arange(Symbol() as never),
    /^RangeError: arange: stop must be a finite number, got a symbol/,
  );
  assert.throws(() => arange(1, 1e300), /^RangeError: arange: .* at most 2\^31-1/);
  assert.throws(() => linspace(Symbol() as never, 1, 2), /^RangeError: linspace: start must be/);
  assert.throws(
    () => linspace(0, 1, 1e12),
    /^RangeError: linspace: shape \[1000000000000\] has more than/,
  );
  assert.throws(() => full([2], 1, null as never), /^TypeError: full: options must be an object/);
  assert.throws(
    () => onesLike(undefined as never),
    /^TypeError: onesLike: expected an NDArray, got undefined/,
  );
  assert.throws(
    () => fullLike(zeros([1]), "1" as never),
    /^TypeError: fullLike: value must be a number/,
  );
  assert.throws(
    () => zeros(Object.create(null)),
    /^TypeError: zeros: shape must be an array of integers, got an object/,
  );
  assert.throws(() => arange(0, 1, 0), /arange: step must be non-zero/);
  assert.throws(
    () => array(new Float32Array(3), { shape: [2, 2] }),
    /array: shape \[2, 2\] needs 4 elements, got 3/,
  );
  assert.throws(() => linspace(0, 1, -2), /linspace: num must be an integer >= 0, got -2/);
});
