/**
 * Measures, per kernel, the size at which the native kernel (FFI call included) becomes faster
 * than the JS kernel: `deno run -A native/bench/crossover.ts`. Prints a table of per-call times
 * (best of many) and the crossover sizes that thresholds.ts records. A benchmark, never a test.
 *
 * @module
 */
import { type Backend, NDArray, referenceBackend } from "@nnc/tensor";
import { createNativeBackend, loadNative, NO_THRESHOLDS } from "../mod.ts";

const lib = await loadNative();
if (!lib.ok) {
  console.error(`native backend not available: ${lib.reason}`);
  Deno.exit(1);
}
const nb = createNativeBackend(lib.symbols, NO_THRESHOLDS);
const js = referenceBackend();

/** Best per-call time in µs: samples of enough calls to last ~2 ms each. */
function time(fn: () => void): number {
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    if (performance.now() - t0 > 2) break;
    calls *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / calls);
  }
  return best;
}

const f32 = (shape: number[]) => {
  const n = shape.reduce((p, q) => p * q, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return NDArray.fromTyped(a, shape);
};

interface Case {
  name: string;
  /** The size the threshold is expressed in, for a given scale parameter. */
  sizes: number[];
  /** Builds one call on backend `b` at size `n` (the size unit of the threshold). */
  make: (n: number) => (b: Backend) => void;
}

const pow4 = [4, 16, 64, 256, 1024, 4096, 16384, 65536];

/** A square CSR matrix with 4 entries per row and features of width 8: `nnz × 8 = n`. */
function sparseCase(
  n: number,
  run: (b: Backend, out: NDArray, rowPtr: NDArray, col: NDArray, v: NDArray, x: NDArray) => void,
): (b: Backend) => void {
  const nnz = Math.max(4, n / 8), rows = nnz / 4;
  const rowPtr = NDArray.fromTyped(Int32Array.from({ length: rows + 1 }, (_, i) => 4 * i), [
    rows + 1,
  ]);
  const col = NDArray.fromTyped(Int32Array.from({ length: nnz }, (_, k) => (k * 7) % rows), [nnz]);
  const v = f32([nnz, 1]), x = f32([rows, 1, 8]), out = f32([rows, 1, 8]);
  return (b) => run(b, out, rowPtr, col, v, x);
}
const cases: Case[] = [
  {
    name: "copy (transposed)",
    sizes: pow4,
    make: (n) => {
      const s = Math.round(Math.sqrt(n));
      const x = f32([s, s]).transpose(), out = f32([s, s]);
      return (b) => b.copy(out, x);
    },
  },
  {
    name: "unary relu",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), out = f32([n]);
      return (b) => b.unary("relu", out, x);
    },
  },
  {
    name: "unary exp",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), out = f32([n]);
      return (b) => b.unary("exp", out, x);
    },
  },
  {
    name: "binary add",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), y = f32([n]), out = f32([n]);
      return (b) => b.binary("add", out, x, y);
    },
  },
  {
    name: "binary mul (broadcast row)",
    sizes: pow4,
    make: (n) => {
      const s = Math.round(Math.sqrt(n));
      const x = f32([s, s]), row = f32([1, s]).expand(s, s), out = f32([s, s]);
      return (b) => b.binary("mul", out, x, row);
    },
  },
  {
    name: "reduce sum (all)",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), out = f32([1]);
      return (b) => b.reduce("sum", out, x, [0]);
    },
  },
  {
    name: "reduce sum (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([Math.max(1, n / 16), 16]), out = f32([Math.max(1, n / 16), 1]);
      return (b) => b.reduce("sum", out, x, [1]);
    },
  },
  {
    name: "argmax (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([Math.max(1, n / 16), 16]),
        out = NDArray.fromTyped(new Int32Array(Math.max(1, n / 16)), [Math.max(1, n / 16), 1]);
      return (b) => b.argReduce("argmax", out, x, 1);
    },
  },
  {
    name: "matmul (n³ = size)",
    sizes: [64, 512, 4096, 32768, 262144],
    make: (n) => {
      const s = Math.round(Math.cbrt(n));
      const x = f32([s, s]), y = f32([s, s]), out = f32([s, s]);
      return (b) => b.matmul(out, x, y);
    },
  },
  {
    name: "softmax (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([Math.max(1, n / 16), 16]), out = f32([Math.max(1, n / 16), 16]);
      return (b) => b.softmax(out, x, 1, false);
    },
  },
  {
    name: "cumsum (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([Math.max(1, n / 16), 16]), out = f32([Math.max(1, n / 16), 16]);
      return (b) => b.cumulative("sum", out, x, 1);
    },
  },
  {
    name: "sort (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const r = Math.max(1, n / 16);
      const x = f32([r, 16]),
        v = f32([r, 16]),
        i = NDArray.fromTyped(new Int32Array(r * 16), [r, 16]);
      return (b) => b.sort(v, i, x, false);
    },
  },
  {
    name: "gather (axis 1)",
    sizes: pow4,
    make: (n) => {
      const r = Math.max(1, n / 16);
      const x = f32([r, 16]), out = f32([r, 16]);
      const idx = NDArray.fromTyped(Int32Array.from({ length: r * 16 }, (_, k) => (k * 7) % 16), [
        r,
        16,
      ]);
      return (b) => b.gather(out, x, 1, idx);
    },
  },
  {
    name: "indexSelect (axis 0)",
    sizes: pow4,
    make: (n) => {
      const r = Math.max(1, n / 16);
      const x = f32([r, 16]), out = f32([r, 16]);
      const idx = NDArray.fromTyped(Int32Array.from({ length: r }, (_, k) => (k * 7) % r), [r]);
      return (b) => b.indexSelect(out, x, 0, idx);
    },
  },
  {
    name: "im2col 3×3 pad 1 (output size)",
    sizes: [81, 576, 2304, 9216, 36864],
    make: (n) => {
      const s = Math.round(Math.sqrt(n / 9));
      const x = f32([1, 1, s, s]), out = f32([1, 9, s * s]);
      const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
      return (b) => b.im2col(out, x, g);
    },
  },
  {
    name: "max pool 2×2 (input size)",
    sizes: pow4.slice(1),
    make: (n) => {
      const s = Math.max(2, Math.round(Math.sqrt(n) / 2) * 2);
      const x = f32([1, 1, s, s]), out = f32([1, 1, s / 2, s / 2]);
      const idx = NDArray.fromTyped(new Int32Array((s / 2) ** 2), [1, 1, s / 2, s / 2]);
      const g = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
      return (b) => b.pool("max", out, idx, x, g, false);
    },
  },
  {
    name: "spmm (nnz × width = size)",
    sizes: pow4,
    make: (n) => sparseCase(n, (b, out, rowPtr, col, v, x) => b.spmm(out, rowPtr, col, v, x)),
  },
  {
    name: "sddmm (nnz × width = size)",
    sizes: pow4,
    make: (n) => sparseCase(n, (b, _out, rowPtr, col, v, x) => b.sddmm(v, rowPtr, col, x, x)),
  },
  {
    name: "segmentReduce sum (rows × 8 = size)",
    sizes: pow4,
    make: (n) => {
      const rows = Math.max(1, n / 8), segs = Math.max(1, rows / 4);
      const src = f32([rows, 8]), out = f32([segs, 8]);
      const index = NDArray.fromTyped(Int32Array.from({ length: rows }, (_, i) => i % segs), [
        rows,
      ]);
      return (b) => b.segmentReduce("sum", out, null, src, index);
    },
  },
  {
    name: "solve n×n (n² = size)",
    sizes: [4, 16, 64, 256, 1024, 4096],
    make: (n) => {
      const s = Math.round(Math.sqrt(n));
      const a = f32([s, s]);
      for (let i = 0; i < s; i++) a.data[i * s + i] += s;
      const y = f32([s, 1]), out = f32([s, 1]);
      return (b) => b.solve(out, a, y);
    },
  },
];

console.log(
  "kernel".padEnd(32) + "size".padStart(8) + "JS µs".padStart(10) + "native µs".padStart(11) +
    "  ratio",
);
const summary: string[] = [];
// `--only word`: the cases whose name contains it.
const only = Deno.args.indexOf("--only") >= 0 ? Deno.args[Deno.args.indexOf("--only") + 1] : "";
for (const c of cases.filter((c) => c.name.includes(only))) {
  let cross: number | null = null;
  for (const n of c.sizes) {
    const call = c.make(n);
    const tj = time(() => call(js)), tn = time(() => call(nb));
    console.log(
      c.name.padEnd(32) + String(n).padStart(8) + tj.toFixed(3).padStart(10) +
        tn.toFixed(3).padStart(11) + `  ${(tj / tn).toFixed(2)}`,
    );
    if (tn <= tj) cross ??= n;
    else cross = null;
  }
  summary.push(`${c.name}: native from ${cross ?? "never (in range)"}`);
}
console.log("\n" + summary.join("\n"));
