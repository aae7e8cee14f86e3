/**
 * nnc's WebAssembly backend beside jax-js (npm `@jax-js/jax`, its wasm device) on the same machine,
 * in one run: W1-256, W1-1024 (sgemm, GFLOP/s), W2 (MLP step), W8 (VAE step), W7 (eager adds).
 *
 * Each workload runs in fresh worker processes, alternating: nnc on `wasm` (bench/nnc_worker.ts,
 * started without `--allow-ffi`, as a browser or an FFI-less runtime runs it), jax-js
 * (bench/jaxjs_worker.ts, which imports jax-js from npm), and nnc's JS backend for reference. Every
 * worker warms up, then times `--reps` repetitions of about 0.2 s; the table shows medians and the
 * ratio nnc wasm / jax-js as throughput (> 1: nnc is faster).
 *
 * Threads: nnc's wasm backend is single-threaded. `--threads 1` (default) runs jax-js single-threaded
 * too (its worker pool disabled); `--threads N` gives jax-js N workers, to report its scaling.
 *
 * Usage: `deno run -A bench/compare_wasm.ts [--rounds 5] [--reps 5] [--only W1-256,W2]
 * [--threads 1] [--clock cpu]`
 *
 * @module
 */

interface Result {
  times?: number[];
  units?: Record<string, number>;
  error?: string;
}

const WORKLOADS: Record<
  string,
  { unit: string; per: (u: Record<string, number>, t: number) => number }
> = {
  "W1-256": { unit: "GFLOP/s", per: (u, t) => u.flop / t / 1e9 },
  "W1-1024": { unit: "GFLOP/s", per: (u, t) => u.flop / t / 1e9 },
  "W2": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W8": { unit: "samples/s", per: (u, t) => u.samples / t },
  "W7": { unit: "µs/op", per: (u, t) => (t / u.ops) * 1e6 },
};

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

async function run(args: string[], env: Record<string, string>): Promise<Result> {
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
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

const threads = arg("threads", "1");
const reps = arg("reps", "5");
const rounds = Number(arg("rounds", "5"));
const clock = arg("clock", "wall");
const only = arg("only", Object.keys(WORKLOADS).join(",")).split(",");
const here = new URL(".", import.meta.url).pathname;

console.log(
  `nnc wasm vs jax-js 0.1.25 (wasm) — ${rounds} rounds × ${reps} reps per process, medians; ` +
    `jax-js threads: ${threads}; clock: ${clock}`,
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
const header = ["workload", "unit", "nnc wasm", "jax-js", "nnc js", "wasm/jax-js"];
const rows: string[][] = [header];
for (const name of only) {
  const w = WORKLOADS[name];
  if (!w) {
    console.error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS).join(", ")}`);
    Deno.exit(2);
  }
  const common = [name, "--threads", threads, "--reps", reps, "--clock", clock];
  const samples: Record<string, number[]> = { wasm: [], jax: [], js: [] };
  let error = "";
  for (let r = 0; r < rounds; r++) {
    const results: [string, Result][] = [
      [
        "wasm",
        await run(
          ["run", "--allow-env", "--allow-read", `${here}nnc_worker.ts`, ...common],
          { NNC_BACKEND: "wasm" },
        ),
      ],
      ["jax", await run(["run", "-A", `${here}jaxjs_worker.ts`, ...common], {})],
      [
        "js",
        await run(
          ["run", "--allow-env", "--allow-read", `${here}nnc_worker.ts`, ...common],
          { NNC_BACKEND: "js" },
        ),
      ],
    ];
    for (const [who, res] of results) {
      if (res.error || !res.times || !res.units) error ||= `${who}: ${res.error}`;
      else samples[who].push(...res.times.map((s) => w.per(res.units!, s)));
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
    w.unit,
    fmt(samples.wasm),
    fmt(samples.jax),
    fmt(samples.js),
    ratio(samples.wasm, samples.jax),
  ]);
  if (error) console.error(`${name}: ${error}`);
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
console.log(
  "wasm/jax-js is nnc's throughput over jax-js's (for µs/op: jax-js time / nnc time); > 1: nnc is faster",
);
