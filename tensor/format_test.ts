import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "./ndarray.ts";
import { allocTyped, type DType } from "./dtype.ts";
import {
  formatArray,
  getPrintOptions,
  type PrintOptions,
  resetPrintOptions,
  setPrintOptions,
} from "./format.ts";

interface FormatCase {
  name: string;
  dtype: DType;
  shape: number[];
  data: (number | string)[];
  view: "transpose" | "step2" | "flip0" | null;
  options: Partial<PrintOptions>;
  expected: string;
}

const cases: FormatCase[] = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/format_cases.json", import.meta.url)),
);

function build(dtype: DType, shape: number[], data: (number | string)[]): NDArray {
  const typed = allocTyped(dtype, data.length);
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity };
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    typed[i] = typeof v === "number" ? v : special[v];
  }
  return NDArray.fromTyped(typed, shape);
}

function applyView(x: NDArray, view: FormatCase["view"]): NDArray {
  if (view === "transpose") return x.transpose();
  if (view === "step2") return x.slice(null, { step: 2 });
  if (view === "flip0") return x.flip(0);
  return x;
}

Deno.test("formatArray matches PyTorch 1.13's printer on every fixture case", () => {
  assert.ok(cases.length >= 40);
  for (const c of cases) {
    const x = applyView(build(c.dtype, c.shape, c.data), c.view);
    assert.equal(formatArray(x, c.options), c.expected, c.name);
  }
});

Deno.test("formatArray: global print options apply, and toString uses them", () => {
  const saved = getPrintOptions();
  try {
    for (const c of cases.filter((c) => Object.keys(c.options).length > 0)) {
      resetPrintOptions();
      setPrintOptions(c.options);
      const x = applyView(build(c.dtype, c.shape, c.data), c.view);
      assert.equal(x.toString(), c.expected, c.name);
    }
  } finally {
    setPrintOptions(saved);
  }
  assert.deepEqual(getPrintOptions(), saved);
});

Deno.test("formatArray: hand-checked layouts", () => {
  const f32 = (values: number[], shape?: number[]) =>
    NDArray.fromTyped(new Float32Array(values), shape);
  assert.equal(formatArray(f32([1, 2, 3, 4], [2, 2])), "array([[1., 2.],\n       [3., 4.]])");
  assert.equal(formatArray(f32([3.5], [])), "array(3.5000)");
  assert.equal(formatArray(f32([], [0, 3])), "array([], shape=[0, 3])");
  assert.equal(formatArray(f32([])), "array([])");
  assert.equal(formatArray(f32([NaN, -Infinity])), "array([nan, -inf])");
  assert.equal(
    formatArray(NDArray.fromTyped(new Int32Array([-1, 10]))),
    "array([-1, 10], dtype=int32)",
  );
  assert.equal(
    formatArray(NDArray.fromTyped(new Float64Array([0.25]))),
    "array([0.2500], dtype=float64)",
  );
  // 3 edge items of each end, " ..." in the middle of rows, "...," between rows.
  const big = NDArray.fromTyped(Int32Array.from({ length: 1001 }, (_, i) => i));
  assert.equal(formatArray(big), "array([   0,    1,    2,  ...,  998,  999, 1000], dtype=int32)");
});

Deno.test("formatArray: exact ties round to even, as Python's format does", () => {
  const f64 = (values: number[]) => NDArray.fromTyped(new Float64Array(values));
  // 0.5 -> "0" and 2.5 -> "2" at 0 decimals; 1.03125 is exact in binary and lies halfway at 4.
  assert.equal(
    formatArray(f64([0.5, 2.5, 1.5]), { precision: 0 }),
    "array([0, 2, 2], dtype=float64)",
  );
  assert.equal(formatArray(f64([1.03125, 2.5]), {}), "array([1.0312, 2.5000], dtype=float64)");
  assert.equal(
    formatArray(f64([1.03125, 10.3125, 2000])),
    "array([1.0312e+00, 1.0312e+01, 2.0000e+03], dtype=float64)",
  );
  // 0.30000000000000004 is not a tie: JavaScript and Python agree.
  assert.equal(formatArray(f64([0.1 + 0.2]), { precision: 1 }), "array([0.3], dtype=float64)");
  // Past 1e21 toFixed would switch to exponent notation; Python prints every digit. (The column
  // width is the one of the notation chosen before sciMode overrode it, as in PyTorch.)
  assert.equal(
    formatArray(f64([1e22, 1.5]), { sciMode: false, precision: 1 }),
    "array([10000000000000000000000.0,     1.5], dtype=float64)",
  );
  assert.equal(
    formatArray(f64([1e22, 1]), { sciMode: false, precision: 1 }),
    "array([10000000000000000000000.,      1.], dtype=float64)",
  );
});

Deno.test("formatArray: a view prints like its contiguous copy (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom<DType>("float32", "float64", "int32"),
      (shape, seed, dtype) => {
        const n = shape.reduce((p, d) => p * d, 1);
        const data = allocTyped(dtype, n);
        for (let i = 0; i < n; i++) {
          data[i] = ((i * 7919 + seed) % 211) / (dtype === "int32" ? 1 : 8) - 10;
        }
        const x = NDArray.fromTyped(data, shape);
        const view = x.transpose().flip(0);
        const copy = allocTyped(dtype, n);
        const nested = view.toArray();
        let k = 0;
        const walk = (v: unknown) => Array.isArray(v) ? v.forEach(walk) : (copy[k++] = v as number);
        walk(nested);
        assert.equal(formatArray(view), formatArray(NDArray.fromTyped(copy, [...view.shape])));
      },
    ),
  );
});

Deno.test("formatArray and setPrintOptions reject bad arguments", () => {
  const x = NDArray.fromTyped(new Float32Array([1]));
  assert.throws(() => formatArray({} as NDArray), /formatArray: expected an NDArray/);
  assert.throws(
    () => formatArray(x, { precision: -1 }),
    /formatArray: precision must be an integer in \[0, 100\], got -1/,
  );
  assert.throws(() => setPrintOptions({ lineWidth: 0 }), RangeError);
  assert.throws(
    () => setPrintOptions({ threshold: NaN }),
    /threshold must be a non-negative number/,
  );
  assert.throws(() => setPrintOptions({ sciMode: "yes" as unknown as boolean }), TypeError);
  assert.equal(getPrintOptions().lineWidth, 80);
});

Deno.test("setPrintOptions names itself for options that are not an object, and accepts none", () => {
  const before = getPrintOptions();
  setPrintOptions(undefined as never);
  assert.deepEqual(getPrintOptions(), before);
  assert.throws(
    () => setPrintOptions(null as never),
    /^TypeError: setPrintOptions: options must be an object, got null$/,
  );
});
