/**
 * Measures, per kernel, the sizes at which the WebAssembly kernel (copies into and out of linear
 * memory included) is faster than the JS kernel: `deno run wasm/bench/crossover.ts [--clock cpu]`.
 * Prints per-call times (best of 7 samples of ≥ 2 ms) and, per kernel, the size from which Wasm wins
 * at every larger size measured (what thresholds.ts records), or "never". A benchmark, never a test.
 *
 * `--clock cpu` times with this process's CPU time instead of wall time: on a shared machine, wall
 * time also counts the slices other processes run in.
 *
 * @module
 */
import process from "node:process";
import { type Backend, NDArray, referenceBackend } from "@nnc/tensor";
import { createWasmBackend, loadWasm, WASM_NO_THRESHOLDS } from "../mod.ts";

const load = await loadWasm();
if (!load.ok) {
  console.error(`wasm backend not available: ${load.reason}`);
  Deno.exit(1);
}
const wb = createWasmBackend(load.kernels, WASM_NO_THRESHOLDS);
const js = referenceBackend();
const cpuClock = Deno.args.includes("--clock") &&
  Deno.args[Deno.args.indexOf("--clock") + 1] === "cpu";
const now = cpuClock
  ? () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  : () => performance.now();

/** Best per-call time in µs: samples of enough calls to last ~2 ms each. */
function time(fn: () => void): number {
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    if (now() - t0 > 2) break;
    calls *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    best = Math.min(best, ((now() - t0) * 1000) / calls);
  }
  return best;
}

const f32 = (shape: number[]) => {
  const n = shape.reduce((p, q) => p * q, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return NDArray.fromTyped(a, shape);
};
const i32 = (shape: number[], mod: number) => {
  const n = shape.reduce((p, q) => p * q, 1);
  return NDArray.fromTyped(Int32Array.from({ length: n }, (_, k) => (k * 7) % mod), shape);
};

interface Case {
  name: string;
  /** The size the threshold is expressed in. */
  sizes: number[];
  /** Builds one call on backend `b` at size `n` (the size unit of the threshold). */
  make: (n: number) => (b: Backend) => void;
}

const pow4 = [16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];
const rows16 = (n: number) => Math.max(1, n / 16);
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
    name: "unary tanh",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), out = f32([n]);
      return (b) => b.unary("tanh", out, x);
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
    name: "where",
    sizes: pow4,
    make: (n) => {
      const c = f32([n]), x = f32([n]), y = f32([n]), out = f32([n]);
      return (b) => b.where(out, c, x, y);
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
    name: "reduce sum (columns of 64)",
    sizes: pow4.slice(2),
    make: (n) => {
      const x = f32([n / 64, 64]), out = f32([1, 64]);
      return (b) => b.reduce("sum", out, x, [0]);
    },
  },
  {
    name: "argmax (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([rows16(n), 16]), out = i32([rows16(n), 1], 1);
      return (b) => b.argReduce("argmax", out, x, 1);
    },
  },
  {
    name: "matmul (n³ = size)",
    sizes: [64, 512, 4096, 32768, 262144, 2097152],
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
      const x = f32([rows16(n), 16]), out = f32([rows16(n), 16]);
      return (b) => b.softmax(out, x, 1, false);
    },
  },
  {
    name: "logSoftmax (rows of 256)",
    sizes: pow4.slice(2),
    make: (n) => {
      const x = f32([n / 256, 256]), out = f32([n / 256, 256]);
      return (b) => b.softmax(out, x, 1, true);
    },
  },
  {
    name: "cumsum (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([rows16(n), 16]), out = f32([rows16(n), 16]);
      return (b) => b.cumulative("sum", out, x, 1);
    },
  },
  {
    name: "sort (rows of 16)",
    sizes: pow4,
    make: (n) => {
      const x = f32([rows16(n), 16]), v = f32([rows16(n), 16]), i = i32([rows16(n), 16], 1);
      return (b) => b.sort(v, i, x, false);
    },
  },
  {
    name: "gather (axis 1)",
    sizes: pow4,
    make: (n) => {
      const x = f32([rows16(n), 16]), out = f32([rows16(n), 16]), idx = i32([rows16(n), 16], 16);
      return (b) => b.gather(out, x, 1, idx);
    },
  },
  {
    name: "scatterAdd (axis 1)",
    sizes: pow4,
    make: (n) => {
      const src = f32([rows16(n), 16]), out = f32([rows16(n), 16]);
      const idx = i32([rows16(n), 16], 16);
      return (b) => b.scatterAdd(out, 1, idx, src);
    },
  },
  {
    name: "indexSelect (axis 0)",
    sizes: pow4,
    make: (n) => {
      const r = rows16(n);
      const x = f32([r, 16]), out = f32([r, 16]), idx = i32([r], r);
      return (b) => b.indexSelect(out, x, 0, idx);
    },
  },
  {
    name: "im2col 3×3 pad 1 (output size)",
    sizes: [81, 576, 2304, 9216, 36864, 147456, 589824],
    make: (n) => {
      const s = Math.round(Math.sqrt(n / 9));
      const x = f32([1, 1, s, s]), out = f32([1, 9, s * s]);
      const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
      return (b) => b.im2col(out, x, g);
    },
  },
  {
    name: "col2im 3×3 pad 1 (cols size)",
    sizes: [81, 576, 2304, 9216, 36864, 147456, 589824],
    make: (n) => {
      const s = Math.round(Math.sqrt(n / 9));
      const cols = f32([1, 9, s * s]), out = f32([1, 1, s, s]);
      const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
      return (b) => b.col2im(out, cols, g);
    },
  },
  {
    name: "max pool 2×2 (input size)",
    sizes: pow4.slice(1),
    make: (n) => {
      const s = Math.max(2, Math.round(Math.sqrt(n) / 2) * 2);
      const x = f32([1, 1, s, s]), out = f32([1, 1, s / 2, s / 2]);
      const idx = i32([1, 1, s / 2, s / 2], 1);
      const g = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };
      return (b) => b.pool("max", out, idx, x, g, false);
    },
  },
  {
    name: "sgdStep (momentum)",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), g = f32([n]), buf = f32([n]);
      const c = {
        lr: 0.01,
        weightDecay: 0,
        sign: 1,
        momentum: 0.9,
        dampening: 0,
        nesterov: false,
        first: false,
      };
      return (b) => b.sgdStep(x, g, buf, c);
    },
  },
  {
    name: "adamStep",
    sizes: pow4,
    make: (n) => {
      const x = f32([n]), g = f32([n]), m = f32([n]), v = f32([n]);
      v.data.fill(0.5);
      const c = {
        step: 10,
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        l2: 0,
        decay: 0,
        sign: 1,
      };
      return (b) => b.adamStep(x, g, m, v, null, c);
    },
  },
  {
    name: "spmm (nnz·width, degree 8, width 16)",
    sizes: [128, 1024, 8192, 65536, 524288],
    make: (size) => {
      const nnz = size / 16, n = Math.max(1, nnz / 8);
      const rowPtr = NDArray.fromTyped(Int32Array.from({ length: n + 1 }, (_, i) => i * 8), [
        n + 1,
      ]);
      const col = i32([nnz], n), x = f32([n, 1, 16]), out = f32([n, 1, 16]);
      return (b) => b.spmm(out, rowPtr, col, null, x);
    },
  },
  {
    name: "segmentReduce sum (rows·width, width 16)",
    sizes: [256, 1024, 4096, 16384, 65536, 262144],
    make: (size) => {
      const rows = size / 16, n = Math.max(1, rows / 4);
      const src = f32([rows, 16]), out = f32([n, 16]), index = i32([rows], n);
      return (b) => b.segmentReduce("sum", out, null, src, index);
    },
  },
  {
    name: "lstmCell (B·H)",
    sizes: [16, 64, 256, 1024, 4096, 16384, 65536],
    make: (size) => {
      const B = Math.min(32, size), H = size / B;
      const xg = f32([B, 4 * H]), hg = f32([B, 4 * H]), cPrev = f32([B, H]);
      const h = f32([B, H]), c = f32([B, H]), act = f32([B, 4 * H]);
      return (b) => b.lstmCell(h, c, act, xg, hg, cPrev);
    },
  },
  {
    name: "attention (N·H·Lq·Lk·D, D 32)",
    sizes: [1024, 8192, 65536, 524288, 4194304],
    make: (size) => {
      const L = Math.max(1, Math.round(Math.sqrt(size / 32)));
      const q = f32([1, 1, L, 32]), k = f32([1, 1, L, 32]), v = f32([1, 1, L, 32]);
      const out = f32([1, 1, L, 32]), lse = f32([1, 1, L]);
      return (b) => b.attention(out, lse, q, k, v, null, { scale: 0.18, causal: false });
    },
  },
  {
    name: "layerNorm (R·C, C 256)",
    sizes: [256, 1024, 4096, 16384, 65536, 262144],
    make: (size) => {
      const R = size / 256;
      const x = f32([R, 256]), out = f32([R, 256]), mean = f32([R]), rstd = f32([R]);
      const w = f32([256]), bias = f32([256]);
      return (b) => b.layerNorm(out, mean, rstd, x, w, bias, 1e-5);
    },
  },
];

const only = Deno.args.includes("--only") ? Deno.args[Deno.args.indexOf("--only") + 1] : "";
console.log(
  "kernel".padEnd(32) + "size".padStart(9) + "JS µs".padStart(11) + "wasm µs".padStart(11) +
    "  JS/wasm",
);
const summary: string[] = [];
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  let cross: number | null = null;
  for (const n of c.sizes) {
    const call = c.make(n);
    const tj = time(() => call(js)), tw = time(() => call(wb));
    console.log(
      c.name.padEnd(32) + String(n).padStart(9) + tj.toFixed(3).padStart(11) +
        tw.toFixed(3).padStart(11) + `  ${(tj / tw).toFixed(2)}`,
    );
    if (tw <= tj) cross ??= n;
    else cross = null;
  }
  summary.push(`${c.name}: wasm from ${cross ?? "never (in range)"}`);
}
console.log("\n" + summary.join("\n"));
