import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { pad, type PadMode } from "./pad.ts";
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

Deno.test("every mode matches torch.nn.functional.pad on the last two axes of a 4-d array", () => {
  for (const layout of LAYOUTS) {
    const x = make(fx.pad_x, Float32Array, layout);
    for (const mode of ["constant", "reflect", "replicate", "circular"] as PadMode[]) {
      assertArray(pad(x, [2, 1, 2, 1], { mode }), fx[`pad_${mode}`], "float32");
    }
    assertArray(pad(x, [1, -2, -1, 2, 1, 0], { value: -1.5 }), fx.pad_constant_value);
    assertArray(pad(x, [-1, 2, 1, -1], { mode: "circular" }), fx.pad_circular_negative);
  }
});

Deno.test("reflect, replicate and circular match PyTorch on three axes of a 5-d array", () => {
  for (const layout of LAYOUTS) {
    const x = make(fx.pad3_x, Float64Array, layout);
    for (const mode of ["reflect", "replicate", "circular"] as PadMode[]) {
      assertArray(pad(x, [1, 2, 2, 0, 1, 1], { mode }), fx[`pad3_${mode}`], "float64");
    }
  }
});

Deno.test("hand-computed 1-d cases, int32, cropping and the NDArray method", () => {
  const x = make([1, 2, 3, 4], Int32Array);
  assertArray(pad(x, [2, 3], { mode: "reflect" }), [3, 2, 1, 2, 3, 4, 3, 2, 1], "int32");
  assertArray(pad(x, [1, 2], { mode: "replicate" }), [1, 1, 2, 3, 4, 4, 4]);
  assertArray(pad(x, [4, 4], { mode: "circular" }), [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
  assertArray(pad(x, [1, 1], { value: 7 }), [7, 1, 2, 3, 4, 7]);
  assertArray(pad(x, [-1, -2]), [2]);
  assertArray(pad(x, [-4, 0]), []);
  assertArray(pad(x, [-2, 1], { mode: "reflect" }), [3, 4, 3]);
  assertArray(pad(x, []), [1, 2, 3, 4]);
  assertArray(x.pad([1, 0], { value: -1 }), [-1, 1, 2, 3, 4]);
  assertArray(pad(make([NaN, 1]), [1, 0], { value: Infinity }), [Infinity, NaN, 1]);
  assertArray(pad(make([[1, 2]]), [0, 0, 1, 1], { value: 5 }), [[5, 5], [1, 2], [5, 5]]);
  assertArray(pad(NDArray.fromTyped(new Float32Array(0), [2, 0]), [1, 0], { value: 3 }), [[3], [
    3,
  ]]);
  assert.deepEqual([
    ...pad(NDArray.fromTyped(new Float32Array(0), [0, 2]), [1, 1], { mode: "reflect" }).shape,
  ], [
    0,
    4,
  ]);
});

Deno.test("pad rejects bad arguments with clear messages", () => {
  const x = make([[1, 2, 3]]);
  assertThrowsExact(
    () => pad(x, [3, 0], { mode: "reflect" }),
    RangeError,
    "pad: reflect padding [3, 0] pads axis 1 by 3; expected smaller than the axis size 3",
  );
  assertThrowsExact(
    () => pad(x, [0, 4], { mode: "circular" }),
    RangeError,
    "pad: circular padding [0, 4] pads axis 1 by 4; expected at most the axis size 3",
  );
  assertThrowsExact(
    () => pad(x, [-3, 1], { mode: "replicate" }),
    RangeError,
    "pad: replicate padding [-3, 1] pads axis 1 by 1; expected a non-empty axis",
  );
  assertThrowsExact(
    () => pad(x, [1]),
    RangeError,
    "pad: padding [1] must have an even length (pairs per axis)",
  );
  assertThrowsExact(
    () => pad(x, [1, 1, 1, 1, 1, 1]),
    RangeError,
    "pad: padding [1, 1, 1, 1, 1, 1] covers 3 axes but x has shape [1, 3]",
  );
  assertThrowsExact(
    () => pad(x, [0.5, 1]),
    TypeError,
    "pad: padding entries must be integers, got 0.5",
  );
  assertThrowsExact(
    () => pad(x, [-2, -2]),
    RangeError,
    "pad: padding [-2, -2] crops axis 1 of [1, 3] below size 0",
  );
  assertThrowsExact(
    () => pad(x, [1, 1], { mode: "edge" as PadMode }),
    RangeError,
    'pad: unknown mode "edge"; expected one of constant, reflect, replicate, circular',
  );
  assertThrowsExact(
    () => pad(x, [1, 1], { mode: "reflect", value: 1 }),
    TypeError,
    'pad: value applies to mode "constant" only, got mode "reflect"',
  );
  assertThrowsExact(
    () => pad(5 as unknown as NDArray, [1, 1]),
    TypeError,
    "pad: x must be an NDArray, got 5",
  );
});

/** The padded elements one at a time from each mode's index map: a naive reference. */
function naivePad(
  xs: number[],
  shape: number[],
  lo: number[],
  hi: number[],
  mode: PadMode,
  value: number,
): number[] {
  const out: number[] = [];
  const oshape = shape.map((d, k) => d + lo[k] + hi[k]);
  const total = oshape.reduce((p, d) => p * d, 1);
  for (let i = 0; i < total; i++) {
    let rest = i, src = 0, inside = true;
    for (let k = oshape.length - 1, stride = 1; k >= 0; k--) {
      const o = rest % oshape[k];
      rest = Math.floor(rest / oshape[k]);
      let j = o - lo[k];
      const n = shape[k];
      if (j < 0 || j >= n) {
        if (mode === "constant") inside = false;
        else if (mode === "replicate") j = Math.min(Math.max(j, 0), n - 1);
        else if (mode === "circular") j = ((j % n) + n) % n;
        else j = j < 0 ? -j : 2 * (n - 1) - j;
      }
      src += j * stride;
      stride *= n;
    }
    out.push(inside ? xs[src] : value);
  }
  return out;
}

Deno.test("property: every mode equals a naive index map, and slicing the border off gives x back", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
      fc.constantFrom<PadMode>("constant", "reflect", "replicate", "circular"),
      fc.constantFrom(...LAYOUTS),
      fc.constantFrom<Ctor>(Float32Array, Float64Array, Int32Array),
      (shape, amounts, mode, layout, ctor) => {
        const padded = Math.min(shape.length, 1 + (amounts[0] % 3));
        const lo = shape.map(() => 0), hi = shape.map(() => 0);
        const padding: number[] = [];
        for (let i = 0; i < padded; i++) {
          const d = shape.length - 1 - i;
          const limit = mode === "reflect" ? shape[d] - 1 : mode === "circular" ? shape[d] : 3;
          lo[d] = Math.min(amounts[2 * i], limit);
          hi[d] = Math.min(amounts[2 * i + 1], limit);
          padding.push(lo[d], hi[d]);
        }
        const n = shape.reduce((p, d) => p * d, 1);
        const xs = Array.from({ length: n }, (_, i) => i * 3 - 5);
        const x = make(xs, ctor, layout, shape);
        const value = mode === "constant" ? -9 : undefined;
        const out = pad(x, padding, { mode, value });
        assert.deepEqual(elements(out), naivePad(xs, shape, lo, hi, mode, -9));
        const back = pad(out, padding.map((p) => -p));
        assert.deepEqual([...back.shape], shape);
        assert.deepEqual(elements(back), xs);
      },
    ),
  );
});

Deno.test("pad names itself when its options are not an object", () => {
  assert.throws(
    () => pad(NDArray.fromTyped(new Float32Array(3)), [1, 1], null as never),
    /^TypeError: pad: options must be an object, got null$/,
  );
});

Deno.test("pad names itself for an unknown mode of any type, a BigInt too", () => {
  assert.throws(
    () => pad(NDArray.fromTyped(new Float32Array(3)), [1, 1], { mode: 3n as never }),
    /^RangeError: pad: unknown mode 3; expected one of constant, reflect, replicate, circular$/,
  );
});
