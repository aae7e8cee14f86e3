/**
 * Cold start: the time from a process's start to its first finished training step of the demo's
 * CNN (conv32-conv64-fc128-fc10, Adam, batch 64), and to its first 1024² float32 matmul — nnc
 * (native backend, bench/cold_start_worker.ts) beside PyTorch's import-plus-first-step (Debian's
 * 1.13, and 2.x from the peers' environment of bench/_venv.ts) and JAX's import, jit-compile and
 * first step (bench/cold_start_worker.py).
 *
 * Every case is a fresh process, started `--runs` times after one uncounted warm-up run (which
 * fills the file cache and Deno's module cache), the cases taking turns (A B C … A B C …) so that
 * all see the same moments of the machine. The runner notes the wall clock just before it starts a
 * process; the process prints the wall clock when its result is ready and exits. Figures are
 * min / median / max in ms: quote the median.
 *
 * Usage: `deno run -A bench/cold_start.ts [--runs 10] [--threads N] [--only nnc,torch1.13,torch2,jax]
 * [--tasks cnn,matmul] [--python /usr/bin/python3]`; `deno task bench:setup` installs PyTorch 2.x
 * and JAX (without them those cases are skipped with a message). A benchmark: run it on a quiet
 * machine.
 *
 * @module
 */
import { describeMachine } from "./_machine.ts";
import { childEnv } from "./_peers.ts";
import { findPeerVenv } from "./_venv.ts";
import { markdownTable, median } from "./_report.ts";

const here = new URL(".", import.meta.url).pathname;
const opt = (name: string, fallback: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
};
const runs = Number(opt("runs", "10"));
const threads = Number(opt("threads", String(navigator.hardwareConcurrency)));
const who = opt("only", "nnc,torch1.13,torch2,jax").split(",");
const tasks = opt("tasks", "cnn,matmul").split(",");

interface Case {
  name: string;
  task: string;
  cmd: string[];
  env: Record<string, string>;
  toReady: number[];
  toExit: number[];
  peaks: number[];
  error?: string;
}

const cases: Case[] = [];
const venv = who.includes("torch2") || who.includes("jax")
  ? findPeerVenv()
  : { error: "not asked for" };
const env = childEnv(threads, {}, []);
for (const task of tasks) {
  const add = (name: string, cmd: string[], extra: Record<string, string> = {}) =>
    cases.push({ name, task, cmd, env: { ...env, ...extra }, toReady: [], toExit: [], peaks: [] });
  if (who.includes("nnc")) {
    add("nnc (native)", [Deno.execPath(), "run", "-A", `${here}cold_start_worker.ts`, task], {
      NNC_BACKEND: "native",
    });
  }
  if (who.includes("torch1.13")) {
    add("PyTorch 1.13", [
      opt("python", "/usr/bin/python3"),
      `${here}cold_start_worker.py`,
      "torch",
      task,
    ]);
  }
  for (
    const [id, framework, label] of [["torch2", "torch", "PyTorch 2.x"], ["jax", "jax", "JAX"]]
  ) {
    if (!who.includes(id)) continue;
    if (venv.python) add(label, [venv.python, `${here}cold_start_worker.py`, framework, task]);
    else console.error(`${label}: not run: ${venv.error}`);
  }
}

/** Starts one run of a case; records the milliseconds to its result and to its exit. */
async function once(c: Case, record: boolean): Promise<void> {
  const start = performance.timeOrigin + performance.now();
  const out = await new Deno.Command(c.cmd[0], {
    args: c.cmd.slice(1),
    env: c.env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const exit = performance.timeOrigin + performance.now();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  let res: { readyAt?: number; peakMB?: number; error?: string; backend?: string };
  try {
    res = JSON.parse(line);
  } catch {
    res = { error: new TextDecoder().decode(out.stderr).trim().split("\n").pop() || "no output" };
  }
  if (c.name.startsWith("nnc") && res.backend !== undefined && res.backend !== "native") {
    res.error = `libnnc did not load: ran on the ${res.backend} backend`;
  }
  if (res.error || typeof res.readyAt !== "number") {
    c.error = res.error ?? "no result";
    return;
  }
  if (!record) return;
  c.toReady.push(res.readyAt - start);
  c.toExit.push(exit - start);
  if (typeof res.peakMB === "number") c.peaks.push(res.peakMB);
}

const machine = describeMachine();
console.error(
  `${machine.cpu} (${machine.cpuId}), ${machine.cores} cores, Linux ${machine.kernel}, ${machine.deno}; ` +
    `${threads} threads, ${runs} runs per case after one warm-up run`,
);
if ((machine.load ?? 0) > 0.5) {
  console.error(`warning: load average ${machine.load}: timings are noisy`);
}
for (const c of cases) await once(c, false);
for (let r = 0; r < runs; r++) {
  for (const c of cases) if (!c.error) await once(c, true);
  console.error(`run ${r + 1}/${runs} done`);
}

const spread = (xs: number[]) =>
  xs.length
    ? `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)} / ${Math.max(...xs).toFixed(0)}`
    : "—";
const what: Record<string, string> = {
  cnn: "first training step of the demo's CNN",
  matmul: "first 1024² matmul",
};
const rows = cases.map((c) => [
  what[c.task] ?? c.task,
  c.name,
  c.error ? `error: ${c.error}` : spread(c.toReady),
  spread(c.toExit),
  c.peaks.length ? median(c.peaks).toFixed(0) : "—",
]);
console.log(
  markdownTable(
    [
      "from process start to",
      "who",
      "result ready, ms (min / median / max)",
      "process exit, ms",
      "peak MB",
    ],
    rows,
  ),
);
