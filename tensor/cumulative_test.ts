import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { cumprod, cumsum } from "./cumulative.ts";
import { loadFixture } from "./_fixture.ts";
import type { NestedArray } from "./_nested.ts";
import {
  assertArray,
  assertThrowsExact,
  type Ctor,
  elements,
  LAYOUTS,
  make,
} from "./_ordering_testing.ts";

const fx = loadFixture("ordering") as unknown as Record<string, NestedArray>;

Deno.test("cumsum matches PyTorch bit for bit (float32 values, float64 running sum)", () => {
  for (const layout of LAYOUTS) {
    const x = make(fx.cum_x, Float32Array, layout);
    assertArray(cumsum(x, 1), fx.cumsum1, "float32");
    assertArray(cumsum(x, -1), fx.cumsum1);
    assertArray(cumsum(x, 0), fx.cumsum0);
    assertArray(cumsum(x, -2), fx.cumsum0);
  }
});

Deno.test("a float32 cumsum does not drift: 1e8 + 1 + 1 + 1 + 1 - 1e8 gives 4, as in PyTorch", () => {
  // Accumulating in float32 (NumPy) would give 0 at the fifth step.
  const x = make([1e8, 1, 1, 1, 1, -1e8, 0.5]);
  assertArray(cumsum(x, 0), [1e8, 1e8, 1e8, 1e8, 1e8, 4, 4.5]);
  const t = make([[1e8, 1e8], [1, 1], [1, 1], [-1e8, -1e8]], Float32Array, "transposed");
  assertArray(cumsum(t, 0), [[1e8, 1e8], [1e8, 1e8], [1e8, 1e8], [2, 2]]);
});

Deno.test("cumprod matches PyTorch in float32 and float64 along both axes", () => {
  for (const layout of LAYOUTS) {
    const x = make(fx.cumprod_x, Float32Array, layout);
    assertArray(cumprod(x, 0), fx.cumprod0, "float32");
    assertArray(cumprod(x, 1), fx.cumprod1);
    assertArray(cumprod(make(fx.cumprod_x64, Float64Array, layout), -1), fx.cumprod1_64, "float64");
  }
});

Deno.test("int32 scans stay int32; a middle axis of a 3-d view; 0-d and empty arrays", () => {
  assertArray(
    cumsum(make([[1, 2, 3], [4, 5, 6]], Int32Array), 1),
    [[1, 3, 6], [4, 9, 15]],
    "int32",
  );
  assertArray(cumprod(make([2, -3, 4], Int32Array, "reversed"), 0), [2, -6, -24], "int32");
  const v = Array.from({ length: 24 }, (_, i) => i);
  // x[i][j][k] = 12i + 4j + k; along j: running sums of 4j + const
  const expected = [0, 1].map((i) =>
    [0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => (j + 1) * (12 * i + k) + 4 * ((j * (j + 1)) / 2)))
  );
  for (const layout of LAYOUTS) {
    assertArray(cumsum(make(v, Float64Array, layout, [2, 3, 4]), 1), expected);
  }
  assertArray(cumsum(NDArray.fromTyped(new Float32Array([5]), []), 0), 5);
  assertArray(cumprod(NDArray.fromTyped(new Float32Array([5]), []), -1), 5);
  assert.deepEqual([...cumsum(make([[], []]), 1).shape], [2, 0]);
  assert.deepEqual([...cumsum(NDArray.fromTyped(new Float32Array(0), [0, 3]), 0).shape], [0, 3]);
});

Deno.test("cumsum and cumprod reject bad arguments", () => {
  const x = make([[1, 2]]);
  assertThrowsExact(
    () => cumsum(x, 2),
    RangeError,
    "cumsum: axis 2 is out of range for an array of rank 2; expected -2 <= axis < 2",
  );
  assertThrowsExact(
    () => (cumprod as (x: NDArray) => NDArray)(x),
    TypeError,
    "cumprod: axis is required (PyTorch's dim), got undefined",
  );
  assertThrowsExact(
    () => cumsum({} as NDArray, 0),
    TypeError,
    "cumsum: x must be an NDArray, got an object",
  );
});

Deno.test("property: cumsum and cumprod agree with a naive scan along any axis", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      fc.constantFrom(...LAYOUTS),
      fc.constantFrom<Ctor>(Float64Array, Int32Array),
      (shape, seed, layout, ctor) => {
        const axis = seed % shape.length;
        const n = shape.reduce((p, d) => p * d, 1);
        const v = Array.from({ length: n }, (_, i) => ((i * 37 + seed) % 7) - 3);
        const x = make(v, ctor, layout, shape);
        const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
        const sums = [...v], prods = [...v];
        for (let i = 0; i < n; i++) {
          if (Math.floor(i / inner) % shape[axis] === 0) continue;
          sums[i] += sums[i - inner];
          prods[i] *= prods[i - inner];
        }
        assert.deepEqual(elements(cumsum(x, axis)), sums);
        assert.deepEqual(
          elements(cumprod(x, axis - shape.length)).map((p) => p + 0),
          prods.map((p) => p + 0),
        );
      },
    ),
  );
});
