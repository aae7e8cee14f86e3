import assert from "node:assert/strict";
import fc from "fast-check";
import {
  abs,
  add,
  astype,
  concat,
  convolution,
  convolutionInputGrad,
  convolutionMaxPool,
  convolutionWeightGrad,
  convThenMaxPool,
  im2col,
  matmul,
  maxPool,
  NDArray,
  randn,
  Rng,
  sum,
} from "./mod.ts";
import { mul } from "./elementwise.ts";

/** The definition: unfold each group, multiply by the group's weight rows, add the bias. */
function reference(
  x: NDArray,
  w: NDArray,
  bias: NDArray | null,
  o: { stride: number[]; padding: number[]; dilation: number[]; groups: number },
): NDArray {
  const [Cout, CinG] = w.shape, G = o.groups;
  const kernel = w.shape.slice(2);
  const KK = kernel.reduce((a, b) => a * b, 1);
  const parts: NDArray[] = [];
  for (let g = 0; g < G; g++) {
    const xg = x.slice(null, { start: g * CinG, stop: (g + 1) * CinG });
    const cols = im2col(xg, { kernel, stride: o.stride, padding: o.padding, dilation: o.dilation });
    const wg = w.slice({ start: (g * Cout) / G, stop: ((g + 1) * Cout) / G }).reshape([
      Cout / G,
      CinG * KK,
    ]);
    parts.push(matmul(wg, cols));
  }
  let y = concat(parts, 1);
  if (bias !== null) y = add(y, bias.reshape([1, Cout, 1]));
  return y;
}

function fromTyped(d: Float64Array, shape: number[]): NDArray {
  return NDArray.fromTyped(d, shape);
}

const close = (a: NDArray, b: NDArray, tol = 1e-10) => {
  assert.deepEqual(a.shape, b.shape);
  const x = a.contiguous().data, y = b.contiguous().data;
  for (let i = 0; i < x.length; i++) {
    assert.ok(
      Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])),
      `element ${i}: ${x[i]} vs ${y[i]}`,
    );
  }
};

const geometry = fc.record({
  d: fc.integer({ min: 1, max: 3 }),
  groups: fc.constantFrom(1, 1, 2, 3),
  cinG: fc.integer({ min: 1, max: 3 }),
  coutG: fc.integer({ min: 1, max: 3 }),
  n: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 1 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  size: fc.integer({ min: 3, max: 6 }),
  bias: fc.boolean(),
  seed: fc.integer({ min: 0, max: 1 << 20 }),
}).filter((p) => p.size + 2 * p.padding >= p.dilation * (p.k - 1) + 1);

Deno.test("convolution equals unfold + matmul per group (plus bias), 1-3 spatial dimensions", () => {
  fc.assert(
    fc.property(geometry, (p) => {
      const rng = new Rng(p.seed);
      const spatial = new Array<number>(p.d).fill(p.size);
      const x = randn([p.n, p.cinG * p.groups, ...spatial], { dtype: "float64", rng });
      const w = randn([p.coutG * p.groups, p.cinG, ...spatial.map(() => p.k)], {
        dtype: "float64",
        rng,
      });
      const b = p.bias ? randn([p.coutG * p.groups], { dtype: "float64", rng }) : null;
      const o = {
        stride: spatial.map(() => p.stride),
        padding: spatial.map(() => p.padding),
        dilation: spatial.map(() => p.dilation),
        groups: p.groups,
      };
      const y = convolution(x, w, b, o);
      const want = reference(x, w, b, o);
      close(y.reshape(want.shape), want);
    }),
    { numRuns: 60 },
  );
});

Deno.test("convolution's gradients are its adjoints: <dy, x⋆w> = <dx(dy, w), x> = <dw(dy, x), w>", () => {
  fc.assert(
    fc.property(geometry, (p) => {
      const rng = new Rng(p.seed);
      const spatial = new Array<number>(p.d).fill(p.size);
      const x = randn([p.n, p.cinG * p.groups, ...spatial], { dtype: "float64", rng });
      const wShape = [p.coutG * p.groups, p.cinG, ...spatial.map(() => p.k)];
      const w = randn(wShape, { dtype: "float64", rng });
      const o = {
        stride: p.stride,
        padding: p.padding,
        dilation: p.dilation,
        groups: p.groups,
      };
      const y = convolution(x, w, null, o);
      const dy = randn(y.shape, { dtype: "float64", rng });
      const lhs = sum(mul(dy, y)).item();
      const viaX = sum(mul(convolutionInputGrad(dy, w, x.shape, o), x)).item();
      const viaW = sum(mul(convolutionWeightGrad(dy, x, wShape, o), w)).item();
      const tol = 1e-9 * (1 + Math.abs(lhs));
      assert.ok(Math.abs(viaX - lhs) <= tol, `input grad: ${viaX} vs ${lhs}`);
      assert.ok(Math.abs(viaW - lhs) <= tol, `weight grad: ${viaW} vs ${lhs}`);
    }),
    { numRuns: 60 },
  );
});

/**
 * Each float32 element against the same sums in float64 of the same inputs: within the bound of a
 * dot product of `terms` terms, terms·2⁻²⁴·(the float64 sums of the magnitudes), doubled.
 */
function withinDotBound(
  got: NDArray,
  want: NDArray,
  magnitudes: NDArray,
  terms: number,
  what: string,
) {
  assert.deepEqual(got.shape, want.shape, what);
  const g = got.contiguous().data, w = want.contiguous().data, m = magnitudes.contiguous().data;
  for (let i = 0; i < g.length; i++) {
    const bound = 2 * terms * 2 ** -24 * m[i] + 1e-30;
    assert.ok(Math.abs(g[i] - w[i]) <= bound, `${what}[${i}]: ${g[i]} vs ${w[i]} (bound ${bound})`);
  }
}

/** A float32 2-d convolution's shapes (stride 1 unless given), its gradients' inputs drawn from `seed`. */
interface Conv2dCase {
  n: number;
  cin: number;
  cout: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  ph: number;
  pw: number;
  bias: boolean;
  seed: number;
  stride?: number;
}

/** The convolution and both gradients in float32 against the same sums in float64. */
/**
 * The weight gradient's magnitudes for libnnc's Winograd paths (3×3 layers with padding 1 and 8
 * channels or more): each tap's gradient there is formed from the transformed sums of the taps of
 * its kernel row (dg = Gᵀ·dU), so a tap's rounding error scales with the kernel's summed
 * magnitudes, not its own (a tap that sees only padding has a true gradient of exactly 0 and gets
 * a rounding-sized one), and the transforms add a few roundings of their own (16 more terms).
 */
function kernelMagnitudes(m: NDArray): NDArray {
  const d = m.contiguous().data, out = new Float64Array(d.length);
  for (let b = 0; b < d.length; b += 9) {
    let sum = 0;
    for (let t = 0; t < 9; t++) sum += d[b + t];
    out.fill(sum, b, b + 9);
  }
  return fromTyped(out, [...m.shape]);
}

function checkConv2dAgainstFloat64(p: Conv2dCase, winograd = false): void {
  const rng = new Rng(p.seed);
  const x = randn([p.n, p.cin, p.h, p.w], { rng });
  const w = randn([p.cout, p.cin, p.kh, p.kw], { rng });
  const b = p.bias ? randn([p.cout], { rng }) : null;
  const o = { padding: [p.ph, p.pw], stride: p.stride ?? 1 };
  const f64 = (a: NDArray) => astype(a, "float64");
  const y = convolution(x, w, b, o);
  const bAbs = b === null ? null : abs(f64(b));
  withinDotBound(
    y,
    convolution(f64(x), f64(w), b === null ? null : f64(b), o),
    convolution(abs(f64(x)), abs(f64(w)), bAbs, o),
    p.cin * p.kh * p.kw + 1,
    "convolution",
  );
  const dy = randn(y.shape, { rng });
  withinDotBound(
    convolutionInputGrad(dy, w, x.shape, o),
    convolutionInputGrad(f64(dy), f64(w), x.shape, o),
    convolutionInputGrad(abs(f64(dy)), abs(f64(w)), x.shape, o),
    p.cout * p.kh * p.kw,
    "convolutionInputGrad",
  );
  const dwMagnitudes = convolutionWeightGrad(abs(f64(dy)), abs(f64(x)), w.shape, o);
  withinDotBound(
    convolutionWeightGrad(dy, x, w.shape, o),
    convolutionWeightGrad(f64(dy), f64(x), w.shape, o),
    winograd ? kernelMagnitudes(dwMagnitudes) : dwMagnitudes,
    p.n * y.shape[2] * y.shape[3] + (winograd ? 16 : 0),
    "convolutionWeightGrad",
  );
}

/** Stride-1 cases, each count drawn from its [min, max], kernels 1–5, the geometry valid. */
function stride1Cases(r: {
  n: [number, number];
  cin: [number, number];
  cout: [number, number];
  size: number;
  pad: number;
}): fc.Arbitrary<Conv2dCase> {
  const int = ([min, max]: [number, number]) => fc.integer({ min, max });
  return fc.record({
    n: int(r.n),
    cin: int(r.cin),
    cout: int(r.cout),
    h: int([1, r.size]),
    w: int([1, r.size]),
    kh: int([1, 5]),
    kw: int([1, 5]),
    ph: int([0, r.pad]),
    pw: int([0, r.pad]),
    bias: fc.boolean(),
    seed: int([0, 1 << 20]),
  }).filter((p) => p.h + 2 * p.ph >= p.kh && p.w + 2 * p.pw >= p.kw);
}

Deno.test("float32 stride-1 2-d convolutions and their gradients: float64 sums' values within the dot-product bound (fast-check)", () => {
  // Stride 1, dilation 1, one group: libnnc's implicit GEMM on AVX-512 and AVX2 (paddings up to
  // k − 1; larger ones and the rest take the unfolding path); rows longer and shorter than 32.
  const shapes = stride1Cases({ n: [1, 3], cin: [1, 20], cout: [1, 40], size: 36, pad: 5 });
  fc.assert(fc.property(shapes, (p) => checkConv2dAgainstFloat64(p)), { numRuns: 80 });
});

Deno.test("float32 stride-1 2-d convolutions of many small images (libnnc's strips of images side by side): float64 sums' values within the dot-product bound (fast-check)", () => {
  // Maps up to 14 wide with depth ≥ 32 (the implicit GEMM's): several images share a strip, the
  // last strip of a batch part full, part empty.
  const shapes = stride1Cases({ n: [2, 40], cin: [4, 12], cout: [4, 20], size: 14, pad: 4 })
    .filter((p) =>
      p.ph < p.kh && p.pw < p.kw && p.cin * p.kh * p.kw >= 32 && p.cout * p.kh * p.kw >= 32
    );
  fc.assert(fc.property(shapes, (p) => checkConv2dAgainstFloat64(p)), { numRuns: 60 });
});

Deno.test("float32 stride-2 2-d convolutions (libnnc's forward pass and weight gradient over phase planes, input gradient over the input's phases): float64 sums' values within the dot-product bound (fast-check)", () => {
  // Stride 2 with kernels of 2 to 5 and depth ≥ 32: libnnc reads each tap from one of four phase
  // planes of the padded images (odd and even paddings and sizes put an image's first column in
  // either phase); several small images share a strip. The input gradient computes each of the
  // four phases of the padded input as a stride-1 correlation of dy with that phase's taps (odd
  // kernels give the phases different tap counts; a one-row image has no row of phase 1).
  const shapes = stride1Cases({ n: [1, 24], cin: [4, 12], cout: [4, 20], size: 30, pad: 4 })
    .map((p) => ({ ...p, stride: 2, kh: Math.max(p.kh, 2), kw: Math.max(p.kw, 2) }))
    .filter((p) =>
      p.ph < p.kh && p.pw < p.kw && p.h + 2 * p.ph >= p.kh && p.w + 2 * p.pw >= p.kw &&
      p.cin * p.kh * p.kw >= 32 && p.cout * p.kh * p.kw >= 32
    );
  fc.assert(fc.property(shapes, (p) => checkConv2dAgainstFloat64(p)), { numRuns: 60 });
});

Deno.test("float32 3×3 convolutions with padding 1, 32 channels and more (libnnc's Winograd F(2×2, 3×3)): float64 sums' values within the dot-product bound (fast-check)", () => {
  // Both channel counts ≥ 32: libnnc's 2-d Winograd path for the forward pass and the input
  // gradient (the weight gradient along rows); odd and even maps from 1 to 22 wide (rows of one to
  // eleven 2×2 blocks, vectors of 4 and 8 blocks, part-filled), groups of images part full.
  const shapes = stride1Cases({ n: [1, 5], cin: [32, 40], cout: [32, 40], size: 22, pad: 1 })
    .map((p) => ({ ...p, kh: 3, kw: 3, ph: 1, pw: 1 }));
  fc.assert(fc.property(shapes, (p) => checkConv2dAgainstFloat64(p, true)), { numRuns: 20 });
});

Deno.test("float32 3×3 convolutions with padding 1, 8 to 31 channels (libnnc's weight gradient by Winograd F(2, 3) along rows): float64 sums' values within the dot-product bound (fast-check)", () => {
  // libnnc's weight gradient along rows (of wider layers too; the forward pass and the input
  // gradient of these stay on the implicit GEMM); rows of one to fifteen output pairs, odd and
  // even, vectors of 8 pairs past a row's end.
  const shapes = stride1Cases({ n: [1, 4], cin: [8, 31], cout: [8, 31], size: 30, pad: 1 })
    .map((p) => ({ ...p, kh: 3, kw: 3, ph: 1, pw: 1 }));
  fc.assert(fc.property(shapes, (p) => checkConv2dAgainstFloat64(p, true)), { numRuns: 25 });
});

Deno.test("convolution: a 3×3 kernel on a 4×4 image, exact values (float32), strided input", () => {
  // x = 1..16 row-major, w = [[1,0,-1],[2,0,-2],[1,0,-1]] (Sobel), padding 1; values from PyTorch
  // 1.13 (F.conv2d(x, w, padding=1)); inside, x[i, j-1] - x[i, j+1] = -2 weighted 1+2+1 gives -8.
  const x = fromTyped(new Float64Array(16).map((_, i) => i + 1), [1, 1, 4, 4]).astype("float32");
  const w = fromTyped(new Float64Array([1, 0, -1, 2, 0, -2, 1, 0, -1]), [1, 1, 3, 3]).astype(
    "float32",
  );
  const y = convolution(x, w, null, { padding: 1 });
  assert.deepEqual(
    [...y.data],
    [-10, -6, -6, 13, -24, -8, -8, 28, -40, -8, -8, 44, -38, -6, -6, 41],
  );
  // The same through a transposed (non-contiguous) input: the transposed kernel on xᵀ gives yᵀ.
  const yt = convolution(x.permute([0, 1, 3, 2]), w.permute([0, 1, 3, 2]), null, { padding: 1 });
  assert.deepEqual([...yt.permute([0, 1, 3, 2]).contiguous().data], [...y.data]);
});

Deno.test("convolution and its gradients check their arguments", () => {
  const x = randn([1, 2, 5, 5]), w = randn([4, 2, 3, 3]);
  assert.throws(
    () => convolution(x, w.astype("float64")),
    /^TypeError: convolution: x and weight must share a dtype/,
  );
  assert.throws(
    () => convolution(x.astype("int32"), w.astype("int32")),
    /^TypeError: convolution: x must be float32 or float64/,
  );
  assert.throws(
    () => convolution(x, w, null, { groups: 2 }),
    /^RangeError: convolution: input \[1, 2, 5, 5\] and weight \[4, 2, 3, 3\] do not fit groups=2/,
  );
  assert.throws(
    () => convolution(x, w, randn([3])),
    /^RangeError: convolution: bias must have shape \[4\], got \[3\]/,
  );
  assert.throws(
    () => convolution(x, w, null, { groups: 0 }),
    /^RangeError: convolution: groups must be a positive integer/,
  );
  assert.throws(
    () => convolution(x, randn([4, 2, 7, 7])),
    /^RangeError: convolution: window of size 7/,
  );
  const dy = randn([1, 4, 3, 3]);
  assert.throws(
    () => convolutionInputGrad(dy, w, [1, 2, 6, 6]),
    /^RangeError: convolutionInputGrad: dy must have shape \[1, 4, 4, 4\] for input \[1, 2, 6, 6\], got \[1, 4, 3, 3\]/,
  );
  assert.throws(
    () => convolutionInputGrad(dy, w, [1, 2] as never),
    /^RangeError: convolutionInputGrad: inputShape must be \[N, C, \.\.\.1-3 spatial\]/,
  );
  assert.throws(
    () => convolutionWeightGrad(dy, x, [4, 2, 2, 2]),
    /^RangeError: convolutionWeightGrad: dy must have shape \[1, 4, 4, 4\]/,
  );
  // With stride 2 both 5×5 and 6×6 inputs give 3×3 outputs: inputShape picks one.
  const dx5 = convolutionInputGrad(dy, w, [1, 2, 5, 5], { stride: 2, padding: 1 });
  const dx6 = convolutionInputGrad(dy, w, [1, 2, 6, 6], { stride: 2, padding: 1 });
  assert.deepEqual([dx5.shape, dx6.shape], [[1, 2, 5, 5], [1, 2, 6, 6]]);
});

Deno.test("convolutionMaxPool is convolution then maxPool, values and indices exactly (fast-check)", () => {
  const pooling = fc.record({
    k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }),
    padding: fc.integer({ min: 0, max: 1 }),
    ceilMode: fc.boolean(),
  }).filter((q) => 2 * q.padding <= q.k);
  fc.assert(
    fc.property(geometry, pooling, fc.constantFrom("float32", "float64"), (p, q, dtype) => {
      const rng = new Rng(p.seed);
      const spatial = new Array<number>(p.d).fill(p.size);
      const x = randn([p.n, p.cinG * p.groups, ...spatial], { dtype, rng });
      const w = randn([p.coutG * p.groups, p.cinG, ...spatial.map(() => p.k)], { dtype, rng });
      const b = p.bias ? randn([p.coutG * p.groups], { dtype, rng }) : null;
      const o = {
        stride: p.stride,
        padding: p.padding,
        dilation: p.dilation,
        groups: p.groups,
      };
      const y = convolution(x, w, b, o);
      const pool = { kernel: q.k, stride: q.stride, padding: q.padding, ceilMode: q.ceilMode };
      if (y.shape.slice(2).some((n) => n + 2 * q.padding < q.k)) {
        assert.throws(
          () => convolutionMaxPool(x, w, b, o, pool),
          /^RangeError: convolutionMaxPool:/,
        );
        return;
      }
      const want = maxPool(y, pool);
      const got = convolutionMaxPool(x, w, b, o, pool);
      assert.deepEqual(got.values.shape, want.values.shape);
      assert.deepEqual(Array.from(got.values.data), Array.from(want.values.data));
      assert.deepEqual(Array.from(got.indices.data), Array.from(want.indices.data));
    }),
    { numRuns: 80 },
  );
});

Deno.test("convolutionMaxPool and convThenMaxPool check their arguments", () => {
  const x = randn([1, 2, 5, 5]), w = randn([3, 2, 3, 3]);
  assert.throws(
    () => convolutionMaxPool(x, w, null, {}, { kernel: 4 }),
    /convolutionMaxPool: window/,
  );
  assert.throws(
    () => convolutionMaxPool(x, w, randn([2]), {}, { kernel: 2 }),
    /convolutionMaxPool: bias must have shape \[3\]/,
  );
  assert.throws(
    () => convolutionMaxPool(x, randn([3, 1, 3, 3]), null, {}, { kernel: 2 }),
    /convolutionMaxPool: input \[1, 2, 5, 5\] and weight \[3, 1, 3, 3\] do not fit groups=1/,
  );
  assert.throws(
    () => convolutionMaxPool(x, w, null, {}, { kernel: 2, dilation: 0 }),
    /convolutionMaxPool: dilation/,
  );
  assert.throws(
    () => convThenMaxPool({} as never, x, x, x, w, null, {} as never, 1, {} as never),
    /convThenMaxPool: backend must have conv and pool kernels/,
  );
});
