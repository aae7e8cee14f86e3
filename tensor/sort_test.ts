import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { argsort, sort, topk } from "./sort.ts";
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

Deno.test("sort matches PyTorch's stable sort along each axis, both directions, every layout", () => {
  for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
    for (const layout of LAYOUTS) {
      const x = make(fx.sort_x, ctor, layout);
      for (const axis of [0, 1]) {
        for (const descending of [false, true]) {
          const key = `sort${axis}${descending ? "d" : "a"}`;
          const r = sort(x, { axis: axis - 2, descending });
          assertArray(r.values, fx[`${key}_values`], x.dtype);
          assertArray(r.indices, fx[`${key}_indices`], "int32");
          assert.ok(r.values.isContiguous && r.indices.isContiguous);
          assertArray(argsort(x, { axis, descending }), fx[`${key}_indices`]);
        }
      }
    }
  }
});

Deno.test("sort of rows longer than the insertion-sort cut-off (radix path) matches PyTorch", () => {
  for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
    const x = make(fx.sort_big_x, ctor, "transposed");
    assertArray(sort(x).indices, fx.sort_big_indices);
    assertArray(argsort(x.transpose(), { axis: 0 }).transpose(), fx.sort_big_indices);
  }
});

Deno.test("NaN sorts last ascending and first descending; -0 ties with +0; infinities in place", () => {
  const x = [NaN, 1, -Infinity, -0, 0, Infinity, NaN, -1];
  // PyTorch 1.13 sort(stable=True) and NumPy argsort(kind="stable") give these.
  const asc = {
    values: [-Infinity, -1, -0, 0, 1, Infinity, NaN, NaN],
    indices: [2, 7, 3, 4, 1, 5, 0, 6],
  };
  const desc = {
    values: [NaN, NaN, Infinity, 1, -0, 0, -1, -Infinity],
    indices: [0, 6, 5, 1, 3, 4, 7, 2],
  };
  for (const ctor of [Float32Array, Float64Array] as Ctor[]) {
    for (const layout of LAYOUTS) {
      const a = sort(make(x, ctor, layout));
      assertArray(a.values, asc.values);
      assertArray(a.indices, asc.indices);
      const d = sort(make(x, ctor, layout), { descending: true });
      assertArray(d.values, desc.values);
      assertArray(d.indices, desc.indices);
    }
    // Repeated 5 times the row takes the radix path: stable order within each group of equals.
    const long = sort(make(Array(5).fill(x).flat(), ctor));
    const expected = asc.indices.flatMap((i) => [0, 1, 2, 3, 4].map((r) => i + 8 * r));
    // equal values across repeats: indices grouped by value in ascending original position
    const byValue = [...expected].sort((p, q) => cmp(x[p % 8], x[q % 8]) || p - q);
    assertArray(long.indices, byValue);
  }
});

Deno.test("int32 sorts over its whole range, short and long rows", () => {
  const x = [5, -2147483648, 2147483647, 0, -1, 5, 7, -2147483648];
  assertArray(sort(make(x, Int32Array)).values, [
    -2147483648,
    -2147483648,
    -1,
    0,
    5,
    5,
    7,
    2147483647,
  ]);
  assertArray(sort(make(x, Int32Array)).indices, [1, 7, 4, 3, 0, 5, 6, 2]);
  assertArray(sort(make(x, Int32Array, "reversed"), { descending: true }).indices, [
    2,
    6,
    0,
    5,
    3,
    4,
    1,
    7,
  ]);
  const long = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1009) - 500);
  const r = sort(make(long, Int32Array));
  assertArray(r.values, [...long].sort((a, b) => a - b), "int32");
});

Deno.test("rows of 2^16 and more (11-bit radix digits) sort like a stable comparison sort", () => {
  const n = 70001;
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
  const raw = Array.from({ length: n }, (_, i) => {
    const r = next();
    if (i % 997 === 0) return NaN;
    return r % 3 === 0 ? (r % 2001) - 1000 : (r / 2 ** 32 - 0.5) * 1e6;
  });
  for (const ctor of [Float32Array, Float64Array, Int32Array] as Ctor[]) {
    const values = Array.from(ctor.from(raw));
    for (const descending of [false, true]) {
      const r = sort(make(values, ctor), { descending });
      const order = [...values.keys()].sort((a, b) =>
        (descending ? -1 : 1) * cmp(values[a], values[b]) || a - b
      );
      assert.deepEqual(elements(r.indices), order);
      assert.deepEqual(elements(r.values), order.map((i) => values[i]));
    }
  }
});

Deno.test("sort handles 0-d and empty arrays", () => {
  const s = sort(NDArray.fromTyped(new Float32Array([3]), []));
  assertArray(s.values, 3);
  assertArray(s.indices, 0);
  const e = sort(make([[], []]), { axis: 1 });
  assert.deepEqual([...e.values.shape], [2, 0]);
  const e0 = sort(NDArray.fromTyped(new Float32Array(0), [0, 3]), { axis: 0 });
  assert.deepEqual([...e0.indices.shape], [0, 3]);
});

Deno.test("topk matches PyTorch for small k (scan path) and large k (sort path)", () => {
  for (const layout of LAYOUTS) {
    const x = make(fx.topk_x, Float32Array, layout);
    for (const k of [1, 3, 17]) {
      for (const largest of [true, false]) {
        const key = `topk${k}${largest ? "L" : "S"}`;
        const r = topk(x, k, { largest });
        assertArray(r.values, fx[`${key}_values`], "float32");
        assertArray(r.indices, fx[`${key}_indices`], "int32");
      }
    }
    const r0 = topk(x, 2, { axis: 0 });
    assertArray(r0.values, fx.topk2_axis0_values);
    assertArray(r0.indices, fx.topk2_axis0_indices);
  }
});

Deno.test("topk ranks NaN above every number and keeps the earlier of equal values", () => {
  const x = [NaN, 1, -Infinity, -0, 0, Infinity, NaN, -1, 1];
  for (const long of [false, true]) {
    const row = long ? Array(3).fill(x).flat() : x;
    const big = topk(make(row), 3);
    assertArray(big.values, [NaN, NaN, long ? NaN : Infinity]);
    assertArray(big.indices, long ? [0, 6, 9] : [0, 6, 5]);
    const small = topk(make(row), 4, { largest: false });
    assertArray(
      small.values,
      long ? [-Infinity, -Infinity, -Infinity, -1] : [-Infinity, -1, -0, 0],
    );
    assertArray(small.indices, long ? [2, 11, 20, 7] : [2, 7, 3, 4]);
  }
  assertArray(topk(make([2, 5, 5, 1]), 2).indices, [1, 2]);
  assertArray(topk(make([[2, 5], [5, 1]], Int32Array), 1, { axis: 0 }).values, [[5, 5]]);
  assertArray(topk(make([4, 1]), 0).values, []);
  assertArray(topk(make([4, 1]), 2, { largest: false }).values, [1, 4]);
  assertArray(topk(NDArray.fromTyped(new Float64Array([4]), []), 1).values, 4);
});

Deno.test("sort and topk reject bad arguments with clear messages", () => {
  const x = make([[1, 2], [3, 4]]);
  assertThrowsExact(
    () => sort(x, { axis: 2 }),
    RangeError,
    "sort: axis 2 is out of range for an array of rank 2; expected -2 <= axis < 2",
  );
  assertThrowsExact(
    () => sort(x, { descending: "yes" as unknown as boolean }),
    TypeError,
    'sort: descending must be a boolean, got "yes"',
  );
  assertThrowsExact(
    () => sort(null as unknown as NDArray),
    TypeError,
    "sort: x must be an NDArray, got null",
  );
  assertThrowsExact(
    () => topk(x, 3),
    RangeError,
    "topk: k (for an axis of size 2) must be an integer in [0, 2], got 3",
  );
  assertThrowsExact(
    () => topk(x, -1, { axis: 0 }),
    RangeError,
    "topk: k (for an axis of size 2) must be an integer in [0, 2], got -1",
  );
  assertThrowsExact(
    () => argsort(x, { axis: -3 }),
    RangeError,
    "argsort: axis -3 is out of range for an array of rank 2; expected -2 <= axis < 2",
  );
});

// ----- properties -----

/** Values with many ties, sometimes NaN or a signed zero. */
const value = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, -0, Infinity, -Infinity) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, min: -1e6, max: 1e6 }) },
);

const sortCase = fc.record({
  rows: fc.integer({ min: 1, max: 3 }),
  values: fc.array(value, { minLength: 1, maxLength: 80 }),
  ctor: fc.constantFrom<Ctor>(Float32Array, Float64Array),
  descending: fc.boolean(),
  layout: fc.constantFrom(...LAYOUTS),
});

/** Compares as the sort does: NaN above everything, -0 equal to +0. */
function cmp(a: number, b: number): number {
  const na = Number.isNaN(a), nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

Deno.test("property: sort gives an ordered permutation, values == x[indices], stable", () => {
  fc.assert(
    fc.property(sortCase, ({ rows, values, ctor, descending, layout }) => {
      const n = values.length;
      const all = Array.from(
        { length: rows * n },
        (_, i) => values[(i * 7 + Math.floor(i / n)) % n],
      );
      const x = make(all, ctor, layout, [rows, n]);
      const xs = elements(x);
      const { values: v, indices: ix } = sort(x, { descending });
      const vs = elements(v), is = elements(ix);
      for (let r = 0; r < rows; r++) {
        const idx = is.slice(r * n, r * n + n);
        assert.deepEqual([...idx].sort((a, b) => a - b), [...Array(n).keys()]);
        for (let i = 0; i < n; i++) assert.ok(Object.is(vs[r * n + i], xs[r * n + idx[i]]));
        for (let i = 1; i < n; i++) {
          const c = cmp(vs[r * n + i - 1], vs[r * n + i]) * (descending ? -1 : 1);
          assert.ok(c < 0 || (c === 0 && idx[i - 1] < idx[i]), `row ${r} position ${i}`);
        }
      }
    }),
  );
});

Deno.test("property: topk equals the first k of a stable sort, for every k", () => {
  fc.assert(
    fc.property(sortCase, fc.nat(), ({ rows, values, ctor, descending, layout }, kSeed) => {
      const n = values.length;
      const x = make(Array(rows).fill(values).flat(), ctor, layout, [rows, n]);
      const k = kSeed % (n + 1);
      const t = topk(x, k, { largest: descending });
      const s = sort(x, { descending });
      assert.deepEqual(elements(t.indices), elements(s.indices).filter((_, i) => i % n < k));
      assert.deepEqual(elements(t.values), elements(s.values).filter((_, i) => i % n < k));
    }),
  );
});

Deno.test("property: sorting along a middle axis equals sorting the permuted array", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 24, maxLength: 24 }),
      (v) => {
        const x = make(v, Float32Array, "strided", [2, 3, 4]);
        const r = sort(x, { axis: 1, descending: true });
        const viaLast = sort(x.permute(0, 2, 1), { descending: true });
        assert.deepEqual(elements(r.indices), elements(viaLast.indices.permute(0, 2, 1)));
        assert.deepEqual(elements(r.values), elements(viaLast.values.permute(0, 2, 1)));
      },
    ),
  );
});
