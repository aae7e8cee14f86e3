/**
 * Side-by-side performance of the native backend against plain C, OpenBLAS called from C and
 * PyTorch: `deno run -A native/bench/compare.ts [--threads N] [--no-torch]`.
 *
 * Prints one table of best-of-N times and the ratios the goals are stated in (README.md). Timing
 * is best-of-N after warm-up: the minimum is the least disturbed by other processes on the machine.
 * This is a benchmark script, never a test.
 *
 * @module
 */
import { add, getBackend, im2col, matmul, mul, NDArray, useBackend } from "@nnc/tensor";
import {
  createNativeBackend,
  loadNative,
  nativeInfo,
  NO_THRESHOLDS,
  setNativeThreads,
} from "../mod.ts";

const here = new URL(".", import.meta.url).pathname;
const args = Deno.args;
const flag = (name: string) => args.includes(name);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};

/** Best time (seconds) of `reps` samples of `inner` calls each. */
function best(fn: () => void, reps: number, inner = 1): number {
  for (let i = 0; i < Math.min(3, reps); i++) fn();
  let t = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let k = 0; k < inner; k++) fn();
    t = Math.min(t, (performance.now() - t0) / 1000 / inner);
  }
  return t;
}

function rand32(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

const arr = (shape: number[]) => NDArray.fromTyped(rand32(shape.reduce((p, q) => p * q, 1)), shape);

/** Measurements through nnc in this process (native backend active). */
function measureNnc(threads: number): Record<string, number> {
  const res: Record<string, number> = {};
  useBackend("native");
  setNativeThreads(threads);
  const be = getBackend();
  for (const n of [128, 1024]) {
    const a = arr([n, n]), b = arr([n, n]);
    const out = NDArray.fromTyped(new Float32Array(n * n), [n, n]);
    res[`matmul_kernel_${n}`] = best(
      () => be.matmul(out, a, b),
      n <= 128 ? 200 : 15,
      n <= 128 ? 20 : 1,
    );
    res[`matmul_op_${n}`] = best(
      () => matmul(a, b),
      n <= 128 ? 200 : 15,
      n <= 128 ? 20 : 1,
    );
  }
  const N = 4 << 20;
  const x = arr([N]), y = arr([N]);
  const o = NDArray.fromTyped(new Float32Array(N), [N]);
  res.add_kernel = best(() => be.binary("add", o, x, y), 50);
  res.mul_kernel = best(() => be.binary("mul", o, x, y), 50);
  res.add_op = best(() => add(x, y), 30);
  res.mul_op = best(() => mul(x, y), 30);
  // Conv forward by im2col + GEMM + bias, batch 64, samples/s.
  for (
    const [name, C, O, H] of [["conv1", 1, 32, 28], [
      "conv2",
      32,
      64,
      14,
    ]] as const
  ) {
    const xin = arr([64, C, H, H]);
    const w = arr([O, C * 9]);
    const bias = arr([1, O, 1]);
    const fwd = () =>
      add(matmul(w, im2col(xin, { kernel: 3, padding: 1 })), bias).reshape(
        64,
        O,
        H,
        H,
      );
    res[`${name}_s`] = best(fwd, 20);
    // The same with preallocated buffers: the kernels without allocation and first-touch faults.
    const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
    const cols = arr([64, C * 9, H * H]), out = arr([64, O, H * H]);
    const wb = new NDArray(w.storage, [64, O, C * 9], [0, C * 9, 1], 0);
    const bb = new NDArray(bias.storage, [64, O, H * H], [0, 1, 0], 0);
    res[`${name}_k`] = best(() => {
      be.im2col(cols, xin, g);
      be.matmul(out, wb, cols);
      be.binary("add", out, out, bb);
    }, 20);
  }
  return res;
}

/** FFI overhead: raw calls and the smallest kernel call through the backend. */
async function measureFfi(): Promise<Record<string, number>> {
  const lib = await loadNative();
  if (!lib.ok) return {};
  const s = lib.symbols;
  const desc = new Float64Array(128), buf = new Float32Array(1);
  desc.set([0, 1, 0, 4, 1], 0);
  desc[12] = 1;
  const nb = createNativeBackend(s, NO_THRESHOLDS);
  const one = NDArray.fromTyped(new Float32Array([1]), [1]);
  const out = NDArray.fromTyped(new Float32Array(1), [1]);
  const js = (await import("@nnc/tensor")).referenceBackend();
  return {
    ffi_noop: best(() => s.nnc_noop(desc, 1024, buf), 20, 100000),
    ffi_validate: best(() => s.nnc_touch(desc, 1024, buf), 20, 100000),
    tiny_add_native: best(() => nb.binary("add", out, one, one), 20, 100000),
    tiny_add_js: best(() => js.binary("add", out, one, one), 20, 100000),
  };
}

function cBench(
  threads: number,
  env: Record<string, string>,
): Record<string, number> {
  const exe = `${Deno.makeTempDirSync()}/c_bench`;
  const cc = new Deno.Command("cc", {
    args: ["-O3", "-march=native", "-o", exe, `${here}c_bench.c`, "-ldl"],
  }).outputSync();
  if (!cc.success) throw new Error(new TextDecoder().decode(cc.stderr));
  const lib = nativeInfo().path ?? "";
  const run = new Deno.Command(exe, {
    args: [lib, String(threads)],
    env,
    stdout: "piped",
  }).outputSync();
  const res: Record<string, number> = {};
  for (const line of new TextDecoder().decode(run.stdout).trim().split("\n")) {
    const j = JSON.parse(line);
    if (j.seconds !== undefined) {
      res[`${j.what}${j.n ? `_${j.n}` : ""}`] = j.seconds;
    }
    if (j.what === "openblas") res[`core:${j.core}`] = 0;
  }
  return res;
}

function torchBench(
  threads: number,
  env: Record<string, string>,
): Record<string, number> {
  const run = new Deno.Command("/usr/bin/python3", {
    args: [`${here}torch_bench.py`, String(threads)],
    env,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  if (!run.success) return {};
  return JSON.parse(new TextDecoder().decode(run.stdout));
}

/** The built-in GEMM needs NNC_BLAS=builtin at load time: measured in a child process. */
function builtinBench(threads: number): Record<string, number> {
  // NNC_BENCH_DENO_CONFIG: a config file for the child (only needed outside the workspace).
  const config = Deno.env.get("NNC_BENCH_DENO_CONFIG");
  const run = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(config ? ["--config", config] : []),
      import.meta.url.replace("file://", ""),
      "--child-builtin",
      "--threads",
      String(threads),
    ],
    env: { NNC_BLAS: "builtin" },
    stdout: "piped",
  }).outputSync();
  return JSON.parse(new TextDecoder().decode(run.stdout));
}

const threads = Number(opt("--threads", String(navigator.hardwareConcurrency)));
const lib = await loadNative();
if (!lib.ok) {
  console.error(`native backend not available: ${lib.reason}`);
  Deno.exit(1);
}
await import("../register.ts");

if (flag("--child-builtin")) {
  useBackend("native");
  setNativeThreads(threads);
  const be = getBackend();
  const res: Record<string, number> = {};
  for (const n of [128, 1024]) {
    const a = arr([n, n]), b = arr([n, n]);
    const out = NDArray.fromTyped(new Float32Array(n * n), [n, n]);
    res[`builtin_kernel_${n}`] = best(
      () => be.matmul(out, a, b),
      n <= 128 ? 200 : 15,
      n <= 128 ? 20 : 1,
    );
  }
  console.log(JSON.stringify(res));
  Deno.exit(0);
}

const info = nativeInfo();
const best_core = info.bestCoreType ?? "";
const rounds = Number(opt("--rounds", "4"));
console.log(
  `nnc native: ${
    info.config ?? info.blas
  }, core ${info.coreType} (${info.coreTypeSource}), ${threads} threads, ` +
    `${rounds} interleaved rounds (best of all rounds per workload)`,
);

/** Keeps, per key, the smallest time seen in any round. */
function minInto(acc: Record<string, number>, r: Record<string, number>): void {
  for (const [k, v] of Object.entries(r)) acc[k] = Math.min(acc[k] ?? Infinity, v);
}
const c: Record<string, number> = {}, cBest: Record<string, number> = {};
const nnc: Record<string, number> = {}, bi: Record<string, number> = {};
const torch: Record<string, number> = {}, torchBest: Record<string, number> = {};
// Other processes come and go on a shared machine: alternating the contestants round by round and
// keeping each one's best gives every side the same quiet moments.
for (let r = 0; r < rounds; r++) {
  minInto(c, cBench(threads, {}));
  if (best_core) minInto(cBest, cBench(threads, { OPENBLAS_CORETYPE: best_core }));
  minInto(nnc, measureNnc(threads));
  minInto(bi, builtinBench(threads));
  if (!flag("--no-torch")) {
    minInto(torch, torchBench(threads, {}));
    if (best_core) minInto(torchBest, torchBench(threads, { OPENBLAS_CORETYPE: best_core }));
  }
}
if (!best_core) Object.assign(cBest, c);
const ffi = await measureFfi();

const us = (
  s: number | undefined,
) => (s === undefined ? "-" : `${(s * 1e6).toFixed(s < 1e-4 ? 3 : 1)} µs`);
const ratio = (num: number | undefined, den: number | undefined) =>
  num === undefined || den === undefined ? "-" : (num / den).toFixed(2);
const cs = (k: string) => Math.min(c[k] ?? Infinity, cBest[k] ?? Infinity);
const rows: string[][] = [
  ["workload", "nnc", "reference", "ratio (ref time / nnc time)"],
  [
    "sgemm n=128 (kernel)",
    us(nnc.matmul_kernel_128),
    `cblas from C ${us(cs("cblas_sgemm_128"))}`,
    ratio(cs("cblas_sgemm_128"), nnc.matmul_kernel_128),
  ],
  [
    "sgemm n=128 (matmul op)",
    us(nnc.matmul_op_128),
    `cblas from C ${us(cs("cblas_sgemm_128"))}`,
    ratio(cs("cblas_sgemm_128"), nnc.matmul_op_128),
  ],
  [
    "sgemm n=1024 (kernel)",
    us(nnc.matmul_kernel_1024),
    `cblas from C ${us(cs("cblas_sgemm_1024"))}`,
    ratio(cs("cblas_sgemm_1024"), nnc.matmul_kernel_1024),
  ],
  [
    "sgemm n=1024 (matmul op)",
    us(nnc.matmul_op_1024),
    `cblas from C ${us(cs("cblas_sgemm_1024"))}`,
    ratio(cs("cblas_sgemm_1024"), nnc.matmul_op_1024),
  ],
  [
    "built-in sgemm n=1024",
    us(bi.builtin_kernel_1024),
    `cblas from C ${us(cs("cblas_sgemm_1024"))}`,
    ratio(cs("cblas_sgemm_1024"), bi.builtin_kernel_1024),
  ],
  [
    "built-in sgemm n=128",
    us(bi.builtin_kernel_128),
    `cblas from C ${us(cs("cblas_sgemm_128"))}`,
    ratio(cs("cblas_sgemm_128"), bi.builtin_kernel_128),
  ],
  [
    "add 4M f32 (kernel)",
    us(nnc.add_kernel),
    `C loop ${us(c.c_add_4M)}`,
    ratio(c.c_add_4M, nnc.add_kernel),
  ],
  [
    "mul 4M f32 (kernel)",
    us(nnc.mul_kernel),
    `C loop ${us(c.c_mul_4M)}`,
    ratio(c.c_mul_4M, nnc.mul_kernel),
  ],
  [
    "add 4M f32 (op, allocates)",
    us(nnc.add_op),
    `C loop ${us(c.c_add_4M)}`,
    ratio(c.c_add_4M, nnc.add_op),
  ],
  [
    "mul 4M f32 (op, allocates)",
    us(nnc.mul_op),
    `C loop ${us(c.c_mul_4M)}`,
    ratio(c.c_mul_4M, nnc.mul_op),
  ],
  ["FFI no-op call", us(ffi.ffi_noop), "goal ≤ 1 µs", "-"],
  ["FFI call + descriptor check", us(ffi.ffi_validate), "goal ≤ 1 µs", "-"],
  [
    "1-element add, native kernel",
    us(ffi.tiny_add_native),
    `JS kernel ${us(ffi.tiny_add_js)}`,
    ratio(ffi.tiny_add_js, ffi.tiny_add_native),
  ],
  [
    "conv 1→32 3×3 @28², batch 64",
    `${(64 / nnc.conv1_s).toFixed(0)} samples/s`,
    `torch ${torch.conv1 ? (64 / torch.conv1).toFixed(0) : "-"} / with core ${
      torchBest.conv1 ? (64 / torchBest.conv1).toFixed(0) : "-"
    } samples/s`,
    ratio(
      Math.min(torch.conv1 ?? Infinity, torchBest.conv1 ?? Infinity),
      nnc.conv1_s,
    ),
  ],
  [
    "conv 32→64 3×3 @14², batch 64",
    `${(64 / nnc.conv2_s).toFixed(0)} samples/s`,
    `torch ${torch.conv2 ? (64 / torch.conv2).toFixed(0) : "-"} / with core ${
      torchBest.conv2 ? (64 / torchBest.conv2).toFixed(0) : "-"
    } samples/s`,
    ratio(
      Math.min(torch.conv2 ?? Infinity, torchBest.conv2 ?? Infinity),
      nnc.conv2_s,
    ),
  ],
  [
    "conv 1→32 kernels only",
    `${(64 / nnc.conv1_k).toFixed(0)} samples/s`,
    `torch ${torch.conv1 ? (64 / torch.conv1).toFixed(0) : "-"} samples/s`,
    ratio(Math.min(torch.conv1 ?? Infinity, torchBest.conv1 ?? Infinity), nnc.conv1_k),
  ],
  [
    "conv 32→64 kernels only",
    `${(64 / nnc.conv2_k).toFixed(0)} samples/s`,
    `torch ${torch.conv2 ? (64 / torch.conv2).toFixed(0) : "-"} samples/s`,
    ratio(Math.min(torch.conv2 ?? Infinity, torchBest.conv2 ?? Infinity), nnc.conv2_k),
  ],
  [
    "torch sgemm n=1024",
    "-",
    `torch ${us(torch.mm1024)} / with core ${us(torchBest.mm1024)}`,
    "-",
  ],
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) {
  console.log(r.map((cell, i) => cell.padEnd(widths[i])).join("  "));
}
console.log(`\nC driver, as installed: ${JSON.stringify(c)}`);
console.log(
  `C driver, OPENBLAS_CORETYPE=${best_core}: ${JSON.stringify(cBest)}`,
);
