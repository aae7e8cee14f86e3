/**
 * nnc side of bench/compare.ts: runs one workload and prints one JSON line of timings.
 * Usage: `deno run -A bench/nnc_worker.ts WORKLOAD --threads N --reps R [--warmup W] [--warmup-time S] [--min-time S]`
 * (NNC_BACKEND=native selects the native backend when it is available.)
 *
 * @module
 */
import { add, matmul, randn, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { loadNativeIfRequested } from "./_native.ts";
import process from "node:process";

type Step = () => void;
type Maker = () => Promise<[Step, Record<string, number>]>;

function w1(n: number): Maker {
  return () => {
    const rng = new Rng(0);
    const a = randn([n, n], { rng }), b = randn([n, n], { rng });
    const reps = Math.max(1, Math.floor(2e9 / (2 * n ** 3)));
    return Promise.resolve([() => {
      for (let i = 0; i < reps; i++) matmul(a, b);
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
};

/** `--clock cpu`: this process's CPU time instead of wall time (single-threaded runs on a shared
 * machine, where wall time counts other processes' time slices). */
function cpuClockRequested(): boolean {
  const i = Deno.args.indexOf("--clock");
  return i >= 0 && Deno.args[i + 1] === "cpu";
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const clock = cpuClockRequested() ? cpuSeconds : () => performance.now() / 1000;

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

/**
 * Warms up for at least `--warmup` steps and `--warmup-time` seconds (V8's JIT and the allocator
 * settle over the first dozens of steps), then times `--reps` repetitions of k steps each, k chosen
 * so that one repetition lasts about `--min-time` seconds. torch_worker.py applies the same rule.
 */
async function main(): Promise<void> {
  const name = Deno.args[0];
  const make = WORKLOADS[name];
  if (!make) {
    console.log(JSON.stringify({ error: `unknown workload ${name}` }));
    return;
  }
  const backend = await loadNativeIfRequested();
  const baseMB = statusMB("VmRSS");
  const [step, units] = await make();
  const warmupEnd = performance.now() + arg("warmup-time", 1) * 1000;
  for (let i = 0; i < arg("warmup", 2) || performance.now() < warmupEnd; i++) step();
  const probe = clock();
  for (let i = 0; i < 3; i++) step();
  const perStep = (clock() - probe) / 3;
  const k = Math.max(1, Math.round(arg("min-time", 0.2) / Math.max(perStep, 1e-9)));
  const times: number[] = [];
  for (let i = 0; i < arg("reps", 5); i++) {
    const t0 = clock();
    for (let j = 0; j < k; j++) step();
    times.push(clock() - t0);
  }
  const scaled: Record<string, number> = {};
  for (const [u, v] of Object.entries(units)) scaled[u] = v * k;
  console.log(
    JSON.stringify({
      times,
      units: scaled,
      stepsPerRep: k,
      backend,
      peakMB: statusMB("VmHWM"),
      baseMB,
    }),
  );
}

/**
 * A memory figure of this process from /proc/self/status, in MB: VmHWM (peak resident memory) or
 * VmRSS (resident now; before the workload is built: the start-up's share); null without /proc.
 */
function statusMB(field: "VmHWM" | "VmRSS"): number | null {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, "m"),
    );
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

await main();
