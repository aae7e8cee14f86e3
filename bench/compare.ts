/**
 * Side-by-side speed of nnc and PyTorch 1.13 on the same machine, in one run.
 *
 * Each workload runs in fresh worker processes, nnc and PyTorch alternating (nnc, torch, torch with
 * the best OpenBLAS core, nnc, …); each process warms up, then times `--reps` repetitions; the table
 * shows medians and the ratio nnc/PyTorch as throughput (higher is better for nnc), at each thread
 * count. PyTorch is measured twice: as installed, and with `OPENBLAS_CORETYPE` set to the best kernel
 * for this CPU (see DESIGN §3); goals are stated against the faster of the two.
 *
 * Usage: `deno run -A bench/compare.ts [--threads 1,2] [--reps 5] [--rounds 3] [--only W1-256,W7]`
 *
 * @module
 */
import { bestOpenblasCoretype } from "./_cpu.ts";

interface Result {
  times?: number[];
  units?: Record<string, number>;
  error?: string;
  /** Peak resident memory of the worker process, MB (when it reports it). */
  peakMB?: number | null;
}

const WORKLOADS: Record<
  string,
  { unit: string; per: (u: Record<string, number>, t: number) => number }
> = {
  "W1-256": { unit: "GFLOP/s", per: (u, t) => u.flop / t / 1e9 },
  "W1-1024": { unit: "GFLOP/s", per: (u, t) => u.flop / t / 1e9 },
  "W2": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W3": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W4": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W4-lm": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W4-gen": { unit: "tokens/s", per: (u, t) => u.tokens / t },
  "W5": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W7": { unit: "µs/op", per: (u, t) => (t / u.ops) * 1e6 },
  "W7-grad": { unit: "µs/op", per: (u, t) => (t / u.ops) * 1e6 },
  "W8": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W-GCN": { unit: "nodes/s", per: (u, t) => u.nodes / t },
};

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

async function run(cmd: string[], env: Record<string, string>): Promise<Result> {
  try {
    const out = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      env,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    if (!out.success) {
      return { error: new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "failed" };
    }
    return JSON.parse(text);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const threads = arg("threads", "1,2").split(",").map(Number);
const reps = arg("reps", "5");
const rounds = Number(arg("rounds", "3"));
const only = arg("only", Object.keys(WORKLOADS).join(",")).split(",");
const python = arg("python", "/usr/bin/python3");
const core = bestOpenblasCoretype();
const here = new URL(".", import.meta.url).pathname;

console.log(
  `nnc vs PyTorch — ${rounds} rounds × ${reps} reps per process, medians; best OpenBLAS core: ${core}`,
);
try {
  const load = Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  if (load > 0.5) {
    console.log(
      `warning: load average ${load}: other processes are using the CPU, so timings will be noisy`,
    );
  }
} catch {
  // no /proc: nothing to check
}
const header = [
  "workload",
  "threads",
  "unit",
  "nnc",
  "torch",
  `torch ${core}`,
  "nnc/torch",
  `nnc/torch(${core})`,
];
const rows: string[][] = [header];
// Workloads whose goals include peak memory; their workers' peak RSS is printed under the table.
const MEMORY = new Set(["W-GCN"]);
const memory: string[] = [];
for (const name of only) {
  const w = WORKLOADS[name];
  if (!w) {
    console.error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS).join(", ")}`);
    Deno.exit(2);
  }
  for (const t of threads) {
    const env = {
      NNC_THREADS: String(t),
      OMP_NUM_THREADS: String(t),
      OPENBLAS_NUM_THREADS: String(t),
      OMP_WAIT_POLICY: "PASSIVE",
    };
    const samples: Record<string, number[]> = { nnc: [], torch: [], best: [] };
    const peaks: Record<string, number[]> = { nnc: [], torch: [], best: [] };
    let error = "";
    for (let r = 0; r < rounds; r++) {
      const common = [name, "--threads", String(t), "--reps", reps];
      const results: [string, Result][] = [
        [
          "nnc",
          await run(["deno", "run", "-A", `${here}nnc_worker.ts`, ...common], {
            ...env,
            NNC_BACKEND: "native",
          }),
        ],
        ["torch", await run([python, `${here}torch_worker.py`, ...common], env)],
        [
          "best",
          await run([python, `${here}torch_worker.py`, ...common], {
            ...env,
            OPENBLAS_CORETYPE: core,
          }),
        ],
      ];
      for (const [who, res] of results) {
        if (res.error || !res.times || !res.units) error ||= `${who}: ${res.error}`;
        else samples[who].push(...res.times.map((s) => w.per(res.units!, s)));
        if (typeof res.peakMB === "number") peaks[who].push(res.peakMB);
      }
    }
    const fmt = (xs: number[]) => (xs.length ? median(xs).toPrecision(4) : "—");
    const lowerIsBetter = w.unit.startsWith("µs");
    const ratio = (a: number[], b: number[]) => {
      if (!a.length || !b.length) return "—";
      const x = median(a), y = median(b);
      return (lowerIsBetter ? y / x : x / y).toFixed(2) + "×";
    };
    rows.push([
      name,
      String(t),
      w.unit,
      fmt(samples.nnc),
      fmt(samples.torch),
      fmt(samples.best),
      ratio(samples.nnc, samples.torch),
      ratio(samples.nnc, samples.best),
    ]);
    if (error) console.error(`${name} @${t}: ${error}`);
    if (MEMORY.has(name) && peaks.nnc.length && peaks.torch.length) {
      memory.push(
        `${name} @${t} threads: peak RSS nnc ${Math.max(...peaks.nnc).toFixed(0)} MB, torch ${
          Math.min(...peaks.torch, ...peaks.best).toFixed(0)
        } MB`,
      );
    }
  }
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
console.log(
  "ratios are nnc throughput / PyTorch throughput (for µs/op: PyTorch time / nnc time); > 1 means nnc is faster",
);
for (const line of memory) console.log(line);
