// Dev probe: best-of-N GFLOP/s of libnnc.wasm's sgemm (operands already in linear memory) and of
// matmul through the backend (with the copies). Usage: deno run wasm/bench/_gemm_probe.ts [n...]
import { loadWasm } from "../load.ts";
import { createWasmBackend } from "../wasm_backend.ts";
import process from "node:process";
import { matmul, randn, registerBackend, Rng, useBackend } from "@nnc/tensor";

const load = await loadWasm();
if (!load.ok) throw new Error(load.reason);
const { exports: x, memory } = load.kernels;
registerBackend({ ...createWasmBackend(load.kernels), name: "wasm" });
// CPU time of this process (ms): the machine is shared, wall time would count other processes.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sizes = Deno.args.length ? Deno.args.map(Number) : [64, 128, 256, 512, 1024];
for (const n of sizes) {
  const bytes = n * n * 4;
  const A = x.nnc_wasm_alloc(bytes), B = x.nnc_wasm_alloc(bytes), C = x.nnc_wasm_alloc(bytes);
  const f = new Float32Array(memory.buffer);
  for (let i = 0; i < n * n; i++) f[A / 4 + i] = Math.random(), f[B / 4 + i] = Math.random();
  const reps = Math.max(1, Math.floor(3e8 / (2 * n ** 3)));
  let best = Infinity;
  for (let r = 0; r < 15; r++) {
    const t0 = cpu();
    for (let i = 0; i < reps; i++) x.nnc_sgemm(n, n, n, A, B, C, 1);
    best = Math.min(best, (cpu() - t0) / reps);
  }
  const rng = new Rng(0);
  const a = randn([n, n], { rng }), b = randn([n, n], { rng });
  useBackend("wasm");
  let bestOp = Infinity;
  for (let r = 0; r < 15; r++) {
    const t0 = cpu();
    for (let i = 0; i < reps; i++) matmul(a, b);
    bestOp = Math.min(bestOp, (cpu() - t0) / reps);
  }
  console.log(
    `n=${n}: sgemm ${(2 * n ** 3 / best / 1e6).toFixed(1)} GFLOP/s, matmul op ${
      (2 * n ** 3 / bestOp / 1e6).toFixed(1)
    } GFLOP/s`,
  );
  x.nnc_wasm_free(A), x.nnc_wasm_free(B), x.nnc_wasm_free(C);
}
