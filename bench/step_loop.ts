/**
 * Runs a training workload's step in a loop, for external profilers: `deno run --cpu-prof` (then
 * `python3 bench/cpuprofile_summary.py CPU.*.cpuprofile`) or `perf record -g`.
 *
 * Usage: `NNC_BACKEND=native NNC_THREADS=2 deno run -A --cpu-prof bench/step_loop.ts W2 [steps=500]
 * [every]`: with `every`, also the mean step time of each window of that many steps, to watch a
 * long run drift (W8 under PyTorch 2.x slows from 4.3 to 5.5 ms a step over its first 3,000 steps as
 * Adam's moments turn subnormal; nnc's flush them, see optim/adam.ts).
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
const every = Number(Deno.args[2] ?? 0);
const t0 = performance.now();
let window = t0;
for (let i = 1; i <= steps; i++) {
  step();
  if (every > 0 && i % every === 0) {
    const now = performance.now();
    console.log(`steps ${i - every + 1}-${i}: ${((now - window) / every).toFixed(3)} ms/step`);
    window = now;
  }
}
console.log(`${name} on ${backend}: ${((performance.now() - t0) / steps).toFixed(3)} ms/step`);
