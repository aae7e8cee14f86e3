/**
 * What the copies into linear memory cost: each kernel call timed twice through the same backend,
 * once on ordinary JS-owned arrays (the backend copies their spans into its arena and the outputs
 * back) and once on arrays whose storage already lives in the instance's linear memory (passed in
 * place, no copies: what allocating NDArrays inside Wasm memory would give). The difference is the
 * price of the copy design; README.md records it.
 *
 * Usage: `deno run wasm/bench/memory_design.ts [--clock cpu]`
 *
 * @module
 */
import process from "node:process";
import { type Backend, NDArray, Storage } from "@nnc/tensor";
import { createWasmBackend, loadWasm, WASM_NO_THRESHOLDS } from "../mod.ts";

const load = await loadWasm();
if (!load.ok) {
  console.error(`wasm backend not available: ${load.reason}`);
  Deno.exit(1);
}
const { exports, memory } = load.kernels;
const backend: Backend = createWasmBackend(load.kernels, WASM_NO_THRESHOLDS);
const cpuClock = Deno.args.includes("--clock") &&
  Deno.args[Deno.args.indexOf("--clock") + 1] === "cpu";
const now = cpuClock
  ? () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  : () => performance.now();

// Grow linear memory once, up front, beyond what the cases, the arena and the GEMM's packing
// buffers need: growth would detach the views of the in-memory arrays.
exports.nnc_wasm_free(exports.nnc_wasm_alloc(256 * 2 ** 20));
const resident: number[] = [];
function inMemory(shape: number[]): NDArray {
  const n = shape.reduce((p, q) => p * q, 1);
  const ptr = exports.nnc_wasm_alloc(n * 4);
  if (ptr === 0) throw new RangeError("memory_design: out of WebAssembly memory");
  resident.push(ptr);
  return new NDArray(new Storage(new Float32Array(memory.buffer, ptr, n)), shape);
}
function inJs(shape: number[]): NDArray {
  const n = shape.reduce((p, q) => p * q, 1);
  return new NDArray(new Storage(new Float32Array(n)), shape);
}
function fill(a: NDArray): NDArray {
  const d = a.data;
  for (let i = 0; i < d.length; i++) d[i] = Math.random() * 2 - 1;
  return a;
}

/** Best per-call time in µs over 7 samples of ≥ 5 ms. */
function time(fn: () => void): number {
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    if (now() - t0 > 5) break;
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

interface Case {
  name: string;
  /** Builds the call over arrays made by `make` (JS-owned or in linear memory). */
  build: (make: (shape: number[]) => NDArray) => () => void;
}

const mm = (M: number, K: number, N: number, tb: boolean): Case => ({
  name: `matmul ${M}×${K} @ ${K}×${N}${tb ? " (B transposed)" : ""}`,
  build: (make) => {
    const a = fill(make([M, K])), out = make([M, N]);
    const b = tb ? fill(make([N, K])).transpose() : fill(make([K, N]));
    return () => backend.matmul(out, a, b);
  },
});

const cases: Case[] = [
  mm(128, 784, 512, true),
  mm(128, 512, 256, true),
  mm(256, 256, 256, false),
  mm(1024, 1024, 1024, false),
  {
    name: "add 65536",
    build: (make) => {
      const a = fill(make([65536])), b = fill(make([65536])), out = make([65536]);
      return () => backend.binary("add", out, a, b);
    },
  },
  {
    name: "exp 65536",
    build: (make) => {
      const a = fill(make([65536])), out = make([65536]);
      return () => backend.unary("exp", out, a);
    },
  },
  {
    name: "adamStep 535818 (W2's parameters)",
    build: (make) => {
      const n = 535818;
      const x = fill(make([n])), g = fill(make([n])), m = fill(make([n])), v = make([n]);
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
      return () => backend.adamStep(x, g, m, v, null, c);
    },
  },
];

// Build every in-memory case before timing anything (no growth afterwards).
const calls = cases.map((c) => ({ c, js: c.build(inJs), wasm: c.build(inMemory) }));
console.log(
  "kernel".padEnd(40) + "copies µs".padStart(12) + "in place µs".padStart(13) + "  copy share",
);
for (const { c, js, wasm } of calls) {
  const tj = time(js), tw = time(wasm);
  console.log(
    c.name.padEnd(40) + tj.toFixed(1).padStart(12) + tw.toFixed(1).padStart(13) +
      `  ${(100 * (1 - tw / tj)).toFixed(0)}%`,
  );
}
for (const p of resident) exports.nnc_wasm_free(p);
