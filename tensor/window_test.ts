import assert from "node:assert/strict";
import fc from "fast-check";
import type { WindowGeometry } from "./backend.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { jsBackend } from "./js_backend.ts";
import { contiguousStrides, sizeOf } from "./shape.ts";
import {
  avgPool,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  col2im,
  im2col,
  maxPool,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  maxPoolGrad,
  type MaxPoolResult,
  windowOutputShape,
} from "./window.ts";

// ----- helpers (independent of the lead's creation / elementwise ops) -----

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

function arr(
  values: readonly number[],
  shape: readonly number[],
  ctor: Ctor = Float32Array,
): NDArray {
  return NDArray.fromTyped(ctor.from(values), shape);
}

/** The elements of any (strided) array in row-major order. */
function flat(a: NDArray): number[] {
  const out: number[] = [];
  const idx = new Array<number>(a.ndim).fill(0);
  const n = a.size;
  for (let i = 0; i < n; i++) {
    let p = a.offset;
    for (let d = 0; d < a.ndim; d++) p += idx[d] * a.strides[d];
    out.push(a.data[p]);
    for (let d = a.ndim - 1; d >= 0; d--) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The same logical values, stored every other element after a 3-element gap (positive strides, offset). */
function gapped(
  values: readonly number[],
  shape: readonly number[],
  ctor: Ctor = Float32Array,
): NDArray {
  const data = new ctor(3 + 2 * values.length).fill(-99);
  values.forEach((v, i) => (data[3 + 2 * i] = v));
  return new NDArray(new Storage(data), shape, contiguousStrides(shape).map((s) => 2 * s), 3);
}

/** The same logical values stored back to front (negative strides). */
function reversed(
  values: readonly number[],
  shape: readonly number[],
  ctor: Ctor = Float32Array,
): NDArray {
  const data = ctor.from([...values].reverse());
  return new NDArray(
    new Storage(data),
    shape,
    contiguousStrides(shape).map((s) => -s),
    values.length - 1,
  );
}

/** The same logical values stored channels-last (`[N, ...spatial, C]` in memory), viewed as `[N, C, ...spatial]`. */
function channelsLast(
  values: readonly number[],
  shape: readonly number[],
  ctor: Ctor = Float32Array,
): NDArray {
  const phys = [shape[0], ...shape.slice(2), shape[1]];
  const perm = [0, phys.length - 1, ...shape.slice(2).map((_, i) => i + 1)];
  const data = new ctor(values.length);
  const view = new NDArray(new Storage(data), phys).permute(perm);
  // Write through the view so that the logical order matches `values`.
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let p = view.offset;
    for (let d = 0; d < shape.length; d++) p += idx[d] * view.strides[d];
    data[p] = values[i];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return view;
}

const layouts = { contiguous: null, gapped, reversed, channelsLast } as const;

function assertClose(
  actual: readonly number[],
  expected: readonly number[],
  tol: number,
  msg: string,
): void {
  assert.equal(actual.length, expected.length, `${msg}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) ? !Number.isNaN(a) : Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
      assert.fail(`${msg}: element ${i} is ${a}, expected ${e}`);
    }
  }
}

/** `w` `[O, K]` times each batch of `cols` `[N, K, L]`, by hand: the convolution im2col enables. */
function matmulCols(w: readonly number[], O: number, cols: NDArray): number[] {
  const [N, K, L] = cols.shape;
  const c = flat(cols);
  const out: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let l = 0; l < L; l++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += w[o * K + k] * c[(n * K + k) * L + l];
        out.push(s);
      }
    }
  }
  return out;
}

// ----- naive references, written from the definitions with bounds checks everywhere -----

function* multiIndex(shape: readonly number[]): Generator<number[]> {
  const idx = new Array<number>(shape.length).fill(0);
  if (shape.some((s) => s === 0)) return;
  for (;;) {
    yield [...idx];
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

function flatIndex(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i] + idx[i];
  return f;
}

function naiveIm2col(
  x: readonly number[],
  shape: readonly number[],
  g: WindowGeometry,
  grid: number[],
): number[] {
  const [N, C] = shape;
  const sp = shape.slice(2);
  const K = sizeOf(g.kernel), L = sizeOf(grid);
  const out = new Array<number>(N * C * K * L).fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (const k of multiIndex(g.kernel)) {
        for (const o of multiIndex(grid)) {
          const i = o.map((oi, d) => oi * g.stride[d] - g.padding[d] + k[d] * g.dilation[d]);
          if (i.some((v, d) => v < 0 || v >= sp[d])) continue;
          const row = c * K + flatIndex(k, g.kernel);
          out[(n * C * K + row) * L + flatIndex(o, grid)] =
            x[(n * C + c) * sizeOf(sp) + flatIndex(i, sp)];
        }
      }
    }
  }
  return out;
}

function naiveCol2im(
  cols: readonly number[],
  N: number,
  C: number,
  sp: number[],
  g: WindowGeometry,
  grid: number[],
) {
  const K = sizeOf(g.kernel), L = sizeOf(grid);
  const out = new Array<number>(N * C * sizeOf(sp)).fill(0);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (const k of multiIndex(g.kernel)) {
        for (const o of multiIndex(grid)) {
          const i = o.map((oi, d) => oi * g.stride[d] - g.padding[d] + k[d] * g.dilation[d]);
          if (i.some((v, d) => v < 0 || v >= sp[d])) continue;
          out[(n * C + c) * sizeOf(sp) + flatIndex(i, sp)] +=
            cols[(n * C * K + c * K + flatIndex(k, g.kernel)) * L + flatIndex(o, grid)];
        }
      }
    }
  }
  return out;
}

function naivePool(
  kind: "max" | "avg",
  x: readonly number[],
  shape: readonly number[],
  g: WindowGeometry,
  grid: number[],
  includePad: boolean,
): { values: number[]; indices: number[] } {
  const [N, C] = shape;
  const sp = shape.slice(2);
  const P = sizeOf(sp);
  const values: number[] = [], indices: number[] = [];
  for (let plane = 0; plane < N * C; plane++) {
    for (const o of multiIndex(grid)) {
      const start = o.map((oi, d) => oi * g.stride[d] - g.padding[d]);
      // PyTorch starts from the first tap at a non-negative position (even one past the input)
      const first = start.map((
        s,
        d,
      ) => (s >= 0 ? s : s + Math.ceil(-s / g.dilation[d]) * g.dilation[d]));
      let best = -Infinity, at = flatIndex(first, sp), sum = 0, inside = 0, padded = 0;
      for (const k of multiIndex(g.kernel)) {
        const i = start.map((s, d) => s + k[d] * g.dilation[d]);
        if (i.every((v, d) => v >= -g.padding[d] && v < sp[d] + g.padding[d])) padded++;
        if (i.some((v, d) => v < 0 || v >= sp[d])) continue;
        const v = x[plane * P + flatIndex(i, sp)];
        inside++;
        sum += v;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = flatIndex(i, sp);
        }
      }
      values.push(kind === "max" ? best : sum / (includePad ? padded : inside));
      indices.push(at);
    }
  }
  return { values, indices };
}

/** Deterministic small integers (exact in float32, so sums are exact). */
function ints(n: number, seed: number, span = 11): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push((s >>> 16) % span - (span >> 1));
  }
  return out;
}

// ----- hand-checked values -----

Deno.test("im2col: 1-d and 2-d hand-checked columns", () => {
  const x1 = arr([1, 2, 3, 4], [1, 1, 4]);
  assert.deepEqual(flat(im2col(x1, { kernel: 2 })), [1, 2, 3, 2, 3, 4]);
  // padding 1, stride 2: windows over [0, 1, 2, 3, 4, 0] start at -1, 1, 3
  const cols = im2col(x1, { kernel: 2, stride: 2, padding: 1 });
  assert.deepEqual(cols.shape, [1, 2, 3]);
  assert.deepEqual(flat(cols), [0, 2, 4, 1, 3, 0]);
  // dilation 2: taps i and i + 2
  assert.deepEqual(flat(im2col(x1, { kernel: 2, dilation: 2 })), [1, 2, 3, 4]);

  const x2 = arr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], [1, 2, 3, 3]);
  const c2 = im2col(x2, { kernel: [2, 1], stride: [1, 2] });
  assert.deepEqual(c2.shape, [1, 4, 4]);
  // rows (c, kh): output grid 2×2 over columns 0 and 2
  assert.deepEqual(flat(c2), [1, 3, 4, 6, 4, 6, 7, 9, 10, 12, 13, 15, 13, 15, 16, 18]);
});

Deno.test("col2im: hand-checked overlap counts and sums", () => {
  const ones = arr(new Array(16).fill(1), [1, 4, 4]);
  assert.deepEqual(flat(col2im(ones, [3, 3], { kernel: 2 })), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  // 3×3 kernel, padding 1 on 3×3: every tap that lands inside adds its column value
  const cols = arr(Array.from({ length: 9 * 9 }, (_, i) => i % 9), [1, 9, 9]);
  // position (h, w) is read by window (h', w') at tap (h - h' + 1, w - w' + 1); column value = h'·3 + w'
  const expect: number[] = [];
  for (let h = 0; h < 3; h++) {
    for (let w = 0; w < 3; w++) {
      let s = 0;
      for (let oh = Math.max(0, h - 1); oh <= Math.min(2, h + 1); oh++) {
        for (let ow = Math.max(0, w - 1); ow <= Math.min(2, w + 1); ow++) s += oh * 3 + ow;
      }
      expect.push(s);
    }
  }
  assert.deepEqual(flat(col2im(cols, [3, 3], { kernel: 3, padding: 1 })), expect);
  // stride 2, size 5 with kernel 2: the last input column is never read, so it stays 0
  const c1 = arr([1, 2, 3, 4], [1, 2, 2]);
  assert.deepEqual(flat(col2im(c1, [5], { kernel: 2, stride: 2 })), [1, 3, 2, 4, 0]);
});

// ----- the notes' worked examples -----

const notesX = [2, 4, 9, 1, 4, 2, 1, 4, 4, 6, 1, 1, 2, 9, 2, 7, 3, 5, 1, 3, 2, 3, 4, 8, 5];
const notesK = [1, 2, 3, -4, 7, 4, 2, -5, 1];

Deno.test("notes 000 L815: cross-correlation through im2col gives [[51,66,20],[31,49,101],[15,53,-2]]", () => {
  // spec: 000-003/3.2
  const cols = im2col(arr(notesX, [1, 1, 5, 5]), { kernel: 3 });
  assert.deepEqual(cols.shape, [1, 9, 9]);
  assert.deepEqual(matmulCols(notesK, 1, cols), [51, 66, 20, 31, 49, 101, 15, 53, -2]);
  // The flipped kernel gives true convolution, which the notes distinguish.
  assert.deepEqual(matmulCols([...notesK].reverse(), 1, cols), [6, -7, 58, 40, -9, 79, 45, 77, 9]);
  // The edge kernel of L830.
  const edge = [-1, -1, -1, -1, 8, -1, -1, -1, -1];
  assert.deepEqual(matmulCols(edge, 1, cols), [-17, 1, -5, -17, -12, 45, -1, 9, -30]);
  // Both kernels at once (O = 2) and a batch of two (the second image negated).
  const both = im2col(arr([...notesX, ...notesX.map((v) => -v)], [2, 1, 5, 5]), { kernel: 3 });
  assert.deepEqual(matmulCols([...notesK, ...edge], 2, both), [
    ...[51, 66, 20, 31, 49, 101, 15, 53, -2, -17, 1, -5, -17, -12, 45, -1, 9, -30],
    ...[-51, -66, -20, -31, -49, -101, -15, -53, 2, 17, -1, 5, 17, 12, -45, 1, -9, 30],
  ]);
});

Deno.test("notes 004 G7: 5×5 cross-correlation then 2×2 max pool", () => {
  // spec: 001-004/G7
  const x = [1, 2, 0, 3, 1, -1, -1, 2, 0, 1, 1, -1, -1, 0, 1, 3, 1, 2, -1, 1, 1, 4, 0, 1, 2];
  const fmap = matmulCols([1, -1, 0, 2], 1, im2col(arr(x, [1, 1, 5, 5]), { kernel: 2 }));
  assert.deepEqual(fmap, [-3, 6, -3, 4, -2, -5, 2, 1, 4, 4, -3, 1, 10, -1, 5, 2]);
  const { values, indices } = maxPool2d(arr(fmap, [1, 1, 4, 4]), { kernel: 2, stride: 2 });
  assert.deepEqual(flat(values), [6, 4, 10, 5]);
  assert.deepEqual(flat(indices), [1, 3, 12, 14]);
  // True convolution flips the kernel to [[2, 0], [−1, 1]], which the notes' example does not do.
  assert.deepEqual(
    matmulCols([2, 0, -1, 1], 1, im2col(arr(x, [1, 1, 5, 5]), { kernel: 2 })),
    [2, 7, -2, 7, -4, -2, 5, 1, 0, -1, -5, 2, 9, -2, 5, -1],
  );
});

Deno.test("notes 004 G8: 3-channel 2×2 filter, top-left output 25", () => {
  // spec: 001-004/G8
  const ch1 = [1, 1, 2, 1, 2, 0, -1, 1, -1, 1, 0, -1, 0, 1, 2, 3];
  const ch2 = [1, -1, 1, -1, 0, 1, 0, 2, 2, 3, 0, 1, 0, 0, 0, 0]; // last row lost in the notes' OCR
  const ch3 = [4, 1, 4, 2, 2, 3, 1, 3, 1, 2, 3, 1, 0, 1, 2, 2];
  const cols = im2col(arr([...ch1, ...ch2, ...ch3], [1, 3, 4, 4]), { kernel: 2 });
  const w = [1, -1, 1, 2, 1, 0, 0, 6, 3, 2, 1, 0];
  const out = matmulCols(w, 1, cols);
  assert.equal(out[0], 25);
  assert.deepEqual(out.slice(0, 3), [25, 10, 32]);
});

Deno.test("notes 002: 1-d and 2-d correlation, full convolution, 2×2 pooling", () => {
  // spec: 002-part-a/3b.conv1d
  assert.deepEqual(matmulCols([1, 0, -1], 1, im2col(arr([1, 2, 3, 4], [1, 1, 4]), { kernel: 3 })), [
    -2,
    -2,
  ]);
  assert.deepEqual(matmulCols([-1, 0, 1], 1, im2col(arr([1, 2, 3, 4], [1, 1, 4]), { kernel: 3 })), [
    2,
    2,
  ]);
  // full convolution [1,2,3] * [0,1,0.5] = correlation with the flipped kernel and padding k-1
  const full = matmulCols(
    [0.5, 1, 0],
    1,
    im2col(arr([1, 2, 3], [1, 1, 3]), { kernel: 3, padding: 2 }),
  );
  assert.deepEqual(full, [0, 1, 2.5, 4, 1.5]);
  // spec: 002-part-a/3b.conv2d
  const f = arr([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  assert.deepEqual(matmulCols([1, 0, 0, -1], 1, im2col(f, { kernel: 2 })), [-4, -4, -4, -4]);
  assert.deepEqual(matmulCols([-1, 0, 0, 1], 1, im2col(f, { kernel: 2 })), [4, 4, 4, 4]);
  // spec: 002-part-a/3b.pooling
  const p = arr([1, 3, 2, 4, 5, 6, 1, 2, 7, 2, 9, 0, 1, 8, 3, 4], [1, 1, 4, 4]);
  const m = maxPool2d(p, { kernel: 2, stride: 2 });
  assert.deepEqual(flat(m.values), [6, 4, 8, 9]);
  assert.deepEqual(flat(m.indices), [5, 3, 13, 10]);
  assert.deepEqual(flat(avgPool2d(p, { kernel: 2, stride: 2 })), [3.75, 2.25, 4.5, 4]);
});

// ----- PyTorch fixtures -----

interface Case {
  name: string;
  op: "im2col" | "col2im" | "maxPool" | "avgPool";
  inputShape: number[];
  input: number[];
  spatial?: number[];
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation?: number[];
  ceilMode?: boolean;
  countIncludePad?: boolean;
  outputShape: number[];
  output: number[];
  indices?: number[];
}

const fixtures: { torch: string; cases: Case[] } = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/window_cases.json", import.meta.url)),
);

const named = {
  maxPool: [maxPool1d, maxPool2d, maxPool3d],
  avgPool: [avgPool1d, avgPool2d, avgPool3d],
};

function runCase(c: Case, x: NDArray): { out: NDArray; indices?: NDArray } {
  const geo = { kernel: c.kernel, stride: c.stride, padding: c.padding };
  const d = c.kernel.length;
  switch (c.op) {
    case "im2col":
      return { out: im2col(x, { ...geo, dilation: c.dilation }) };
    case "col2im":
      return { out: col2im(x, c.spatial!, { ...geo, dilation: c.dilation }) };
    case "maxPool": {
      const opts = { ...geo, dilation: c.dilation, ceilMode: c.ceilMode };
      const r = maxPool(x, opts);
      const r2: MaxPoolResult = named.maxPool[d - 1](x, opts);
      assert.deepEqual(flat(r2.values), flat(r.values));
      assert.deepEqual(flat(r2.indices), flat(r.indices));
      return { out: r.values, indices: r.indices };
    }
    case "avgPool": {
      const opts = { ...geo, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad };
      const out = avgPool(x, opts);
      assert.deepEqual(flat(named.avgPool[d - 1](x, opts)), flat(out));
      return { out };
    }
  }
}

Deno.test(`PyTorch ${fixtures.torch} fixtures: im2col, col2im, max and average pooling`, async (t) => {
  assert.ok(fixtures.cases.length >= 40);
  for (const c of fixtures.cases) {
    const label = `${c.op} ${c.name}${c.countIncludePad === false ? " (exclude pad)" : ""}`;
    await t.step(label, () => {
      for (const [layout, make] of Object.entries(layouts)) {
        for (const ctor of [Float32Array, Float64Array]) {
          const x = make ? make(c.input, c.inputShape, ctor) : arr(c.input, c.inputShape, ctor);
          const { out, indices } = runCase(c, x);
          const where = `${label}, ${layout} ${ctor.name}`;
          assert.deepEqual(out.shape, c.outputShape, where);
          assert.equal(out.dtype, ctor === Float32Array ? "float32" : "float64");
          assert.ok(out.isContiguous);
          // im2col, col2im and max are exact on integers; the average's float32 reference is a rounding of the float64 one.
          const exact = ctor === Float32Array || c.op !== "avgPool";
          assertClose(flat(out), c.output, exact ? 0 : 1e-7, where);
          if (c.indices) {
            assert.equal(indices!.dtype, "int32");
            assert.deepEqual(flat(indices!), c.indices, where);
          }
        }
      }
      if (c.op === "im2col" || c.op === "col2im") {
        const i32 = runCase(c, arr(c.input, c.inputShape, Int32Array)).out;
        assert.equal(i32.dtype, "int32");
        assert.deepEqual(flat(i32), c.output);
      }
    });
  }
});

// ----- properties -----

const axisArb = fc.record({
  k: fc.integer({ min: 1, max: 4 }),
  s: fc.integer({ min: 1, max: 3 }),
  p: fc.integer({ min: 0, max: 3 }),
  dil: fc.integer({ min: 1, max: 3 }),
  extra: fc.integer({ min: 0, max: 6 }),
});

const windowArb = fc.record({
  axes: fc.array(axisArb, { minLength: 1, maxLength: 3 }),
  N: fc.integer({ min: 1, max: 2 }),
  C: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

/** Geometry and input size from an arbitrary: the window always fits into the padded input. */
function geometryOf(axes: { k: number; s: number; p: number; dil: number; extra: number }[]) {
  const g: WindowGeometry = {
    kernel: axes.map((a) => a.k),
    stride: axes.map((a) => a.s),
    padding: axes.map((a) => a.p),
    dilation: axes.map((a) => a.dil),
  };
  const spatial = axes.map((a) => Math.max(1, a.dil * (a.k - 1) + 1 - 2 * a.p + a.extra));
  return { g, spatial };
}

Deno.test("im2col and col2im agree with the direct definition on random geometries", () => {
  fc.assert(
    fc.property(windowArb, ({ axes, N, C, seed }) => {
      const { g, spatial } = geometryOf(axes);
      const shape = [N, C, ...spatial];
      const xs = ints(sizeOf(shape), seed);
      const grid = windowOutputShape(spatial, g);
      const cols = im2col(reversed(xs, shape), g);
      assert.deepEqual(flat(cols), naiveIm2col(xs, shape, g, grid));
      const ys = ints(cols.size, seed + 1);
      const back = col2im(gapped(ys, cols.shape, Float64Array), spatial, g);
      assert.deepEqual(flat(back), naiveCol2im(ys, N, C, spatial, g, grid));
    }),
    { numRuns: 150 },
  );
});

Deno.test("adjoint: <im2col(x), y> = <x, col2im(y)> on random geometries", () => {
  fc.assert(
    fc.property(windowArb, ({ axes, N, C, seed }) => {
      const { g, spatial } = geometryOf(axes);
      const shape = [N, C, ...spatial];
      const xs = ints(sizeOf(shape), seed, 19);
      const x = arr(xs, shape, Float64Array);
      const cols = im2col(x, g);
      const ys = ints(cols.size, seed ^ 0x5bd1e995, 19);
      const back = col2im(arr(ys, cols.shape, Float64Array), spatial, g);
      const a = flat(cols).reduce((s, v, i) => s + v * ys[i], 0);
      const b = flat(back).reduce((s, v, i) => s + v * xs[i], 0);
      assert.equal(a, b); // integers: both sides exact
    }),
    { numRuns: 200 },
  );
});

const poolAxisArb = fc.integer({ min: 1, max: 4 }).chain((k) =>
  fc.record({
    k: fc.constant(k),
    s: fc.integer({ min: 1, max: 3 }),
    p: fc.integer({ min: 0, max: k >> 1 }),
    dil: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 6 }),
  })
);

Deno.test("pooling agrees with the direct definition on random geometries (ceil mode, both pad counts)", () => {
  fc.assert(
    fc.property(
      fc.array(poolAxisArb, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 2 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      (axes, N, C, ceilMode, seed) => {
        const { g, spatial } = geometryOf(axes);
        const shape = [N, C, ...spatial];
        const xs = ints(sizeOf(shape), seed, 7); // small range: many ties
        const grid = windowOutputShape(spatial, { ...g, ceilMode });
        const x = channelsLast(xs, shape, Float64Array);
        const m = maxPool(x, { ...g, ceilMode });
        const ref = naivePool("max", xs, shape, g, grid, false);
        assert.deepEqual(flat(m.values), ref.values);
        assert.deepEqual(flat(m.indices), ref.indices);
        const flatG = { ...g, dilation: g.dilation.map(() => 1) };
        const avgGrid = windowOutputShape(spatial, { ...flatG, ceilMode });
        for (const countIncludePad of [true, false]) {
          const a = avgPool(x, {
            kernel: g.kernel,
            stride: g.stride,
            padding: g.padding,
            ceilMode,
            countIncludePad,
          });
          const r = naivePool("avg", xs, shape, flatG, avgGrid, countIncludePad);
          assertClose(flat(a), r.values, 1e-12, "avgPool");
        }
      },
    ),
    { numRuns: 200 },
  );
});

// ----- max-pool indices and PyTorch corner cases -----

Deno.test("maxPool: ties keep the first maximum, NaN wins (values checked against PyTorch 1.13)", () => {
  const ties = maxPool1d(arr([3, 3, 1], [1, 1, 3]), { kernel: 2, stride: 1 });
  assert.deepEqual(flat(ties.values), [3, 3]);
  assert.deepEqual(flat(ties.indices), [0, 1]);
  // torch.nn.functional.max_pool1d([1, nan, 3, nan, 2, 5], 3, 1) = [nan] * 4, indices [1, 3, 3, 3]
  const nan = maxPool1d(arr([1, NaN, 3, NaN, 2, 5], [1, 1, 6]), { kernel: 3, stride: 1 });
  assert.ok(flat(nan.values).every(Number.isNaN));
  assert.deepEqual(flat(nan.indices), [1, 3, 3, 3]);
  // all -inf: PyTorch reports the window's first element
  const inf = maxPool2d(arr([-Infinity, -Infinity, -Infinity, -Infinity], [1, 1, 2, 2]), {
    kernel: 2,
  });
  assert.deepEqual(flat(inf.values), [-Infinity]);
  assert.deepEqual(flat(inf.indices), [0]);
});

Deno.test("maxPool: a window that holds only padding gives -inf and PyTorch's index", () => {
  // torch: max_pool1d([1, 2, 3], 2, 1, 1, dilation=4) = -inf at index 3;
  // max_pool2d(arange(9).reshape(1, 1, 3, 3), 2, 1, 1, dilation=4) = -inf at index 12
  const r1 = maxPool1d(arr([1, 2, 3], [1, 1, 3]), {
    kernel: 2,
    stride: 1,
    padding: 1,
    dilation: 4,
  });
  assert.deepEqual(flat(r1.values), [-Infinity]);
  assert.deepEqual(flat(r1.indices), [3]);
  const x2 = arr([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 3, 3]);
  const r2 = maxPool2d(x2, { kernel: 2, stride: 1, padding: 1, dilation: 4 });
  assert.deepEqual(flat(r2.values), [-Infinity]);
  assert.deepEqual(flat(r2.indices), [12]);
});

Deno.test("maxPool: int32 input keeps its dtype; indices are per plane", () => {
  const x = arr([5, 1, 2, 8, 0, 9, 7, 3], [2, 1, 4], Int32Array);
  const r = maxPool1d(x, { kernel: 2 });
  assert.equal(r.values.dtype, "int32");
  assert.deepEqual(flat(r.values), [5, 8, 9, 7]);
  assert.deepEqual(flat(r.indices), [0, 3, 1, 2]);
});

Deno.test("avgPool: count_include_pad both ways and ceil mode by hand", () => {
  const x = arr([1, 2, 3, 4, 5], [1, 1, 5]);
  // padded [0, 1, 2, 3, 4, 5, 0], k 3, s 2: windows [0,1,2] [2,3,4] [4,5,0]
  assert.deepEqual(
    flat(avgPool1d(x, { kernel: 3, stride: 2, padding: 1 })),
    [1, 3, 3].map(Math.fround),
  );
  assert.deepEqual(
    flat(avgPool1d(x, { kernel: 3, stride: 2, padding: 1, countIncludePad: false })),
    [1.5, 3, 4.5],
  );
  // ceil mode: k 2, s 2 on 5 keeps a last window [5] that overhangs the input (divisor 1, not 2)
  assert.deepEqual(flat(avgPool1d(x, { kernel: 2, ceilMode: true })), [1.5, 3.5, 5]);
  assert.deepEqual(flat(avgPool1d(x, { kernel: 2, ceilMode: true, countIncludePad: false })), [
    1.5,
    3.5,
    5,
  ]);
  // 3-d: the mean of a 2×2×2 cube
  assert.equal(
    avgPool3d(arr([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 2, 2]), { kernel: 2 }).item(),
    4.5,
  );
});

Deno.test("windowOutputShape: floor and ceil mode with PyTorch's last-window rule", () => {
  assert.deepEqual(windowOutputShape([28, 28], { kernel: 5 }), [24, 24]);
  assert.deepEqual(windowOutputShape([14, 14], { kernel: 3, padding: 1 }), [14, 14]);
  assert.deepEqual(windowOutputShape([7], { kernel: 3, stride: 2, dilation: 2 }), [2]);
  assert.deepEqual(windowOutputShape([6, 5], { kernel: 2, stride: 2, ceilMode: true }), [3, 3]);
  // ceil would give 4, but the 4th window would start at 6 = in + pad: dropped
  assert.deepEqual(windowOutputShape([5], { kernel: 2, stride: 2, padding: 1, ceilMode: true }), [
    3,
  ]);
  assert.deepEqual(windowOutputShape([5], { kernel: 2, stride: 2, padding: 1 }), [3]);
  assert.deepEqual(windowOutputShape([4, 5, 6], { kernel: [1, 2, 3], stride: [1, 2, 3] }), [
    4,
    2,
    2,
  ]);
});

// ----- kernels called directly -----

Deno.test("kernels overwrite whatever the output held", () => {
  const g: WindowGeometry = { kernel: [2, 2], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
  const x = arr([1, 2, 3, 4], [1, 1, 2, 2]);
  const cols = NDArray.fromTyped(new Float32Array(4 * 9).fill(7), [1, 4, 9]);
  jsBackend.im2col(cols, x, g);
  assert.deepEqual(flat(cols), flat(im2col(x, { kernel: 2, padding: 1 })));
  const back = NDArray.fromTyped(new Float32Array(4).fill(7), [1, 1, 2, 2]);
  jsBackend.col2im(back, cols, g);
  // every pixel is read by all four taps once
  assert.deepEqual(flat(back), [4, 8, 12, 16]);
  const out = NDArray.fromTyped(new Float32Array(9).fill(7), [1, 1, 3, 3]);
  jsBackend.pool("avg", out, null, x, g, false);
  assert.deepEqual(flat(out), [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
});

Deno.test("col2im accepts strided cols (transposed layout)", () => {
  const x = arr(ints(2 * 3 * 5 * 4, 7), [2, 3, 5, 4]);
  const cols = im2col(x, { kernel: [2, 3], padding: [1, 0] });
  const [N, R, L] = cols.shape;
  // the same values stored as [N, L, R] and viewed back as [N, R, L]
  const t = new Float32Array(cols.size);
  const c = flat(cols);
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < R; r++) {
      for (let l = 0; l < L; l++) t[(n * L + l) * R + r] = c[(n * R + r) * L + l];
    }
  }
  const view = NDArray.fromTyped(t, [N, L, R]).transpose(1, 2);
  assert.ok(!view.isContiguous);
  assert.deepEqual(
    flat(col2im(view, [5, 4], { kernel: [2, 3], padding: [1, 0] })),
    flat(col2im(cols, [5, 4], { kernel: [2, 3], padding: [1, 0] })),
  );
});

// ----- bad input -----

Deno.test("bad input throws RangeError / TypeError naming op, value and expectation", () => {
  const x4 = arr(new Array(16).fill(0), [1, 1, 4, 4]);
  assert.throws(
    () => maxPool2d(arr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4]), { kernel: 2 }),
    {
      name: "RangeError",
      message: "maxPool2d: expected input [N, C, H, W], got [3, 4]",
    },
  );
  assert.throws(() => maxPool1d(x4, { kernel: 2 }), {
    name: "RangeError",
    message: "maxPool1d: expected input [N, C, L], got [1, 1, 4, 4]",
  });
  assert.throws(() => avgPool3d(x4, { kernel: 2 }), {
    name: "RangeError",
    message: "avgPool3d: expected input [N, C, D, H, W], got [1, 1, 4, 4]",
  });
  assert.throws(() => im2col(arr([1, 2], [1, 2]), { kernel: 1 }), {
    name: "RangeError",
    message: "im2col: expected input [N, C, ...spatial] with 1 to 3 spatial dimensions, got [1, 2]",
  });
  assert.throws(() => im2col(x4, { kernel: 2, padding: -1 }), {
    name: "RangeError",
    message: "im2col: padding must be an integer >= 0 or an array of 2 such integers, got -1",
  });
  assert.throws(() => im2col(x4, { kernel: [2, 0] }), {
    name: "RangeError",
    message: "im2col: kernel must be an integer >= 1 or an array of 2 such integers, got [2, 0]",
  });
  assert.throws(() => im2col(x4, { kernel: 2, stride: 1.5 }), {
    name: "RangeError",
    message: /stride must be an integer >= 1 or an array of 2 such integers, got 1.5/,
  });
  assert.throws(() => im2col(x4, { kernel: [2, 2, 2] }), {
    name: "RangeError",
    message: "im2col: kernel must be an integer >= 1 or an array of 2 such integers, got [2, 2, 2]",
  });
  assert.throws(() => im2col(x4, { kernel: 4, dilation: 2, padding: 1 }), {
    name: "RangeError",
    message:
      "im2col: window of size 7 (kernel 4, dilation 2) is larger than the padded input 6 (size 4, padding 1) along spatial dimension 0",
  });
  assert.throws(() => maxPool2d(x4, { kernel: [2, 5] }), {
    name: "RangeError",
    message: /maxPool2d: window of size 5 .* spatial dimension 1/,
  });
  assert.throws(() => maxPool2d(x4, { kernel: 3, padding: 2 }), {
    name: "RangeError",
    message: "maxPool2d: padding 2 along spatial dimension 0 is more than half the kernel size 3",
  });
  assert.throws(() => im2col(x4, {} as never), {
    name: "TypeError",
    message: "im2col: kernel is required",
  });
  assert.throws(() => im2col(x4, undefined as never), {
    name: "TypeError",
    message: "im2col: kernel is required",
  });
  assert.throws(() => im2col(x4, null as never), {
    name: "TypeError",
    message: "im2col: options must be an object, got null",
  });
  assert.throws(() => im2col([1, 2, 3] as never, { kernel: 1 }), {
    name: "TypeError",
    message: "im2col: input must be an NDArray, got an array of length 3",
  });
  assert.throws(() => maxPool2d(x4, { kernel: 2, ceilMode: "yes" as never }), {
    name: "TypeError",
    message: 'maxPool2d: ceilMode must be a boolean, got "yes"',
  });
  assert.throws(
    () => avgPool2d(arr(new Array(16).fill(0), [1, 1, 4, 4], Int32Array), { kernel: 2 }),
    {
      name: "TypeError",
      message: "avgPool2d: expected a float32 or float64 input, got int32",
    },
  );
  assert.throws(() => im2col(arr([], [1, 1, 0]), { kernel: 1 }), {
    name: "RangeError",
    message: "im2col: spatial dimensions must be non-empty, got input [1, 1, 0]",
  });
  // col2im: shapes that do not match the geometry
  const cols = arr(new Array(4 * 9).fill(0), [1, 4, 9]);
  assert.throws(() => col2im(cols, [4, 4], { kernel: 3 }), {
    name: "RangeError",
    message: "col2im: cols [1, 4, 9] has 4 rows, not a multiple of the kernel size 9 [3, 3]",
  });
  assert.throws(() => col2im(cols, [5, 5], { kernel: 2 }), {
    name: "RangeError",
    message:
      "col2im: cols [1, 4, 9] has 9 columns, but output [5, 5] with this geometry has 16 window positions [4, 4]",
  });
  assert.throws(() => col2im(arr([1, 2, 3, 4], [4, 1]), [2], { kernel: 1 }), {
    name: "RangeError",
    message: "col2im: expected cols [N, C·∏kernel, L], got [4, 1]",
  });
  assert.throws(() => col2im(cols, [4, 0], { kernel: 2 }), {
    name: "RangeError",
    message: "col2im: outputSpatialShape must be 1 to 3 positive integers, got [4, 0]",
  });
  assert.throws(() => col2im(cols, [1, 1, 1, 1], { kernel: 1 }), {
    name: "RangeError",
    message: /outputSpatialShape must be 1 to 3 positive integers/,
  });
  assert.throws(() => windowOutputShape([3], { kernel: 4 }), {
    name: "RangeError",
    message: /windowOutputShape: window of size 4/,
  });
  assert.throws(() => avgPool2d(x4, { kernel: 2, dilation: 2 } as never), {
    name: "TypeError",
    message: "avgPool2d: average pooling takes no dilation option",
  });
  assert.throws(() => maxPool(x4, { kernel: 2, stride: 0 }), {
    name: "RangeError",
    message: "maxPool: stride must be an integer >= 1 or an array of 2 such integers, got 0",
  });
});

Deno.test("maxPoolGrad: each gradient lands on its window's maximum; overlaps add up", () => {
  // 3×3 stride 2 windows with padding 1 over a 2-channel 5×5 image overlap on rows and columns 2.
  const x = arr(Array.from({ length: 50 }, (_, i) => (i * 37) % 23), [1, 2, 5, 5], Float64Array);
  const { indices } = maxPool2d(x, { kernel: 3, stride: 2, padding: 1 });
  const g = arr(Array.from({ length: 18 }, (_, i) => 1 + i / 8), [1, 2, 3, 3], Float64Array);
  const got = maxPoolGrad(g, indices, x.shape);
  // Independently: a zero image with each g added at the argmax its window reports.
  const want = new Float64Array(50);
  for (let c = 0; c < 2; c++) {
    for (let q = 0; q < 9; q++) want[c * 25 + indices.data[c * 9 + q]] += g.data[c * 9 + q];
  }
  assert.deepEqual(Array.from(got.data), Array.from(want));
  assert.deepEqual(got.shape, [1, 2, 5, 5]);
  assert.ok(want.some((v) => v > 2.5)); // some position took two windows' gradients
  // A strided (transposed) gradient reads the same values.
  const gt = arr(Array.from(g.data), [1, 2, 3, 3], Float64Array).transpose(2, 3).contiguous()
    .transpose(2, 3);
  assert.deepEqual(Array.from(maxPoolGrad(gt, indices, x.shape).data), Array.from(want));
});

Deno.test("maxPoolGrad rejects mismatched shapes, dtypes and indices by name", () => {
  const g = arr([1, 2], [1, 1, 2]);
  const ix = arr([0, 3], [1, 1, 2], Int32Array);
  assert.throws(() => maxPoolGrad(g, ix, [1, 1, 3]), /maxPoolGrad: index 3 is out of range/);
  assert.throws(() => maxPoolGrad(g, arr([0, 1], [1, 1, 2]), [1, 1, 4]), /indices must be int32/);
  assert.throws(() => maxPoolGrad(ix, ix, [1, 1, 4]), /grad must be float32 or float64, got int32/);
  assert.throws(
    () => maxPoolGrad(g, arr([0], [1, 1, 1], Int32Array), [1, 1, 4]),
    /grad \[1, 1, 2\] and indices \[1, 1, 1\] must share one shape/,
  );
  assert.throws(() => maxPoolGrad(g, ix, [1, 2, 4]), /inputShape \[1, 2, 4\] must be \[1, 1, /);
  assert.throws(() => maxPoolGrad(g, ix, [1, 1, -4]), /maxPoolGrad: invalid shape/);
});
