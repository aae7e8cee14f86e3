/**
 * Data parallelism on one machine: the demo's CNN (conv32-conv64-fc128, Adam, global batch 64) as
 * 2 processes × 1 thread over MPI (DistributedDataParallel, one all-reduce of 1.7 MB per step,
 * with and without overlapping backward) against 1 process × 2 threads, on the native backend.
 * Prints seconds per step, images per second, the speed-up over 1 process × 1 thread, the time
 * rank 0 spends in all-reduce during training (which includes waiting for the slower rank) and
 * the time of the all-reduce alone (both ranks arriving together: the cost of the transfer).
 *
 *   deno run -A bench/distributed_scaling.ts                  (3 rounds of 100 timed steps each)
 *   deno run -A bench/distributed_scaling.ts --steps 300 --rounds 3
 *
 * Needs Open MPI (`apt-get install libopenmpi-dev openmpi-bin`); measure on a quiet machine.
 *
 * @module
 */
import { mpirunCommand } from "@nnc/distributed";

const flag = (name: string, fallback: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
};
const steps = flag("steps", 100), rounds = flag("rounds", 3), warmup = flag("warmup", 10);
const worker = new URL("./_distributed_worker.ts", import.meta.url).pathname;
const args = ["--steps", String(steps), "--warmup", String(warmup), "--batch", "64"];

interface Result {
  ranks: number;
  threads: number;
  overlap: boolean;
  source: string;
  secondsPerStep: number;
  imagesPerSecond: number;
  allReduceSecondsPerStep: number;
  waitSecondsPerStep: number;
  megabytesPerStep: number;
  pureAllReduceSeconds: number;
}

async function run(cmd: string[], env: Record<string, string>): Promise<Result> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => l.startsWith("{"));
  if (!out.success || line === undefined) throw new Error(`${cmd.join(" ")} failed:\n${text}`);
  return JSON.parse(line);
}

const configs: { name: string; run: () => Promise<Result> }[] = [
  {
    name: "1 process × 1 thread",
    run: () =>
      run([Deno.execPath(), "run", "-A", worker, ...args], {
        NNC_THREADS: "1",
        OPENBLAS_NUM_THREADS: "1",
      }),
  },
  {
    name: "1 process × 2 threads",
    run: () =>
      run([Deno.execPath(), "run", "-A", worker, ...args], {
        NNC_THREADS: "2",
        OPENBLAS_NUM_THREADS: "2",
      }),
  },
  {
    name: "2 processes × 1 thread (MPI)",
    run: () => run(mpirunCommand({ np: 2, threadsPerRank: 1 }, worker, args), {}),
  },
  {
    name: "2 processes × 1 thread, overlap",
    run: () => run(mpirunCommand({ np: 2, threadsPerRank: 1 }, worker, [...args, "--overlap"]), {}),
  },
];

const results = new Map<string, Result[]>();
for (let r = 0; r < rounds; r++) {
  for (const c of configs) {
    const res = await c.run();
    results.set(c.name, [...(results.get(c.name) ?? []), res]);
    console.error(`round ${r + 1}: ${c.name}: ${res.secondsPerStep.toFixed(4)} s/step`);
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const base = median(results.get(configs[0].name)!.map((r) => r.secondsPerStep));
console.log(
  `\nCNN conv32-conv64-fc128, global batch 64, Adam; ${steps} timed steps, median of ${rounds}; ${
    results.get(configs[0].name)![0].source
  }`,
);
console.log(
  "| configuration | s/step | images/s | speed-up vs 1×1 | all-reduce s/step (rank 0) | share | all-reduce alone |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const c of configs) {
  const rs = results.get(c.name)!;
  const s = median(rs.map((r) => r.secondsPerStep));
  const ar = median(rs.map((r) => r.allReduceSecondsPerStep));
  console.log(
    `| ${c.name} | ${s.toFixed(4)} | ${(64 / s).toFixed(0)} | ${(base / s).toFixed(2)} | ${
      rs[0].ranks > 1 ? ar.toFixed(4) : "-"
    } | ${rs[0].ranks > 1 ? `${(100 * ar / s).toFixed(1)} %` : "-"} | ${
      rs[0].ranks > 1
        ? `${(1000 * median(rs.map((r) => r.pureAllReduceSeconds))).toFixed(2)} ms for ${
          rs[0].megabytesPerStep.toFixed(2)
        } MB`
        : "-"
    } |`,
  );
}
