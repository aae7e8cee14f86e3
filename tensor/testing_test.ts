import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { allclose, assertClose, AssertionError } from "./testing.ts";

const f32 = (values: number[], shape?: number[]) =>
  NDArray.fromTyped(new Float32Array(values), shape);
const f64 = (values: number[], shape?: number[]) =>
  NDArray.fromTyped(new Float64Array(values), shape);

Deno.test("allclose: NumPy's rule |a - b| <= atol + rtol * |b|, asymmetric in b", () => {
  // Values checked with numpy.allclose.
  assert.equal(allclose(1 + 1e-5, 1), true); // diff 1e-5 <= 1e-8 + 1e-5
  assert.equal(allclose(1 + 2e-5, 1), false);
  assert.equal(allclose(0, 1e-9), true); // atol covers it
  assert.equal(allclose(0, 1e-7), false);
  assert.equal(allclose(100, 101, { rtol: 0.01 }), true); // 1 <= 0.01 * 101
  assert.equal(allclose(101, 100, { rtol: 0.01, atol: 0 }), true); // 1 <= 0.01 * 100
  assert.equal(allclose(101, 100, { rtol: 0.00995, atol: 0 }), false); // 1 > 0.995
  assert.equal(allclose(100, 101, { rtol: 0.00995, atol: 0 }), true); // 1 <= 1.00495: asymmetric
  assert.equal(allclose(2, 3, { atol: 1, rtol: 0 }), true);
});

Deno.test("allclose: infinities, NaN and equalNan", () => {
  assert.equal(allclose([Infinity, -Infinity], [Infinity, -Infinity]), true);
  assert.equal(allclose(Infinity, -Infinity), false);
  assert.equal(allclose(Infinity, 1e308, { rtol: 1 }), false);
  assert.equal(allclose(NaN, NaN), false);
  assert.equal(allclose(NaN, NaN, { equalNan: true }), true);
  assert.equal(allclose(NaN, 1, { equalNan: true }), false);
  assert.equal(allclose(f32([1, NaN]), [1, NaN], { equalNan: true }), true);
});

Deno.test("allclose: shapes must match exactly (no broadcasting)", () => {
  const a = f32([1, 2, 3, 4], [2, 2]);
  assert.equal(allclose(a, [[1, 2], [3, 4]]), true);
  assert.equal(allclose(a, [1, 2, 3, 4]), false);
  assert.equal(allclose(a, [[1, 2]]), false);
  assert.equal(allclose(f32([5], []), 5), true);
  assert.equal(allclose(f32([5], [1]), 5), false);
  assert.equal(allclose([], f32([], [0])), true);
  assert.equal(allclose(f32([], [0, 2]), f32([], [2, 0])), false);
});

Deno.test("allclose reads NDArrays through strides (views)", () => {
  const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
  assert.equal(allclose(a.transpose(), [[1, 4], [2, 5], [3, 6]]), true);
  assert.equal(allclose(a.slice(null, { step: -2 }), [[3, 1], [6, 4]]), true);
  assert.equal(allclose(a.slice(1), [4, 5, 6]), true);
  assert.equal(allclose(f32([7], []).expand(2, 2), [[7, 7], [7, 7]]), true);
  assert.equal(allclose(a.transpose(), a.transpose()), true);
  assert.equal(allclose(a.transpose(), a.reshape(3, 2)), false);
  assert.equal(allclose(NDArray.fromTyped(new Int32Array([1, 2])), f64([1, 2.000001])), true);
});

Deno.test("allclose agrees with an elementwise reference on random data (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
          fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
        ),
        {
          maxLength: 30,
        },
      ),
      fc.double({ min: 0, max: 1e-2, noNaN: true }),
      fc.double({ min: 0, max: 1e-3, noNaN: true }),
      (pairs, rtol, atol) => {
        const a = pairs.map(([v]) => v);
        const b = pairs.map(([v, d]) => v + d);
        const expected = pairs.every((_, i) =>
          Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i])
        );
        assert.equal(allclose(f64(a), b, { rtol, atol }), expected);
        if (expected) assertClose(f64(a), b, { rtol, atol });
        else assert.throws(() => assertClose(f64(a), b, { rtol, atol }), AssertionError);
      },
    ),
  );
});

Deno.test("assertClose passes silently when close and accepts nested arrays and numbers", () => {
  assertClose(f32([1, 2, 3, 4], [2, 2]), [[1, 2], [3, 4]]);
  assertClose(f32([0.1], []), 0.1); // float32 rounding of 0.1 is within rtol 1e-5
  assertClose(3, 3);
  assertClose([[true, false]] as unknown as number[][], [[1, 0]]);
});

Deno.test("assertClose: the message gives shape, count, worst index, values and max differences", () => {
  const actual = f32([1, 2, 3.5, 4, 5, 6], [2, 3]);
  const expected = [[1, 2, 3], [4, 5.1, 6]];
  let err: unknown;
  try {
    assertClose(actual, expected, { message: "layer output" });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof AssertionError);
  assert.equal(err.name, "AssertionError");
  assert.equal(
    err.message,
    [
      "layer output",
      "assertClose: arrays are not close (rtol=0.00001, atol=1e-8)",
      "  shape [2, 3]: 2 of 6 elements mismatch (33.3%)",
      "  worst at [0, 2]: actual 3.5, expected 3 (allowed difference 0.00003001)",
      "  max abs diff 0.5 at [0, 2]",
      "  max rel diff 0.16666666666666666 at [0, 2]",
    ].join("\n"),
  );
});

Deno.test("assertClose: NaN mismatches are the worst, relative diff to 0 is infinite", () => {
  assert.throws(
    () => assertClose(f64([1, NaN, 0.5]), [1, 2, 0]),
    (e: Error) => {
      assert.match(e.message, /2 of 3 elements mismatch \(66\.7%\)/);
      assert.match(e.message, /worst at \[1\]: actual NaN, expected 2/);
      assert.match(e.message, /max abs diff 0\.5 at \[2\]/);
      assert.match(e.message, /max rel diff Infinity at \[2\]/);
      return true;
    },
  );
  assert.throws(() => assertClose(f64([NaN]), [NaN]), /worst at \[0\]: actual NaN, expected NaN/);
  assertClose(f64([NaN]), [NaN], { equalNan: true });
});

Deno.test("assertClose: shape mismatch names both shapes", () => {
  assert.throws(
    () => assertClose(f32([1, 2, 3, 4, 5, 6], [2, 3]), [[1, 2], [3, 4], [5, 6]]),
    (e: Error) =>
      e instanceof AssertionError &&
      e.message === "assertClose: shapes differ: actual [2, 3], expected [3, 2]",
  );
  assert.throws(() => assertClose(f32([1], []), [1]), /shapes differ: actual \[\], expected \[1\]/);
});

Deno.test("allclose and assertClose validate their arguments", () => {
  assert.throws(
    () => allclose(1, 1, { rtol: -1 }),
    /allclose: rtol must be a finite number >= 0, got -1/,
  );
  assert.throws(() => allclose(1, 1, { atol: NaN }), RangeError);
  assert.throws(() => allclose(1, 1, { equalNan: 1 as unknown as boolean }), TypeError);
  assert.throws(
    () => allclose("1" as unknown as number, 1),
    /allclose: first argument must be an NDArray, a number or a nested array/,
  );
  assert.throws(() => assertClose(1, [[1, 2], [3]]), /ragged nested array/);
  assert.throws(() => assertClose(1, 1, { message: 5 as unknown as string }), TypeError);
  assert.throws(() => assertClose(1, [null] as unknown as number[]), TypeError);
});
