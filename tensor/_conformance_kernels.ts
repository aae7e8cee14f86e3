// The kernel cases of backendConformanceTests (conformance.ts): every kernel against the JS oracle
// (referenceBackend()) on random shapes, strides (transposed, sliced, reversed, broadcast), dtypes
// and values, each case group with a fixed seed.
import * as assert from "./_conformance_assert.ts";
import {
  type Backend,
  type BinaryOp,
  convThenMaxPool,
  type DType,
  NDArray,
  referenceBackend,
  Storage,
  type UnaryOp,
  type WindowGeometry,
} from "./mod.ts";
import { diff, EXACT, layout, Rand, randomView, type Tol, tolFor, twin } from "./backend_fuzz.ts";

/** Registers the cases on `nb` (see backendConformanceTests). */
export function registerKernelCases(nb: Backend, label: string, ignore: boolean): void {
  const ref = referenceBackend();

  const DTYPES: DType[] = ["float32", "float64", "int32"];
  const FLOATS: DType[] = ["float32", "float64"];

  const UNARY: UnaryOp[] = [
    "neg",
    "abs",
    "sign",
    "exp",
    "expm1",
    "log",
    "log1p",
    "sqrt",
    "rsqrt",
    "square",
    "reciprocal",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "softplus",
    "floor",
    "ceil",
    "round",
    "trunc",
    "erf",
    "gelu",
    "geluGrad",
  ];
  const BINARY: BinaryOp[] = [
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "mod",
    "minimum",
    "maximum",
    "atan2",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "sigmoidCrossEntropy",
    "sigmoidCrossEntropyGrad",
    "geluGradFromOutput",
  ];

  /** Runs `cases` random cases; each builds inputs, runs both backends and compares. */
  function fuzz(
    name: string,
    cases: number,
    seed: number,
    body: (r: Rand, i: number) => void,
  ): void {
    Deno.test(
      { name: `${label} matches JS: ${name} (${cases} cases)`, ignore },
      () => {
        const r = new Rand(seed);
        for (let i = 0; i < cases; i++) body(r, i);
      },
    );
  }

  function check(
    what: string,
    got: NDArray,
    want: NDArray,
    tol: Tol,
    context: () => string,
  ): void {
    const d = diff(got.data, want.data, tol);
    if (d !== null) assert.fail(`${what}: ${d}\n${context()}`);
  }

  function contiguousOut(
    dtype: DType,
    shape: readonly number[],
    r: Rand,
  ): NDArray {
    return randomView(r, dtype, shape, { contiguous: true });
  }

  fuzz("copy", 600, 1, (r) => {
    const shape = r.shape(r.int(0, 4), 0, 5);
    const x = randomView(r, r.pick(DTYPES), shape, {
      broadcast: true,
      fill: { special: 0.05, scale: 1e10 },
    });
    const out = randomView(r, r.pick(DTYPES), shape);
    const o2 = twin(out);
    nb.copy(out, x);
    ref.copy(o2, x);
    check("copy", out, o2, EXACT, () => `x ${layout(x)} out ${layout(out)}`);
  });

  fuzz("unary", 2000, 2, (r) => {
    const op = r.pick(UNARY);
    const dtype = r.pick(DTYPES);
    const shape = r.shape(r.int(0, 4), 0, 6);
    const x = randomView(r, dtype, shape, {
      broadcast: true,
      fill: { special: 0.05, scale: 4 },
    });
    const out = randomView(r, dtype, shape);
    const o2 = twin(out);
    nb.unary(op, out, x);
    ref.unary(op, o2, x);
    // erf: libm's vs the JS series (both accurate to ~1e-15). GELU adds 1 to erf, so for negative
    // inputs the two erf's 1e-15 differences become relative differences of the small results.
    const gelu = op === "gelu" || op === "geluGrad";
    const tol = dtype === "float64"
      ? { rtol: gelu ? 1e-12 : 1e-14, atol: gelu ? 1e-14 : 1e-15 }
      : dtype === "float32"
      ? { rtol: 1.2e-7, atol: 1e-30 }
      : EXACT;
    check(`unary ${op}`, out, o2, tol, () => `x ${layout(x)} out ${layout(out)}`);
  });

  fuzz("binary", 3000, 3, (r) => {
    const op = r.pick(BINARY);
    const dtype = r.pick(DTYPES);
    const shape = r.shape(r.int(0, 4), 0, 5);
    const fill = { special: 0.05, ties: r.chance(0.3) };
    const a = randomView(r, dtype, shape, { broadcast: true, fill });
    const b = randomView(r, dtype, shape, { broadcast: true, fill });
    const out = randomView(r, dtype, shape);
    const o2 = twin(out);
    nb.binary(op, out, a, b);
    ref.binary(op, o2, a, b);
    // The losses of logits subtract two terms of libm's exp/log1p (C) or V8's (JS), a few ulp apart
    // before the subtraction: an absolute tolerance where the difference cancels.
    const cancels = op === "sigmoidCrossEntropy" || op === "sigmoidCrossEntropyGrad" ||
      op === "geluGradFromOutput";
    const tol = dtype === "float64"
      ? { rtol: 1e-14, atol: cancels ? 1e-14 : 0 }
      : dtype === "float32"
      ? { rtol: 1.2e-7, atol: cancels ? 1e-12 : 0 }
      : EXACT;
    check(
      `binary ${op}`,
      out,
      o2,
      tol,
      () => `a ${layout(a)} b ${layout(b)} out ${layout(out)}`,
    );
  });

  fuzz("where", 500, 4, (r) => {
    const dtype = r.pick(DTYPES);
    const shape = r.shape(r.int(0, 4), 0, 5);
    const cond = randomView(r, r.pick(DTYPES), shape, {
      broadcast: true,
      fill: { ties: true, intRange: 1, special: 0.1 },
    });
    const a = randomView(r, dtype, shape, { broadcast: true });
    const b = randomView(r, dtype, shape, { broadcast: true });
    const out = randomView(r, dtype, shape);
    const o2 = twin(out);
    nb.where(out, cond, a, b);
    ref.where(o2, cond, a, b);
    check("where", out, o2, EXACT, () => `cond ${layout(cond)}`);
  });

  fuzz("reduce", 1500, 5, (r) => {
    const op = r.pick(["sum", "prod", "max", "min"] as const);
    const dtype = r.pick(DTYPES);
    const nd = r.int(0, 4);
    const shape = r.shape(nd, 0, nd <= 2 && r.chance(0.2) ? 40 : 6);
    const axes = [...Array(nd).keys()].filter(() => r.chance(0.5));
    const fill = {
      special: op === "max" || op === "min" ? 0.03 : 0,
      scale: op === "prod" ? 1.5 : 3,
      intRange: op === "prod" ? 1 : 9,
    };
    const x = randomView(r, dtype, shape, { broadcast: true, fill });
    const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = contiguousOut(dtype, outShape, r);
    const o2 = twin(out);
    nb.reduce(op, out, x, axes);
    ref.reduce(op, o2, x, axes);
    const n = Math.max(1, x.size / Math.max(1, out.size));
    check(
      `reduce ${op} axes [${axes}]`,
      out,
      o2,
      tolFor(dtype, Math.sqrt(n) * (op === "prod" ? 10 : 1)),
      () => `x ${layout(x)}`,
    );
  });

  fuzz("argReduce", 800, 6, (r) => {
    const op = r.pick(["argmax", "argmin"] as const);
    const dtype = r.pick(DTYPES);
    const nd = r.int(1, 4);
    const shape = r.shape(nd, 1, 6);
    const axis = r.int(0, nd - 1);
    const x = randomView(r, dtype, shape, {
      broadcast: true,
      fill: { special: 0.05, ties: r.chance(0.5) },
    });
    const out = randomView(r, "int32", shape.map((d, i) => (i === axis ? 1 : d)));
    const o2 = twin(out);
    nb.argReduce(op, out, x, axis);
    ref.argReduce(op, o2, x, axis);
    check(`${op} axis ${axis}`, out, o2, EXACT, () => `x ${layout(x)}`);
  });

  fuzz("matmul", 700, 7, (r) => {
    const dtype = r.pick(DTYPES);
    const nb_ = r.int(0, 2);
    const batch = r.shape(nb_, 1, 3);
    const big = r.chance(0.3);
    const M = r.int(0, big ? 70 : 6),
      N = r.int(0, big ? 70 : 6),
      K = r.int(0, big ? 70 : 6);
    const shareB = nb_ > 0 && r.chance(0.3);
    const a = randomView(r, dtype, [...batch, M, K], { broadcast: true });
    const b = shareB
      ? (() => {
        const b0 = randomView(r, dtype, [K, N]);
        return new NDArray(b0.storage, [...batch, K, N], [
          ...batch.map(() => 0),
          ...b0.strides,
        ], b0.offset);
      })()
      : randomView(r, dtype, [...batch, K, N], { broadcast: true });
    const out = contiguousOut(dtype, [...batch, M, N], r);
    const o2 = twin(out);
    nb.matmul(out, a, b);
    ref.matmul(o2, a, b);
    check(
      `matmul ${M}x${K}x${N}`,
      out,
      o2,
      tolFor(dtype, Math.sqrt(K + 1) * 3),
      () => `a ${layout(a)} b ${layout(b)}`,
    );
  });

  // A bias row added by the product (libnnc's own GEMM: tile by tile after the last block of K):
  // bit for bit the backend's own product plus the bias, and within the product's tolerance of the
  // JS kernel. Mid-size shapes reach the own GEMM's tiles and its split over threads.
  fuzz("matmul with bias", 240, 13, (r) => {
    const dtype = r.pick(FLOATS);
    const batch = r.shape(r.int(0, 1), 1, 3);
    const size = r.chance(0.2) ? 260 : r.chance(0.4) ? 70 : 6;
    // K past 256 (libnnc's block of K) now and then: the bias joins after the last block only.
    const M = r.int(0, size), N = r.int(0, size), K = r.int(0, size === 260 ? 600 : size);
    const a = randomView(r, dtype, [...batch, M, K], { broadcast: true });
    const b = randomView(r, dtype, [...batch, K, N], { broadcast: true });
    const bias = randomView(r, dtype, [N], { contiguous: true });
    const out = contiguousOut(dtype, [...batch, M, N], r);
    const plain = contiguousOut(dtype, [...batch, M, N], r);
    const o2 = twin(out);
    nb.matmul(out, a, b, bias);
    nb.matmul(plain, a, b);
    const p = plain.data, bd = bias.data;
    for (let i = 0; i < plain.size; i++) {
      p[plain.offset + i] = p[plain.offset + i] + bd[bias.offset + (i % N)];
    }
    const what = () => `a ${layout(a)} b ${layout(b)}`;
    check(`matmul ${M}x${K}x${N} + bias vs its own product + bias`, out, plain, EXACT, what);
    ref.matmul(o2, a, b, bias);
    check(`matmul ${M}x${K}x${N} + bias`, out, o2, tolFor(dtype, Math.sqrt(K + 1) * 3), what);
  });

  // Single-row products (M = 1 or N = 1) go to the BLAS's GEMV, split over the threads when large.
  fuzz("matmul single row", 300, 11, (r) => {
    const dtype = r.pick(FLOATS);
    const batch = r.shape(r.int(0, 1), 1, 3);
    const rowVector = r.chance(0.5);
    const long = r.chance(0.4);
    const M = rowVector ? 1 : r.int(1, long ? 700 : 40),
      N = rowVector ? r.int(1, long ? 700 : 40) : 1,
      K = r.int(1, long ? 400 : 40);
    const a = randomView(r, dtype, [...batch, M, K], { broadcast: true });
    const b = randomView(r, dtype, [...batch, K, N], { broadcast: true });
    const out = contiguousOut(dtype, [...batch, M, N], r);
    const o2 = twin(out);
    nb.matmul(out, a, b);
    ref.matmul(o2, a, b);
    check(
      `matmul ${M}x${K}x${N}`,
      out,
      o2,
      tolFor(dtype, Math.sqrt(K + 1) * 3),
      () => `a ${layout(a)} b ${layout(b)}`,
    );
  });

  fuzz("softmax", 600, 8, (r) => {
    const dtype = r.pick(FLOATS);
    const nd = r.int(1, 4);
    const shape = r.shape(nd, 1, 7);
    const axis = r.int(0, nd - 1);
    const log = r.chance(0.5);
    const x = randomView(r, dtype, shape, {
      broadcast: true,
      fill: { special: r.chance(0.1) ? 0.1 : 0, scale: 5 },
    });
    const out = randomView(r, dtype, shape);
    const o2 = twin(out);
    nb.softmax(out, x, axis, log);
    ref.softmax(o2, x, axis, log);
    check(
      `softmax axis ${axis} log ${log}`,
      out,
      o2,
      tolFor(dtype),
      () => `x ${layout(x)} out ${layout(out)}`,
    );
  });

  fuzz("cumulative", 600, 9, (r) => {
    const dtype = r.pick(DTYPES);
    const op = r.pick(["sum", "prod"] as const);
    const nd = r.int(1, 4);
    const shape = r.shape(nd, 0, 6);
    const axis = r.int(0, nd - 1);
    const x = randomView(r, dtype, shape, {
      broadcast: true,
      fill: { scale: op === "prod" ? 1.5 : 3, intRange: 3 },
    });
    const out = randomView(r, dtype, shape);
    const o2 = twin(out);
    nb.cumulative(op, out, x, axis);
    ref.cumulative(op, o2, x, axis);
    check(
      `cum${op} axis ${axis}`,
      out,
      o2,
      tolFor(dtype, 4),
      () => `x ${layout(x)} out ${layout(out)}`,
    );
  });

  fuzz("sort", 500, 10, (r) => {
    const dtype = r.pick(DTYPES);
    const nd = r.int(0, 3);
    const shape = r.shape(nd, 0, 6);
    if (nd > 0 && r.chance(0.3)) shape[nd - 1] = r.int(25, 300);
    const x = randomView(r, dtype, shape, {
      contiguous: true,
      fill: { special: 0.1, ties: r.chance(0.5) },
    });
    const desc = r.chance(0.5);
    const v1 = contiguousOut(dtype, shape, r), v2 = twin(v1);
    const i1 = contiguousOut("int32", shape, r), i2 = twin(i1);
    nb.sort(v1, i1, x, desc);
    ref.sort(v2, i2, x, desc);
    check("sort values", v1, v2, EXACT, () => `x ${layout(x)} desc ${desc}`);
    check("sort indices", i1, i2, EXACT, () => `x ${layout(x)} desc ${desc}`);
  });

  /** A random int32 index array of `shape` with values in [0, n). */
  function indexView(r: Rand, shape: readonly number[], n: number): NDArray {
    const ix = randomView(r, "int32", shape, { broadcast: true });
    const d = ix.data;
    for (let i = 0; i < d.length; i++) d[i] = r.int(0, Math.max(0, n - 1));
    return ix;
  }

  fuzz("gather", 600, 11, (r) => {
    const dtype = r.pick(DTYPES);
    const nd = r.int(1, 4);
    const xs = r.shape(nd, 1, 5);
    const axis = r.int(0, nd - 1);
    const is = xs.map((d, i) => (i === axis ? r.int(0, 6) : r.int(0, d)));
    const x = randomView(r, dtype, xs, { broadcast: true });
    const index = indexView(r, is, xs[axis]);
    const out = randomView(r, dtype, is);
    const o2 = twin(out);
    nb.gather(out, x, axis, index);
    ref.gather(o2, x, axis, index);
    check(
      `gather axis ${axis}`,
      out,
      o2,
      EXACT,
      () => `x ${layout(x)} index ${layout(index)}`,
    );
  });

  fuzz("scatterAdd", 600, 12, (r) => {
    const dtype = r.pick(DTYPES);
    const nd = r.int(1, 4);
    const os = r.shape(nd, 1, 5);
    const axis = r.int(0, nd - 1);
    const is = os.map((d, i) => (i === axis ? r.int(0, 6) : r.int(0, d)));
    const ss = is.map((d) => d + (r.chance(0.3) ? 1 : 0));
    const out = randomView(r, dtype, os);
    const o2 = twin(out);
    const index = indexView(r, is, os[axis]);
    const src = randomView(r, dtype, ss, { broadcast: true });
    nb.scatterAdd(out, axis, index, src);
    ref.scatterAdd(o2, axis, index, src);
    check(
      `scatterAdd axis ${axis}`,
      out,
      o2,
      EXACT,
      () => `out ${layout(out)} index ${layout(index)} src ${layout(src)}`,
    );
  });

  fuzz("indexSelect", 600, 13, (r) => {
    const dtype = r.pick(DTYPES);
    const nd = r.int(1, 4);
    const xs = r.shape(nd, 1, 6);
    const axis = r.int(0, nd - 1);
    const zeroD = r.chance(0.15);
    const m = zeroD ? 1 : r.int(0, 7);
    const index = zeroD ? indexView(r, [], xs[axis]) : indexView(r, [m], xs[axis]);
    const x = randomView(r, dtype, xs, { broadcast: true });
    const out = randomView(r, dtype, xs.map((d, i) => (i === axis ? m : d)));
    const o2 = twin(out);
    nb.indexSelect(out, x, axis, index);
    ref.indexSelect(o2, x, axis, index);
    check(
      `indexSelect axis ${axis}`,
      out,
      o2,
      EXACT,
      () => `x ${layout(x)} index ${layout(index)}`,
    );
  });

  function randomGeometry(r: Rand, spatial: readonly number[]): WindowGeometry {
    const d = spatial.length;
    const g = {
      kernel: [] as number[],
      stride: [] as number[],
      padding: [] as number[],
      dilation: [] as number[],
    };
    for (let i = 0; i < d; i++) {
      const k = r.int(1, 3), dil = r.chance(0.3) ? 2 : 1;
      g.kernel.push(k);
      g.dilation.push(dil);
      g.stride.push(r.int(1, 3));
      g.padding.push(r.int(0, Math.floor(k / 2) + (r.chance(0.2) ? 1 : 0)));
    }
    return g;
  }

  function unfoldOut(spatial: readonly number[], g: WindowGeometry): number[] {
    return spatial.map((n, i) =>
      Math.max(
        0,
        Math.floor(
          (n + 2 * g.padding[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) /
            g.stride[i],
        ) + 1,
      )
    );
  }

  fuzz("im2col/col2im", 500, 14, (r) => {
    const dtype = r.pick(DTYPES);
    const d = r.int(1, 3);
    const spatial = r.shape(d, 1, d === 3 ? 5 : 8);
    const N = r.int(1, 2), C = r.int(1, 3);
    const g = randomGeometry(r, spatial);
    const os = unfoldOut(spatial, g);
    const L = os.reduce((a, b) => a * b, 1),
      KK = g.kernel.reduce((a, b) => a * b, 1);
    const x = randomView(r, dtype, [N, C, ...spatial], { broadcast: true });
    const out = contiguousOut(dtype, [N, C * KK, L], r), o2 = twin(out);
    nb.im2col(out, x, g);
    ref.im2col(o2, x, g);
    check(
      "im2col",
      out,
      o2,
      EXACT,
      () => `x ${layout(x)} g ${JSON.stringify(g)}`,
    );
    const cols = randomView(r, dtype, [N, C * KK, L], { broadcast: true });
    const img = contiguousOut(dtype, [N, C, ...spatial], r), img2 = twin(img);
    nb.col2im(img, cols, g);
    ref.col2im(img2, cols, g);
    check(
      "col2im",
      img,
      img2,
      EXACT,
      () => `cols ${layout(cols)} g ${JSON.stringify(g)}`,
    );
  });

  /**
   * `conv` (with or without a bias) and both its gradients under the backend against the oracle, for
   * the input `x` `[N, Cin, ...spatial]`, `Cout` output channels and geometry `g`.
   */
  function checkConvolutions(
    r: Rand,
    x: NDArray,
    Cout: number,
    g: WindowGeometry,
    groups: number,
  ): void {
    const dtype = x.dtype, [N, Cin, ...spatial] = x.shape, CinG = Cin / groups;
    const os = unfoldOut(spatial, g);
    const w = contiguousOut(dtype, [Cout, CinG, ...g.kernel], r);
    const bias = r.chance(0.5) ? randomView(r, dtype, [Cout]) : null;
    const out = contiguousOut(dtype, [N, Cout, ...os], r), o2 = twin(out);
    const context = () =>
      `N ${N} x ${layout(x)} w ${layout(w)} g ${JSON.stringify(g)} groups ${groups}`;
    const K = CinG * g.kernel.reduce((a, b) => a * b, 1);
    nb.conv(out, x, w, bias, g, groups);
    ref.conv(o2, x, w, bias, g, groups);
    check("conv", out, o2, tolFor(dtype, Math.sqrt(K + 1) * 3), context);
    const dy = contiguousOut(dtype, [N, Cout, ...os], r);
    const dx = contiguousOut(dtype, [N, Cin, ...spatial], r), dx2 = twin(dx);
    nb.convInputGrad(dx, dy, w, g, groups);
    ref.convInputGrad(dx2, dy, w, g, groups);
    check("convInputGrad", dx, dx2, tolFor(dtype, Math.sqrt(Cout * K + 1) * 3), context);
    const dw = contiguousOut(dtype, [Cout, CinG, ...g.kernel], r), dw2 = twin(dw);
    nb.convWeightGrad(dw, dy, x, g, groups);
    ref.convWeightGrad(dw2, dy, x, g, groups);
    const L = os.reduce((a, b) => a * b, 1);
    check("convWeightGrad", dw, dw2, tolFor(dtype, Math.sqrt(N * L + 1) * 3), context);
  }

  // Convolution and its gradients (conv.c): groups, strided and broadcast inputs, 1×1 kernels with
  // stride 1 and no padding (no unfolding), with and without bias.
  fuzz("conv/convInputGrad/convWeightGrad", 400, 31, (r) => {
    const dtype = r.pick(FLOATS);
    const d = r.int(1, 3);
    const spatial = r.shape(d, 1, d === 3 ? 5 : 9);
    const groups = r.pick([1, 1, 2, 3]);
    const N = r.int(1, 4), CinG = r.int(1, 3), CoutG = r.int(1, 3);
    const Cin = CinG * groups, Cout = CoutG * groups;
    const g = r.chance(0.25)
      ? {
        kernel: spatial.map(() => 1),
        stride: spatial.map(() => 1),
        padding: spatial.map(() => 0),
        dilation: spatial.map(() => 1),
      }
      : randomGeometry(r, spatial);
    const x = randomView(r, dtype, [N, Cin, ...spatial], { broadcast: true });
    checkConvolutions(r, x, Cout, g, groups);
  });

  // Small maps of many images (a ResNet's last stages): conv.c unfolds several images side by side
  // into one GEMM of about 384 columns, with a ragged last block and the threads' parts of the batch.
  fuzz("conv/convInputGrad/convWeightGrad over blocks of small images", 60, 34, (r) => {
    const dtype = r.pick(FLOATS);
    const spatial = [r.int(1, 8), r.int(1, 8)];
    const groups = r.pick([1, 2]);
    const N = r.int(5, 40), CinG = r.int(1, 4), CoutG = r.int(1, 4);
    const Cin = CinG * groups, Cout = CoutG * groups;
    const g = randomGeometry(r, spatial);
    const x = randomView(r, dtype, [N, Cin, ...spatial]);
    checkConvolutions(r, x, Cout, g, groups);
  });

  // 2-d convolutions with kernels up to 5 (a DCGAN's 4×4, stride 2, padding 1) on rows up to 70
  // wide: libnnc unfolds and folds rows of at most 32 inputs and outputs through register permutes,
  // longer strided ones through gather tables; rows on both sides of that bound (one and two
  // vectors), ragged blocks of images.
  fuzz("conv/convInputGrad/convWeightGrad on short and long rows", 160, 35, (r) => {
    const dtype = r.pick(FLOATS);
    const spatial = [r.int(1, 10), r.chance(0.5) ? r.int(1, 32) : r.int(33, 70)];
    const groups = r.pick([1, 1, 2]);
    const N = r.int(1, 12), CinG = r.int(1, 4), CoutG = r.int(1, 4);
    const Cin = CinG * groups, Cout = CoutG * groups;
    const g = {
      kernel: [] as number[],
      stride: [] as number[],
      padding: [] as number[],
      dilation: [] as number[],
    };
    for (let i = 0; i < 2; i++) {
      const k = r.int(1, 5);
      g.kernel.push(k);
      g.stride.push(r.int(1, 3));
      g.dilation.push(r.chance(0.25) ? 2 : 1);
      g.padding.push(r.int(0, k - 1));
    }
    const x = randomView(r, dtype, [N, Cin, ...spatial], { broadcast: true });
    checkConvolutions(r, x, Cout, g, groups);
  });

  /**
   * A `d`-dimensional convolution for the cases over max pooling: spatial extents 2–9 (or up to 30),
   * groups, up to 20 images (blocks of small maps), its geometry and output extents `os`; null
   * when the window does not fit.
   */
  function randomConvBeforePooling(r: Rand, d: number) {
    const spatial = r.shape(d, 2, r.chance(0.3) ? 30 : 9);
    const groups = r.pick([1, 1, 2]);
    const N = r.int(1, 20), CinG = r.int(1, 3), CoutG = r.int(1, 4);
    const g = randomGeometry(r, spatial);
    const os = unfoldOut(spatial, g);
    if (os.some((n) => n < 1)) return null;
    return { spatial, groups, N, CinG, Cin: CinG * groups, Cout: CoutG * groups, g, os };
  }

  /**
   * Max pooling windows of 1–3 taps with strides 1–3 over a convolution's output `spatial`; with
   * `general`, padding and dilation too (else every window lies inside, as libnnc's fused kernels
   * take them).
   */
  function randomPooling(r: Rand, spatial: readonly number[], general: boolean): WindowGeometry {
    const pool = {
      kernel: [] as number[],
      stride: [] as number[],
      padding: [] as number[],
      dilation: [] as number[],
    };
    for (const n of spatial) {
      const k = r.int(1, Math.min(3, n));
      pool.kernel.push(k);
      pool.stride.push(r.int(1, 3));
      pool.padding.push(general ? r.int(0, Math.floor(k / 2)) : 0);
      pool.dilation.push(general && r.chance(0.3) && 2 * (k - 1) + 1 <= n ? 2 : 1);
    }
    return pool;
  }

  // Convolution then max pooling (conv.c pools each image's planes from cache): bit for bit the
  // backend's own conv followed by its own pool, and the oracle's values within conv's tolerance.
  // Mostly the fused case (float32, 2-d, pooling windows inside the output, with and without bias,
  // small maps blocked side by side); float64, 1-d and padded or dilated pooling take the backend's
  // composition.
  fuzz("convMaxPool", 200, 36, (r) => {
    const fused = r.chance(0.75);
    const dtype = fused ? "float32" : r.pick(FLOATS);
    const c = randomConvBeforePooling(r, fused ? 2 : r.int(1, 2));
    if (c === null) return;
    const { spatial, groups, N, CinG, Cin, Cout, g, os } = c;
    const pool = randomPooling(r, os, !fused);
    const ps = unfoldOut(os, pool);
    const x = randomView(r, dtype, [N, Cin, ...spatial], { broadcast: true });
    const w = contiguousOut(dtype, [Cout, CinG, ...g.kernel], r);
    const bias = r.chance(0.5) ? contiguousOut(dtype, [Cout], r) : null;
    const out = contiguousOut(dtype, [N, Cout, ...ps], r), o2 = twin(out), o3 = twin(out);
    const idx = contiguousOut("int32", [N, Cout, ...ps], r), i2 = twin(idx), i3 = twin(idx);
    const context = () =>
      `N ${N} x ${layout(x)} w ${layout(w)} bias ${bias !== null} g ${JSON.stringify(g)} pool ${
        JSON.stringify(pool)
      } groups ${groups}`;
    nb.convMaxPool(out, idx, x, w, bias, g, groups, pool);
    convThenMaxPool(nb, o2, i2, x, w, bias, g, groups, pool);
    check("convMaxPool against the backend's conv and pool", out, o2, EXACT, context);
    check("convMaxPool's indices against the backend's conv and pool", idx, i2, EXACT, context);
    ref.convMaxPool(o3, i3, x, w, bias, g, groups, pool);
    const K = CinG * g.kernel.reduce((a, b) => a * b, 1);
    check("convMaxPool", out, o3, tolFor(dtype, Math.sqrt(K + 1) * 3), context);
  });

  // Both convolution gradients from max pooling's output gradient and argmax indices (conv.c
  // unpools each image's block in cache): bit for bit the backend's own maxPoolGrad followed by its
  // gradients, and the oracle within the gradients' tolerance. Windows that overlap (a position
  // takes several gradients) or leave positions out; float32 and float64; groups; blocks of images.
  fuzz("convInputGrad/convWeightGrad from max pooling's gradient", 200, 37, (r) => {
    const dtype = r.pick(FLOATS);
    const c = randomConvBeforePooling(r, r.int(1, 2));
    if (c === null) return;
    const { spatial, groups, N, CinG, Cin, Cout, g, os } = c;
    const pool = randomPooling(r, os, false);
    const ps = unfoldOut(os, pool);
    const y = contiguousOut(dtype, [N, Cout, ...os], r);
    const maxima = contiguousOut(dtype, [N, Cout, ...ps], r);
    const idx = contiguousOut("int32", [N, Cout, ...ps], r);
    ref.pool("max", maxima, idx, y, pool, false);
    const gp = contiguousOut(dtype, [N, Cout, ...ps], r);
    const L = os.reduce((a, b) => a * b, 1), Q = ps.reduce((a, b) => a * b, 1);
    const dy = contiguousOut(dtype, [N, Cout, ...os], r);
    nb.maxPoolGrad(
      dy.reshape([N * Cout, L]),
      gp.reshape([N * Cout, Q]),
      idx.reshape([N * Cout, Q]),
    );
    const x = randomView(r, dtype, [N, Cin, ...spatial], { broadcast: true });
    const w = contiguousOut(dtype, [Cout, CinG, ...g.kernel], r);
    const context = () =>
      `N ${N} x ${layout(x)} w ${layout(w)} g ${JSON.stringify(g)} pool ${
        JSON.stringify(pool)
      } groups ${groups} distinct ${pooled.distinct}`;
    const K = CinG * g.kernel.reduce((a, b) => a * b, 1);
    const dx = contiguousOut(dtype, [N, Cin, ...spatial], r), dx2 = twin(dx), dx3 = twin(dx);
    const distinct = pool.kernel.every((k, i) => pool.stride[i] >= k) && r.chance(0.7);
    const pooled = { indices: idx, distinct };
    nb.convInputGrad(dx, gp, w, g, groups, pooled);
    nb.convInputGrad(dx2, dy, w, g, groups);
    check("convInputGrad from pooling against unpooled dy", dx, dx2, EXACT, context);
    ref.convInputGrad(dx3, gp, w, g, groups, pooled);
    check(
      "convInputGrad from pooling",
      dx,
      dx3,
      tolFor(dtype, Math.sqrt(Cout * K + 1) * 3),
      context,
    );
    const dw = contiguousOut(dtype, [Cout, CinG, ...g.kernel], r), dw2 = twin(dw), dw3 = twin(dw);
    nb.convWeightGrad(dw, gp, x, g, groups, pooled);
    nb.convWeightGrad(dw2, dy, x, g, groups);
    check("convWeightGrad from pooling against unpooled dy", dw, dw2, EXACT, context);
    ref.convWeightGrad(dw3, gp, x, g, groups, pooled);
    check("convWeightGrad from pooling", dw, dw3, tolFor(dtype, Math.sqrt(N * L + 1) * 3), context);
  });

  fuzz("activationGrad", 300, 32, (r) => {
    const op = r.pick(["relu", "sigmoid", "tanh", "leakyRelu"] as const);
    const dtype = r.pick(FLOATS);
    const shape = r.shape(r.int(1, 3), 0, r.chance(0.3) ? 90 : 8);
    const y = randomView(r, dtype, shape, { contiguous: true, fill: { special: 0.1 } });
    // leakyRelu's forward passes its input as both g and y.
    const g = op === "leakyRelu" && r.chance(0.5) ? y : contiguousOut(dtype, shape, r);
    const slope = r.pick([0.01, 0.2, 1 / 3, -0.5, 2]);
    const out = contiguousOut(dtype, shape, r), o2 = twin(out);
    nb.activationGrad(op, out, g, y, slope);
    ref.activationGrad(op, o2, g, y, slope);
    check(`activationGrad ${op}`, out, o2, EXACT, () => `y ${layout(y)}, slope ${slope}`);
  });

  // Each backend's fused loss and slope against its own two binary kernels (the same expressions;
  // libm's vector and scalar exp may round an element apart where the loops split differently),
  // then against the JS kernel, both within the binary ops' tolerance.
  fuzz("sigmoidCrossEntropyWithGrad", 300, 34, (r) => {
    const dtype = r.pick(FLOATS);
    const shape = r.shape(r.int(1, 3), 0, r.chance(0.3) ? 90 : 8);
    const fill = { special: 0.05 };
    const x = randomView(r, dtype, shape, { contiguous: true, fill });
    const y = randomView(r, dtype, shape, { contiguous: true, fill });
    const loss = contiguousOut(dtype, shape, r), grad = contiguousOut(dtype, shape, r);
    nb.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
    const tol = dtype === "float64" ? { rtol: 1e-14, atol: 1e-14 } : { rtol: 1.2e-7, atol: 1e-12 };
    const l1 = twin(loss), g1 = twin(grad);
    nb.binary("sigmoidCrossEntropy", l1, x, y);
    nb.binary("sigmoidCrossEntropyGrad", g1, x, y);
    const context = () => `x ${layout(x)}`;
    check("sigmoidCrossEntropyWithGrad loss against the binary op", loss, l1, tol, context);
    check("sigmoidCrossEntropyWithGrad grad against the binary op", grad, g1, tol, context);
    const l2 = twin(loss), g2 = twin(grad);
    ref.sigmoidCrossEntropyWithGrad(l2, g2, x, y);
    check("sigmoidCrossEntropyWithGrad loss", loss, l2, tol, context);
    check("sigmoidCrossEntropyWithGrad grad", grad, g2, tol, context);
  });

  // Up to 150 channels: the native kernels sum 8 channels side by side, then the rest one by one,
  // and without spatial axes 64 channels along each row.
  fuzz("batchNorm/batchNormBackward", 300, 33, (r) => {
    const dtype = r.pick(FLOATS);
    const N = r.int(1, 5), C = r.chance(0.5) ? r.int(1, 6) : r.int(7, 150);
    const spatial = r.shape(r.int(0, 2), 1, r.chance(0.3) ? 40 : 6);
    const shape = [N, C, ...spatial];
    const training = r.chance(0.6);
    const x = randomView(r, dtype, shape, { contiguous: true, fill: { special: 0.02 } });
    const weight = r.chance(0.7) ? randomView(r, dtype, [C], { contiguous: true }) : null;
    const bias = r.chance(0.7) ? randomView(r, dtype, [C], { contiguous: true }) : null;
    const eps = r.pick([0, 1e-5, 0.1]);
    // A fused activation half the time (leaky relu with slopes of either sign).
    const activation = r.chance(0.5)
      ? r.chance(0.5)
        ? { op: "relu" as const, negativeSlope: 0 }
        : { op: "leakyRelu" as const, negativeSlope: r.pick([0.01, 0.2, -0.5]) }
      : null;
    const mean = contiguousOut(dtype, [C], r), variance = contiguousOut(dtype, [C], r);
    if (!training) {
      // Statistics as evaluation reads them (a variance must be >= 0).
      for (let c = 0; c < C; c++) {
        variance.data[variance.offset + c] = Math.abs(variance.data[variance.offset + c]);
      }
    }
    const m2 = twin(mean), v2 = twin(variance);
    const y = contiguousOut(dtype, shape, r), y2 = twin(y);
    nb.batchNorm(y, mean, variance, x, weight, bias, eps, training, activation);
    ref.batchNorm(y2, m2, v2, x, weight, bias, eps, training, activation);
    const context = () =>
      `x ${layout(x)} training ${training} eps ${eps} activation ${JSON.stringify(activation)}`;
    check("batchNorm mean", mean, m2, EXACT, context);
    check("batchNorm variance", variance, v2, EXACT, context);
    check("batchNorm y", y, y2, EXACT, context);
    const g = randomView(r, dtype, shape, { contiguous: true });
    const dx = r.chance(0.9) ? contiguousOut(dtype, shape, r) : null;
    const dw = weight ? contiguousOut(dtype, [C], r) : null, db = contiguousOut(dtype, [C], r);
    const dx2 = dx && twin(dx), dw2 = dw && twin(dw), db2 = twin(db);
    nb.batchNormBackward(dx, dw, db, g, x, mean, variance, weight, eps, training, bias, activation);
    ref.batchNormBackward(dx2, dw2, db2, g, x, m2, v2, weight, eps, training, bias, activation);
    if (dx && dx2) check("batchNormBackward dx", dx, dx2, EXACT, context);
    if (dw && dw2) check("batchNormBackward dweight", dw, dw2, EXACT, context);
    check("batchNormBackward dbias", db, db2, EXACT, context);
  });

  fuzz("pool", 600, 15, (r) => {
    const dtype = r.pick(DTYPES);
    const d = r.int(1, 3);
    const spatial = r.shape(d, 1, d === 3 ? 5 : 8);
    const N = r.int(1, 2), C = r.int(1, 3);
    const g = randomGeometry(r, spatial);
    // Ceil mode sometimes: one more window where it still starts inside the input or left padding.
    const os = unfoldOut(spatial, g).map((
      o,
      i,
    ) => (r.chance(0.3) && (o * g.stride[i] < spatial[i] + g.padding[i]) ? o + 1 : o));
    const kind = r.pick(["max", "avg"] as const);
    const x = randomView(r, dtype, [N, C, ...spatial], {
      broadcast: true,
      fill: { special: kind === "max" ? 0.05 : 0 },
    });
    const out = contiguousOut(dtype, [N, C, ...os], r), o2 = twin(out);
    const withIdx = kind === "max" && r.chance(0.7);
    const ix = withIdx ? contiguousOut("int32", [N, C, ...os], r) : null;
    const ix2 = ix ? twin(ix) : null;
    const cip = r.chance(0.5);
    nb.pool(kind, out, ix, x, g, cip);
    ref.pool(kind, o2, ix2, x, g, cip);
    check(
      `${kind} pool`,
      out,
      o2,
      tolFor(dtype),
      () => `x ${layout(x)} out ${layout(out)} g ${JSON.stringify(g)} cip ${cip}`,
    );
    if (ix && ix2) {
      check(
        "pool indices",
        ix,
        ix2,
        EXACT,
        () => `x ${layout(x)} g ${JSON.stringify(g)}`,
      );
    }
  });

  // The 2×2-pool form of float32 max pooling (kernel width 2, stride 2: libnnc's vector paths of
  // eight or sixteen outputs a row, and their partial last group) on rows up to 40 wide, with ties,
  // NaN and infinities: values and argmax indices exactly the oracle's.
  fuzz("max pool with windows 2 wide at stride 2, float32 rows up to 40 wide", 200, 38, (r) => {
    const N = r.int(1, 2), C = r.int(1, 3), H = r.int(1, 9), W = r.int(2, 40);
    const kh = r.int(1, Math.min(3, H));
    const g = { kernel: [kh, 2], stride: [r.int(1, 2), 2], padding: [0, 0], dilation: [1, 1] };
    const x = randomView(r, "float32", [N, C, H, W], {
      fill: { special: 0.05, ties: r.chance(0.5) },
    });
    const os = unfoldOut([H, W], g);
    const out = contiguousOut("float32", [N, C, ...os], r), o2 = twin(out);
    const ix = contiguousOut("int32", [N, C, ...os], r), ix2 = twin(ix);
    nb.pool("max", out, ix, x, g, false);
    ref.pool("max", o2, ix2, x, g, false);
    const context = () => `x ${layout(x)} g ${JSON.stringify(g)}`;
    check("max pool 2 wide", out, o2, EXACT, context);
    check("max pool 2 wide indices", ix, ix2, EXACT, context);
  });

  fuzz("maxPoolGrad", 300, 36, (r) => {
    const dtype = r.pick(FLOATS);
    // Up to 60 planes of up to 900 elements: both sides of the native kernel's parallel grain.
    const P = r.int(0, 60), S = r.int(1, r.chance(0.3) ? 900 : 40), Q = r.int(0, 2 * S);
    const out = contiguousOut(dtype, [P, S], r), o2 = twin(out); // junk the kernels must clear
    const grad = randomView(r, dtype, [P, Q], { contiguous: true });
    const index = randomView(r, "int32", [P, Q], { contiguous: true });
    // Indices repeat (overlapping windows): the sums must keep the order of q.
    for (let i = 0; i < index.data.length; i++) index.data[i] = r.int(0, Math.min(S - 1, 3));
    if (r.chance(0.5)) {
      for (let i = 0; i < index.data.length; i++) index.data[i] = r.int(0, S - 1);
    }
    nb.maxPoolGrad(out, grad, index);
    ref.maxPoolGrad(o2, grad, index);
    check("maxPoolGrad", out, o2, EXACT, () => `P ${P} S ${S} Q ${Q} ${dtype}`);
    if (P > 0 && Q > 0 && r.chance(0.2)) {
      const bad = r.pick([-1, S, S + 7]);
      index.data[r.int(0, index.data.length - 1)] = bad;
      for (const b of [nb, ref]) {
        assert.throws(
          () => b.maxPoolGrad(out, grad, index),
          new RegExp(`maxPoolGrad: index ${bad} is out of range`),
        );
      }
    }
  });

  /** A batch of random matrices made well-conditioned (and symmetric / SPD when asked). */
  function matrices(
    r: Rand,
    dtype: DType,
    batch: number[],
    m: number,
    n: number,
    kind: "general" | "sym" | "spd",
  ): NDArray {
    const a = randomView(r, dtype, [...batch, m, n], { fill: { scale: 1 } });
    if (kind === "general") return a;
    const count = batch.reduce((p, q) => p * q, 1);
    const data = new Float64Array(count * n * n);
    for (let b = 0; b < count; b++) {
      const g = Array.from({ length: n * n }, () => r.next() * 2 - 1);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          if (kind === "spd") {
            for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k];
            if (i === j) s += n;
          } else s = g[i * n + j] + g[j * n + i];
          data[b * n * n + i * n + j] = s;
        }
      }
    }
    const typed = dtype === "float32" ? Float32Array.from(data) : data;
    // A transposed view of a symmetric matrix is the same matrix: exercises strided input.
    const x = new NDArray(new Storage(typed), [...batch, n, n]);
    return r.chance(0.5) && n > 0 ? x.transpose(-1, -2) : x;
  }

  fuzz("linalg", 400, 16, (r) => {
    const dtype = r.pick(FLOATS);
    const batch = r.shape(r.int(0, 2), 1, 3);
    const n = r.int(1, 7), m = r.int(1, 7);
    const tol = tolFor(dtype, dtype === "float32" ? 20 : 1e4);
    const which = r.pick(
      ["cholesky", "lu", "solve", "qr", "eigh", "svd"] as const,
    );
    const alloc = (shape: number[], dt: DType = dtype) => contiguousOut(dt, shape, r);
    const ctx = () => `${which} ${dtype} batch [${batch}] m ${m} n ${n}`;
    if (which === "cholesky") {
      const a = matrices(r, dtype, batch, n, n, "spd");
      const o1 = alloc([...batch, n, n]), o2 = twin(o1);
      assert.equal(nb.cholesky(o1, a), ref.cholesky(o2, a), ctx());
      check("cholesky", o1, o2, tol, ctx);
    } else if (which === "lu") {
      const a = matrices(r, dtype, batch, n, n, "general").contiguous();
      const l1 = twin(a), l2 = twin(a);
      const p1 = alloc([...batch, n], "int32"), p2 = twin(p1);
      assert.equal(nb.lu(l1, p1), ref.lu(l2, p2), ctx());
      check("lu", l1, l2, tol, ctx);
      check("lu pivots", p1, p2, EXACT, ctx);
    } else if (which === "solve") {
      const k = r.int(1, 3);
      const a = matrices(r, dtype, batch, n, n, "spd");
      const b = randomView(r, dtype, [...batch, n, k]);
      const o1 = alloc([...batch, n, k]), o2 = twin(o1);
      assert.equal(nb.solve(o1, a, b), ref.solve(o2, a, b), ctx());
      check("solve", o1, o2, tol, ctx);
    } else if (which === "qr") {
      const a = matrices(r, dtype, batch, m, n, "general");
      const k = Math.min(m, n);
      const q1 = alloc([...batch, m, k]),
        q2 = twin(q1),
        r1 = alloc([...batch, k, n]),
        r2 = twin(r1);
      nb.qr(q1, r1, a);
      ref.qr(q2, r2, a);
      check("qr q", q1, q2, tol, ctx);
      check("qr r", r1, r2, tol, ctx);
    } else if (which === "eigh") {
      const a = matrices(r, dtype, batch, n, n, "sym");
      const w1 = alloc([...batch, n]),
        w2 = twin(w1),
        v1 = alloc([...batch, n, n]),
        v2 = twin(v1);
      nb.eigh(w1, v1, a);
      ref.eigh(w2, v2, a);
      check("eigh w", w1, w2, tol, ctx);
      check(
        "eigh v",
        v1,
        v2,
        tolFor(dtype, dtype === "float32" ? 200 : 1e5),
        ctx,
      );
    } else {
      const a = matrices(r, dtype, batch, m, n, "general");
      const k = Math.min(m, n);
      const u1 = alloc([...batch, m, k]),
        u2 = twin(u1),
        s1 = alloc([...batch, k]),
        s2 = twin(s1);
      const t1 = alloc([...batch, k, n]), t2 = twin(t1);
      nb.svd(u1, s1, t1, a);
      ref.svd(u2, s2, t2, a);
      check("svd s", s1, s2, tol, ctx);
      check("svd u", u1, u2, tolFor(dtype, dtype === "float32" ? 200 : 1e5), ctx);
      check(
        "svd vt",
        t1,
        t2,
        tolFor(dtype, dtype === "float32" ? 200 : 1e5),
        ctx,
      );
    }
  });

  Deno.test({
    name: `${label} linalg reports the same failing batch as JS`,
    ignore,
  }, () => {
    // Batch 1, [[1, 2], [2, 4]], is singular and not positive definite.
    const a = NDArray.fromTyped(new Float64Array([2, 1, 1, 3, 1, 2, 2, 4]), [
      2,
      2,
      2,
    ]);
    const out1 = NDArray.fromTyped(new Float64Array(8), [2, 2, 2]),
      out2 = twin(out1);
    assert.equal(nb.cholesky(out1, a), 1);
    assert.equal(ref.cholesky(out2, a), 1);
    const b = NDArray.fromTyped(new Float64Array([1, 1, 1, 1]), [2, 2, 1]);
    const x1 = NDArray.fromTyped(new Float64Array(4), [2, 2, 1]);
    assert.equal(nb.solve(x1, a, b), 1);
    const lu = a.clone(), piv = NDArray.fromTyped(new Int32Array(4), [2, 2]);
    assert.equal(nb.lu(lu, piv), 1);
    // Batch 1: rows swap at step 0 ([[2, 4], [1, 2]]), then u11 = 2 - 0.5·4 = 0.
    assert.deepEqual([...piv.data], [0, 1, 1, 1]);
    assert.deepEqual([...lu.data], [2, 1, 0.5, 2.5, 2, 4, 0.5, 0]);
    const lu2 = a.clone(), piv2 = NDArray.fromTyped(new Int32Array(4), [2, 2]);
    assert.equal(ref.lu(lu2, piv2), 1);
    assert.deepEqual([...piv2.data], [...piv.data]);
  });

  // Large inputs: the paths that split work across threads, the reduction strategies for long rows,
  // the GEMM blocking and the growth of a Wasm backend's linear memory only run above tens of
  // thousands of elements.
  fuzz("large inputs", 40, 17, (r, i) => {
    const dtype = r.pick(FLOATS);
    const kind = i % 8;
    const big = () => r.int(200, 700);
    if (kind === 0) {
      const shape = [big(), big()];
      const a = randomView(r, dtype, shape, { broadcast: true }),
        b = randomView(r, dtype, shape, { broadcast: true });
      const out = randomView(r, dtype, shape), o2 = twin(out);
      const op = r.pick(BINARY);
      nb.binary(op, out, a, b);
      ref.binary(op, o2, a, b);
      check(
        `large binary ${op}`,
        out,
        o2,
        tolFor(dtype, 0.01),
        () => `a ${layout(a)} b ${layout(b)}`,
      );
      const u = r.pick(UNARY);
      nb.unary(u, out, a);
      ref.unary(u, o2, a);
      check(
        `large unary ${u}`,
        out,
        o2,
        tolFor(dtype, 0.01),
        () => `a ${layout(a)}`,
      );
    } else if (kind === 1) {
      const shape = [r.int(1, 40), r.int(1, 40), r.int(100, 400)];
      const axes = r.pick([[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]);
      const op = r.pick(["sum", "max", "min"] as const);
      const x = randomView(r, dtype, shape, { broadcast: r.chance(0.3) });
      const out = contiguousOut(
          dtype,
          shape.map((d, k) => (axes.includes(k) ? 1 : d)),
          r,
        ),
        o2 = twin(out);
      nb.reduce(op, out, x, axes);
      ref.reduce(op, o2, x, axes);
      check(
        `large reduce ${op} [${axes}]`,
        out,
        o2,
        tolFor(dtype, 300),
        () => `x ${layout(x)}`,
      );
    } else if (kind === 2) {
      // Now and then above 384³ multiply-adds: a threaded BLAS call, several K and M blocks.
      const big = r.chance(0.3);
      const M = r.int(60, big ? 420 : 200),
        N = r.int(60, big ? 420 : 200),
        K = r.int(big ? 380 : 60, big ? 420 : 200);
      const a = randomView(r, dtype, [M, K]), b = randomView(r, dtype, [K, N]);
      const out = contiguousOut(dtype, [M, N], r), o2 = twin(out);
      nb.matmul(out, a, b);
      ref.matmul(o2, a, b);
      check(
        `large matmul ${M}x${K}x${N}`,
        out,
        o2,
        tolFor(dtype, 50),
        () => `a ${layout(a)} b ${layout(b)}`,
      );
    } else if (kind === 3) {
      const shape = [r.int(50, 300), r.int(50, 300)];
      const axis = r.int(0, 1);
      const x = randomView(r, dtype, shape);
      const out = randomView(r, dtype, shape), o2 = twin(out);
      const log = r.chance(0.5);
      nb.softmax(out, x, axis, log);
      ref.softmax(o2, x, axis, log);
      check("large softmax", out, o2, tolFor(dtype), () => `x ${layout(x)}`);
      nb.cumulative("sum", out, x, axis);
      ref.cumulative("sum", o2, x, axis);
      check("large cumsum", out, o2, tolFor(dtype, 100), () => `x ${layout(x)}`);
    } else if (kind === 4) {
      const shape = [r.int(20, 200), r.int(100, 3000)];
      const x = randomView(r, dtype, shape, {
        contiguous: true,
        fill: { ties: r.chance(0.5), special: 0.01 },
      });
      const v1 = contiguousOut(dtype, shape, r),
        v2 = twin(v1),
        i1 = contiguousOut("int32", shape, r),
        i2 = twin(i1);
      const desc = r.chance(0.5);
      nb.sort(v1, i1, x, desc);
      ref.sort(v2, i2, x, desc);
      check("large sort", v1, v2, EXACT, () => `x ${layout(x)}`);
      check("large sort indices", i1, i2, EXACT, () => `x ${layout(x)}`);
    } else if (kind === 5) {
      const N = r.int(2, 8),
        C = r.int(2, 8),
        H = r.int(20, 40),
        W = r.int(20, 40);
      const g = {
        kernel: [3, 3],
        stride: [1, r.int(1, 2)],
        padding: [1, 1],
        dilation: [1, 1],
      };
      const os = unfoldOut([H, W], g);
      const x = randomView(r, dtype, [N, C, H, W]);
      const out = contiguousOut(dtype, [N, C * 9, os[0] * os[1]], r),
        o2 = twin(out);
      nb.im2col(out, x, g);
      ref.im2col(o2, x, g);
      check("large im2col", out, o2, EXACT, () => `x ${layout(x)}`);
      const img = contiguousOut(dtype, [N, C, H, W], r), img2 = twin(img);
      nb.col2im(img, out, g);
      ref.col2im(img2, out, g);
      check("large col2im", img, img2, EXACT, () => `x ${layout(x)}`);
      const pg = {
        kernel: [2, 2],
        stride: [2, 2],
        padding: [0, 0],
        dilation: [1, 1],
      };
      const po = unfoldOut([H, W], pg);
      const p1 = contiguousOut(dtype, [N, C, ...po], r), p2 = twin(p1);
      const ix1 = contiguousOut("int32", [N, C, ...po], r), ix2 = twin(ix1);
      // NaNs, infinities and ties over rows of 10–20 outputs: the vector kernels' first maximum.
      const px = randomView(r, dtype, [N, C, H, W], {
        fill: { special: 0.05, ties: r.chance(0.5) },
      });
      nb.pool("max", p1, ix1, px, pg, false);
      ref.pool("max", p2, ix2, px, pg, false);
      check("large max pool", p1, p2, EXACT, () => `x ${layout(px)}`);
      check("large max pool indices", ix1, ix2, EXACT, () => `x ${layout(px)}`);
    } else if (kind === 6) {
      const xs = [r.int(100, 400), r.int(100, 400)];
      const axis = r.int(0, 1);
      const is = xs.map((d, k) => (k === axis ? r.int(1, 300) : d));
      const x = randomView(r, dtype, xs);
      const index = indexView(r, is, xs[axis]);
      const out = randomView(r, dtype, is), o2 = twin(out);
      nb.gather(out, x, axis, index);
      ref.gather(o2, x, axis, index);
      check("large gather", out, o2, EXACT, () => `x ${layout(x)}`);
      const sel = indexView(r, [r.int(1, 300)], xs[axis]);
      const s1 = randomView(
          r,
          dtype,
          xs.map((d, k) => (k === axis ? sel.size : d)),
        ),
        s2 = twin(s1);
      nb.indexSelect(s1, x, axis, sel);
      ref.indexSelect(s2, x, axis, sel);
      check("large indexSelect", s1, s2, EXACT, () => `x ${layout(x)}`);
    } else {
      const batch = r.int(8, 64), n = r.int(8, 48);
      const a = randomView(r, dtype, [batch, n, n]),
        b = randomView(r, dtype, [batch, n, n]);
      const out = contiguousOut(dtype, [batch, n, n], r), o2 = twin(out);
      nb.matmul(out, a, b);
      ref.matmul(o2, a, b);
      check(
        `large batched matmul ${batch}x${n}`,
        out,
        o2,
        tolFor(dtype, 30),
        () => `a ${layout(a)}`,
      );
    }
  });

  // A 400³ product: past the BLAS's own threading, several K blocks of a built-in GEMM.
  Deno.test({ name: `${label} matches JS: a 400³ matmul`, ignore }, () => {
    const r = new Rand(18);
    for (const dtype of FLOATS) {
      const a = randomView(r, dtype, [400, 400]), b = randomView(r, dtype, [400, 400]).transpose();
      const out = contiguousOut(dtype, [400, 400], r), o2 = twin(out);
      nb.matmul(out, a, b);
      ref.matmul(o2, a, b);
      check("matmul 400³", out, o2, tolFor(dtype, 60), () => `a ${layout(a)} b ${layout(b)}`);
    }
  });

  // Regression: a [1, K] operand with stride 0 (or −1) along K was handed to the BLAS as K
  // contiguous elements, read past its storage (here: NaN padding) and gave NaN at random.
  Deno.test({
    name: `${label} matches JS: matmul with a broadcast (stride 0) or reversed row`,
    ignore,
  }, () => {
    const r = new Rand(19);
    for (const dtype of FLOATS) {
      const K = 300, N = 64;
      const padded = (n: number) => {
        const d = dtype === "float64" ? new Float64Array(2 * n) : new Float32Array(2 * n);
        d.fill(NaN);
        for (let i = 0; i < n; i++) d[i] = 4 * r.next() - 2;
        return new Storage(d);
      };
      const broadcast = new NDArray(padded(1), [1, K], [1, 0], 0);
      const reversed = new NDArray(padded(K), [1, K], [K, -1], K - 1);
      for (const a of [broadcast, reversed]) {
        for (const b of [randomView(r, dtype, [K, N]), randomView(r, dtype, [N, K]).transpose()]) {
          const out = contiguousOut(dtype, [1, N], r), o2 = twin(out);
          nb.matmul(out, a, b);
          ref.matmul(o2, a, b);
          check(
            "matmul [1, K] row",
            out,
            o2,
            tolFor(dtype, K),
            () => `a ${layout(a)} b ${layout(b)}`,
          );
        }
        // The same row as the right operand: [N, 1] @ [1, K].
        const left = randomView(r, dtype, [N, 1]);
        const out = contiguousOut(dtype, [N, K], r), o2 = twin(out);
        nb.matmul(out, left, a);
        ref.matmul(o2, left, a);
        check("matmul [N, 1] @ [1, K] row", out, o2, tolFor(dtype, 1), () => `b ${layout(a)}`);
      }
    }
  });

  /**
   * A contiguous float array of n values in [-2, 2), at a random offset inside its storage; with
   * `tiny`, two in five of them zero or near or below the dtype's smallest normal number (subnormals, zeros,
   * the normals just above), where Adam's moments flush to zero.
   */
  function stateArray(r: Rand, dtype: DType, n: number, positive = false, tiny = false): NDArray {
    const off = r.int(0, 3);
    const data = dtype === "float64"
      ? new Float64Array(n + off + 2)
      : new Float32Array(n + off + 2);
    const smallest = dtype === "float64" ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
    for (let i = 0; i < data.length; i++) {
      const u = positive ? 2 * r.next() : 4 * r.next() - 2;
      data[i] = tiny && r.chance(0.4) ? u * smallest * r.pick([0, 1, 16]) : u;
    }
    return new NDArray(new Storage(data), [n], [1], off);
  }

  fuzz("sgdStep and adamStep", 300, 21, (r) => {
    const dtype = r.pick(FLOATS);
    // Sizes past two parallel grains run on two threads (past the first block of a Wasm arena).
    const n = r.chance(0.1) ? r.int(33000, 70000) : r.int(0, 600);
    const x = stateArray(r, dtype, n);
    let g = stateArray(r, dtype, n);
    const x2 = twin(x);
    if (r.chance(0.5)) {
      const momentum = r.chance(0.3) ? 0 : r.next();
      const buf = momentum === 0 ? null : stateArray(r, dtype, n);
      const buf2 = buf === null ? null : twin(buf);
      const c = {
        lr: r.next(),
        weightDecay: r.chance(0.5) ? 0 : r.next() / 10,
        sign: r.chance(0.2) ? -1 : 1,
        momentum,
        dampening: r.chance(0.5) ? 0 : r.next(),
        nesterov: r.chance(0.5),
        first: r.chance(0.3),
      };
      nb.sgdStep(x, g, buf, c);
      ref.sgdStep(x2, g, buf2, c);
      check("sgdStep x", x, x2, EXACT, () => `n ${n} ${JSON.stringify(c)}`);
      if (buf && buf2) check("sgdStep buf", buf, buf2, EXACT, () => `n ${n} ${JSON.stringify(c)}`);
      return;
    }
    // Tiny gradients and moments: the moments' flush to zero (a zero gradient leaves m and v to decay).
    const tiny = r.chance(0.3);
    if (tiny) g = stateArray(r, dtype, n, false, true);
    const m = stateArray(r, dtype, n, false, tiny), v = stateArray(r, dtype, n, true, tiny);
    const vmax = r.chance(0.5) ? stateArray(r, dtype, n, true, tiny) : null;
    const [m2, v2] = [twin(m), twin(v)];
    const vmax2 = vmax === null ? null : twin(vmax);
    const c = {
      step: r.int(1, 50),
      lr: r.next() / 10,
      beta1: 0.5 + r.next() / 2.1,
      beta2: 0.9 + r.next() / 11,
      eps: 1e-8,
      l2: r.chance(0.5) ? 0 : r.next() / 10,
      decay: r.chance(0.5) ? 0 : r.next() / 10,
      sign: r.chance(0.2) ? -1 : 1,
    };
    nb.adamStep(x, g, m, v, vmax, c);
    ref.adamStep(x2, g, m2, v2, vmax2, c);
    const ctx = () => `n ${n} ${dtype} ${JSON.stringify(c)} amsgrad ${vmax !== null}`;
    check("adamStep x", x, x2, EXACT, ctx);
    check("adamStep m", m, m2, EXACT, ctx);
    check("adamStep v", v, v2, EXACT, ctx);
    if (vmax && vmax2) check("adamStep vmax", vmax, vmax2, EXACT, ctx);
  });

  fuzz("attention and attentionBackward", 150, 22, (r) => {
    const dtype = r.pick(FLOATS);
    const n = r.int(1, 2), h = r.int(1, 3);
    // Past 64 query rows the kernels work in several row blocks (dK, dV accumulate across them).
    const lq = r.chance(0.25) ? r.int(65, 140) : r.int(1, 12);
    const lk = r.chance(0.3) ? r.int(1, lq) : lq + r.int(0, 40);
    const d = r.int(1, 40), dv = r.int(1, 24);
    const causal = r.chance(0.5);
    const q = headView(r, dtype, [n, h, lq, d]), k = headView(r, dtype, [n, h, lk, d]);
    const v = headView(r, dtype, [n, h, lk, dv]), g = headView(r, dtype, [n, h, lq, dv]);
    let mask: NDArray | null = null;
    if (r.chance(0.6)) {
      mask = randomView(r, dtype, [n, h, lq, lk], { broadcast: true, fill: { scale: 1 } });
      // Some hidden keys, and now and then a whole hidden row.
      for (let i = 0; i < mask.data.length; i++) if (r.chance(0.15)) mask.data[i] = -Infinity;
      if (r.chance(0.2)) mask.data.fill(-Infinity);
    }
    const p = { scale: r.chance(0.3) ? 1 : 1 / Math.sqrt(d), causal };
    const out = headView(r, dtype, [n, h, lq, dv]);
    const lse = randomView(r, dtype, [n, h, lq]);
    const [out2, lse2] = [twin(out), twin(lse)];
    nb.attention(out, lse, q, k, v, mask, p);
    ref.attention(out2, lse2, q, k, v, mask, p);
    const ctx = () =>
      `${dtype} n ${n} h ${h} lq ${lq} lk ${lk} d ${d} dv ${dv} ${JSON.stringify(p)} q ${
        layout(q)
      } out ${layout(out)} mask ${mask === null ? "none" : layout(mask)}`;
    const tol = tolFor(dtype, 20);
    check("attention out", out, out2, tol, ctx);
    check("attention lse", lse, lse2, tol, ctx);
    const grads = [[n, h, lq, d], [n, h, lk, d], [n, h, lk, dv]].map((s) => headView(r, dtype, s));
    const grads2 = grads.map(twin);
    nb.attentionBackward(grads[0], grads[1], grads[2], q, k, v, mask, out2, lse2, g, p);
    ref.attentionBackward(grads2[0], grads2[1], grads2[2], q, k, v, mask, out2, lse2, g, p);
    ["dq", "dk", "dv"].forEach((name, i) => check(name, grads[i], grads2[i], tol, ctx));
  });

  /**
   * A random [N, H, L, D] view with a unit last stride, as attention kernels take: (N, H, L) in a
   * random memory order, with gaps between rows and heads, at a random offset, values in [-1, 1).
   */
  function headView(r: Rand, dtype: DType, shape: readonly number[]): NDArray {
    const order = r.perm(3);
    const len = shape.slice(0, 3).map((s) => s + (r.chance(0.3) ? r.int(1, 2) : 0));
    const width = shape[3] + (r.chance(0.3) ? r.int(1, 3) : 0);
    const strides = [0, 0, 0, 1];
    let acc = width;
    for (let j = 2; j >= 0; j--) {
      strides[order[j]] = acc;
      acc *= len[order[j]];
    }
    const offset = r.int(0, 3);
    const data = dtype === "float64"
      ? new Float64Array(offset + acc + 2)
      : new Float32Array(offset + acc + 2);
    for (let i = 0; i < data.length; i++) data[i] = r.next() * 2 - 1;
    return new NDArray(new Storage(data), shape, strides, offset);
  }

  fuzz("layerNorm and layerNormBackward", 200, 23, (r) => {
    const dtype = r.pick(FLOATS);
    // Past 64 rows the backward's column sums come from several chunks (and threads).
    const rows = r.chance(0.2) ? r.int(65, 300) : r.int(1, 10), cols = r.int(1, 70);
    const x = contiguousOut(dtype, [rows, cols], r), g = contiguousOut(dtype, [rows, cols], r);
    const w = r.chance(0.7) ? contiguousOut(dtype, [cols], r) : null;
    const b = r.chance(0.7) ? contiguousOut(dtype, [cols], r) : null;
    const eps = r.chance(0.5) ? 1e-5 : r.next();
    const [out, mean, rstd] = [[rows, cols], [rows], [rows]].map((s) => contiguousOut(dtype, s, r));
    const [out2, mean2, rstd2] = [out, mean, rstd].map(twin);
    nb.layerNorm(out, mean, rstd, x, w, b, eps);
    ref.layerNorm(out2, mean2, rstd2, x, w, b, eps);
    // Both kernels add a row's sums in the same order (eight lane sums, combined pairwise).
    const tol = EXACT;
    const ctx = () =>
      `${dtype} [${rows}, ${cols}] weight ${w !== null} bias ${b !== null} eps ${eps}`;
    check("layerNorm out", out, out2, tol, ctx);
    check("layerNorm mean", mean, mean2, tol, ctx);
    check("layerNorm rstd", rstd, rstd2, tol, ctx);
    const dx = contiguousOut(dtype, [rows, cols], r);
    const dw = r.chance(0.7) ? contiguousOut(dtype, [cols], r) : null;
    const db = r.chance(0.7) ? contiguousOut(dtype, [cols], r) : null;
    const [dx2, dw2, db2] = [dx, dw, db].map((a) => a === null ? null : twin(a));
    nb.layerNormBackward(dx, dw, db, g, x, mean2, rstd2, w);
    ref.layerNormBackward(dx2!, dw2, db2, g, x, mean2, rstd2, w);
    // The column sums add rows in a different order (by chunks): a bound for them.
    check("layerNormBackward dx", dx, dx2!, tol, ctx);
    if (dw && dw2) check("layerNormBackward dweight", dw, dw2, tolFor(dtype, 200), ctx);
    if (db && db2) check("layerNormBackward dbias", db, db2, tolFor(dtype, 200), ctx);
  });
}
