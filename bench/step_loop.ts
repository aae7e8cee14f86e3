/**
 * Runs a training workload's step in a loop, for external profilers: `deno run --cpu-prof` (then
 * `python3 bench/cpuprofile_summary.py CPU.*.cpuprofile`) or `perf record -g`.
 *
 * Usage: `NNC_BACKEND=native NNC_THREADS=2 deno run -A --cpu-prof bench/step_loop.ts W2 [steps=500]`
 *
 * @module
 */
import { loadNativeIfRequested } from "./_native.ts";
import { resnet20, w2, w3, w4, w5, w8, w9, type Workload } from "./_training_workloads.ts";

const makers: Record<string, () => Promise<Workload>> = {
  W2: w2,
  W3: w3,
  W4: w4,
  W5: w5,
  W8: w8,
  W9: w9,
  RESNET: resnet20,
};
const name = (Deno.args[0] ?? "W2").toUpperCase();
if (!makers[name]) {
  console.error(`unknown workload ${name}; known: ${Object.keys(makers).join(", ")}`);
  Deno.exit(2);
}
const backend = await loadNativeIfRequested();
const [step] = await makers[name]();
for (let i = 0; i < 50; i++) step(); // past the JIT's warm-up
const steps = Number(Deno.args[1] ?? 500);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
console.log(`${name} on ${backend}: ${((performance.now() - t0) / steps).toFixed(3)} ms/step`);
