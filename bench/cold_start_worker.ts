/**
 * nnc side of bench/cold_start.ts: everything a fresh process does before its first result, then
 * exits. `cnn`: imports nnc (the native backend when it loads, as the demo does), builds the demo's
 * CNN (`convNet`: conv32-conv64-fc128-fc10), and takes one Adam step (lr 1e-3) on a batch of 64
 * random 28×28 images; `matmul`: multiplies two random 1024×1024 float32 matrices. Prints the wall
 * clock (ms since the epoch) at which the result was ready, and the peak resident memory.
 *
 * Usage: `deno run -A bench/cold_start_worker.ts cnn|matmul`
 *
 * @module
 */
import { matmul, rand, randint, randn, Rng } from "@nnc/tensor";
import { loadNativeIfRequested } from "./_native.ts";

const task = Deno.args[0];
const backend = await loadNativeIfRequested();
const rng = new Rng(0);
if (task === "cnn") {
  const { Tensor } = await import("@nnc/autograd");
  const { crossEntropy } = await import("@nnc/layers");
  const { Adam } = await import("@nnc/optim");
  const { convNet } = await import("@nnc/models/cnn");
  const model = convNet({ rng });
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const x = new Tensor(rand([64, 1, 28, 28], { rng }));
  const y = new Tensor(randint(0, 10, [64], { rng }));
  opt.zeroGrad();
  crossEntropy(model.forward(x), y).backward();
  opt.step();
} else if (task === "matmul") {
  matmul(randn([1024, 1024], { rng }), randn([1024, 1024], { rng }));
} else {
  console.log(JSON.stringify({ error: `unknown task ${task}; known: cnn, matmul` }));
  Deno.exit(0);
}
const readyAt = performance.timeOrigin + performance.now();
const hwm = Deno.readTextFileSync("/proc/self/status").match(/^VmHWM:\s+(\d+) kB/m);
console.log(JSON.stringify({ readyAt, backend, peakMB: hwm ? Number(hwm[1]) / 1024 : null }));
