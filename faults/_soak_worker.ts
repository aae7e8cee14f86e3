// Subprocess of soak_fault.ts: runs a long loop on one backend and prints one JSON line of
// resident-memory samples taken after a forced garbage collection.
//
// Usage: deno run -A --v8-flags=--expose-gc faults/_soak_worker.ts <js|native> <train|eager> <steps>
// (NNC_BLAS=builtin selects libnnc's own GEMM, as in `deno task test:builtin`.)
import { getBackend, manualSeed, randint, randn, useBackend } from "@nnc/tensor";
import * as nd from "@nnc/tensor";
import * as ag from "@nnc/autograd";
import { crossEntropy, Linear, ReLU, Sequential } from "@nnc/layers";
import { Adam } from "@nnc/optim";

const [backend, kind, stepsArg, leakArg] = Deno.args;
// "leak": keep two small arrays per step, as a buggy cache would (shows the test can fail).
const leak = leakArg === "leak";
const kept: unknown[] = [];
if (backend === "native") {
  await import("@nnc/native");
  useBackend("native");
}
if (getBackend().name !== backend) throw new Error(`backend ${backend} is not available`);
const steps = Number(stepsArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

/** Resident set size in bytes, from /proc/self/status (Deno.memoryUsage elsewhere). */
function rss(): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return Deno.memoryUsage().rss;
}

manualSeed(0);
const samples: { step: number; rss: number; heap: number; heapTotal: number; external: number }[] =
  [];
const every = Math.max(1, Math.floor(steps / 40));
let step: () => void;
if (kind === "train") {
  const model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const x = new ag.Tensor(randn([32, 64])), y = new ag.Tensor(randint(0, 10, [32]));
  step = () => {
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    loss.item();
    if (leak) kept.push(nd.zeros([4]), nd.ones([2]));
  };
} else {
  const a = randn([48, 48]), b = randn([48, 48]);
  const t = new ag.Tensor(randn([16, 16]), { requiresGrad: true });
  step = () => {
    const c = nd.matmul(a, b);
    const d = nd.softmax(nd.add(nd.exp(nd.mul(c, 0.01)), a), 1);
    nd.sum(nd.concat([d, c], 0), { axis: 0 });
    nd.sort(d.T, { axis: 1 });
    const u = t.mul(t).tanh().sum();
    u.backward();
    t.grad = null;
  };
}
for (let i = 1; i <= steps; i++) {
  step();
  if (i % every === 0) {
    gc();
    const m = Deno.memoryUsage();
    samples.push({
      step: i,
      rss: rss(),
      heap: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
    });
  }
}
console.log(JSON.stringify({ backend, kind, steps, samples }));
