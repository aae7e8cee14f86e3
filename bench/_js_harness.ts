// The timing rule of the JavaScript peers' workers (bench/jaxjs_worker.ts,
// bench/js_peers/tfjs_worker.ts; nnc_worker.ts and torch_worker.py apply the same): warm up for at
// least --warmup steps and --warmup-time seconds, time 3 steps to choose k so that one repetition
// lasts about --min-time seconds, then time --reps repetitions of k steps and print one JSON line.
// Steps may be asynchronous (jax-js reads its results back asynchronously). `--clock cpu` times
// with this process's CPU time instead of wall time (single-threaded runs on a shared machine).
import process from "node:process";

/** One step of a workload. */
export type Step = () => void | Promise<void>;
/** Builds a workload: its step and the work units one step covers. */
export type Maker = () => Promise<[Step, Record<string, number>]>;

/** A numeric command-line option `--name value`. */
export function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Number(Deno.args[i + 1]) : fallback;
}

/** A string command-line option `--name value`. */
export function textArg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/**
 * A memory figure of this process from /proc/self/status, MB: VmHWM (peak resident memory) or
 * VmRSS (resident now); null where /proc is missing.
 */
export function statusMB(field: "VmHWM" | "VmRSS"): number | null {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, "m"),
    );
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** How {@link timeSteps} times a step. */
export interface StepTiming {
  /** Steps run before timing, at least. */
  warmup: number;
  /** Seconds of warm-up, at least. */
  warmupTime: number;
  /** Seconds each repetition lasts, about (it runs k steps, k from three timed steps). */
  minTime: number;
  /** Repetitions timed. */
  reps: number;
  /** Seconds now (wall or CPU). */
  clock: () => number;
}

/** The timing rule every JavaScript worker shares: warm up, then `reps` repetitions of k steps. */
export async function timeSteps(
  step: Step,
  o: StepTiming,
): Promise<{ times: number[]; k: number }> {
  const warmupEnd = performance.now() + o.warmupTime * 1000;
  for (let i = 0; i < o.warmup || performance.now() < warmupEnd; i++) await step();
  const probe = o.clock();
  for (let i = 0; i < 3; i++) await step();
  const perStep = (o.clock() - probe) / 3;
  const k = Math.max(1, Math.round(o.minTime / Math.max(perStep, 1e-9)));
  const times: number[] = [];
  for (let i = 0; i < o.reps; i++) {
    const t0 = o.clock();
    for (let j = 0; j < k; j++) await step();
    times.push(o.clock() - t0);
  }
  return { times, k };
}

/**
 * Runs the workload named by the first argument, prints its timings and exits; `--list` prints
 * the workloads this peer runs, those it cannot (with the reason) and `info` (versions, threads).
 * `after` runs once the workload is timed (its peak memory read first); what it returns joins
 * the printed line.
 */
export async function runWorker(
  workloads: Record<string, Maker>,
  cannot: Record<string, string>,
  info: Record<string, unknown>,
  after: () => Promise<Record<string, unknown>> = () => Promise.resolve({}),
): Promise<never> {
  const name = Deno.args[0];
  if (Deno.args.includes("--list")) {
    console.log(JSON.stringify({ workloads: Object.keys(workloads), cannot, ...info }));
    Deno.exit(0);
  }
  const make = workloads[name];
  if (!make) {
    console.log(JSON.stringify({ error: cannot[name] ?? cannot["*"] ?? `no workload ${name}` }));
    Deno.exit(0);
  }
  const clock = textArg("clock", "wall") === "cpu" ? cpuSeconds : () => performance.now() / 1000;
  const baseMB = statusMB("VmRSS");
  const [step, units] = await make();
  const { times, k } = await timeSteps(step, {
    warmup: arg("warmup", 2),
    warmupTime: arg("warmup-time", 1),
    minTime: arg("min-time", 0.2),
    reps: arg("reps", 5),
    clock,
  });
  const peakMB = statusMB("VmHWM");
  const measuredAfter = await after();
  const scaled: Record<string, number> = {};
  for (const [u, v] of Object.entries(units)) scaled[u] = v * k;
  console.log(
    JSON.stringify({
      times,
      units: scaled,
      stepsPerRep: k,
      peakMB,
      baseMB,
      ...info,
      ...measuredAfter,
    }),
  );
  // A peer's worker pool (jax-js's wasm workers) would keep the process alive after its answer.
  Deno.exit(0);
}
