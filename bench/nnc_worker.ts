/**
 * nnc side of bench/compare.ts and bench/compare_wasm.ts: runs one workload and prints one JSON
 * line of timings, with the timing rule every JavaScript worker shares (bench/_js_harness.ts).
 * Usage: `deno run -A bench/nnc_worker.ts WORKLOAD --threads N --reps R [--warmup W]
 * [--warmup-time S] [--min-time S] [--clock cpu] [--roof-probe]` (`--list`: the workloads it runs;
 * `--roof-probe`: also the 1024² sgemm rate right after the workload, as `roofGflops`).
 * NNC_BACKEND=native or wasm selects that backend when it loads; the answer's `backend` says which
 * one ran (the runners reject an answer from another backend).
 *
 * @module
 */
import { add, matmul, randn, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { loadNativeIfRequested } from "./_native.ts";
import { type Maker, runWorker, timeSteps } from "./_js_harness.ts";

function w1(n: number): Maker {
  return () => {
    const rng = new Rng(0);
    const a = randn([n, n], { rng }), b = randn([n, n], { rng });
    const reps = Math.max(1, Math.floor(2e9 / (2 * n ** 3)));
    // Each product's memory is given back at once, as PyTorch's worker frees `torch.mm`'s unused
    // result and the TF.js and jax-js workers dispose theirs: the next product reuses it.
    return Promise.resolve([() => {
      for (let i = 0; i < reps; i++) matmul(a, b).dispose();
    }, { flop: 2 * n ** 3 * reps }]);
  };
}

const w7: Maker = () => {
  const rng = new Rng(0);
  const a = randn([64], { rng }), b = randn([64], { rng });
  return Promise.resolve([() => {
    for (let i = 0; i < 10000; i++) add(a, b);
  }, { ops: 10000 }]);
};

const w7grad: Maker = () => {
  const rng = new Rng(0);
  const a = new Tensor(randn([64], { rng }), { requiresGrad: true }),
    b = new Tensor(randn([64], { rng }));
  return Promise.resolve([() => {
    for (let i = 0; i < 10000; i++) a.add(b);
  }, { ops: 10000 }]);
};

const WORKLOADS: Record<string, Maker> = {
  "W1-256": w1(256),
  "W1-1024": w1(1024),
  "W7": w7,
  "W7-grad": w7grad,
  "W2": async () => (await import("./_training_workloads.ts")).w2(),
  "W3": async () => (await import("./_training_workloads.ts")).w3(),
  "W4": async () => (await import("./_training_workloads.ts")).w4(),
  "W4-lm": async () => (await import("./_training_workloads.ts")).w4lm(),
  "W4-gen": async () => (await import("./_training_workloads.ts")).w4gen(),
  "W5": async () => (await import("./_training_workloads.ts")).w5(),
  "W8": async () => (await import("./_training_workloads.ts")).w8(),
  "W-GCN": async () => (await import("./_gnn_workloads.ts")).wgcn(),
  "W9": async () => (await import("./_training_workloads.ts")).w9(),
};

/**
 * With `--roof-probe`: the rate (GFLOP/s) of W1-1024 timed in this process right after the
 * workload (three warm-up products, five repetitions of about 0.2 s), so that a training step's
 * share of the GEMM roofline compares two rates of the same minutes (the host's speed drifts
 * between hours).
 */
async function roofProbe(): Promise<Record<string, unknown>> {
  if (!Deno.args.includes("--roof-probe")) return {};
  const [step, { flop }] = await w1(1024)();
  const clock = () => performance.now() / 1000;
  const { times, k } = await timeSteps(step, {
    warmup: 3,
    warmupTime: 0,
    minTime: 0.2,
    reps: 5,
    clock,
  });
  return { roofGflops: times.map((s) => (flop * k) / s / 1e9) };
}

const backend = await loadNativeIfRequested();
// Which GEMM library libnnc opened (OpenBLAS, MKL, …): the runner checks it for the MKL peer.
const blas = backend === "native" ? (await import("@nnc/native")).nativeInfo().blas : null;
await runWorker(WORKLOADS, {}, { backend, blas }, roofProbe);
