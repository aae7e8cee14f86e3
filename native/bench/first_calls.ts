/**
 * The first calls of a large GEMM: a 1024×1024 float32 `matmul` with the native backend, timed over
 * the 7 calls after a single warm-up call in a fresh process, beside `cblas_sgemm` called from C
 * (first_calls.c) on the same OpenBLAS library with the same kernel set and thread count — at 1 and
 * 2 threads, with OPENBLAS_CORETYPE as the environment sets it and unset. Prints the medians and
 * the ratio nnc / C (issue 21's goal: ≥ 0.95), twice: with each result dropped (a fresh output per
 * call until the garbage collector frees one) and with each result disposed after its call (its
 * memory reused by the next, as PyTorch frees an unreferenced result). The C program also times
 * calls that write into fresh pages (an mmap per call), the cost of a new allocation per output.
 *
 * Usage: `deno run -A native/bench/first_calls.ts [--threads 1,2] [--coretypes kept,unset]
 * [--rounds 3] [--n 1024] [--calls 7]` (`--coretypes HASWELL,unset` forces a kernel set where the
 * environment sets none). Each round is a fresh nnc process and a fresh C process. A benchmark,
 * never a test: run it on a quiet machine.
 *
 * @module
 */
import { matmul, randn, Rng } from "@nnc/tensor";
import { nativeInfo } from "../mod.ts";
import { startNativeChild } from "./_child.ts";

const here = new URL(".", import.meta.url).pathname;
const opt = (name: string, fallback: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
};
const n = Number(opt("n", "1024"));
const calls = Number(opt("calls", "7"));

/** What one process measured: seconds per call after the warm-up, and what it ran on. */
interface Run {
  times?: number[];
  freshTimes?: number[];
  core?: string;
  library?: string;
  error?: string;
}

/** Child mode: one warm-up call, then `calls` timed calls, in this fresh process. */
async function child(): Promise<void> {
  if (!(await startNativeChild())) return;
  const rng = new Rng(0);
  const a = randn([n, n], { rng }), b = randn([n, n], { rng });
  // --dispose: each result's memory is given back when the call's statement ends (what a `using`
  // declaration does), as PyTorch frees an unreferenced result; otherwise results are dropped and
  // left to the garbage collector, so every call's output is fresh memory.
  const dispose = Deno.args.includes("--dispose");
  const call = () => {
    const c = matmul(a, b);
    if (dispose) c.dispose();
  };
  call(); // the single warm-up call
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    call();
    times.push((performance.now() - t0) / 1000);
  }
  const info = nativeInfo();
  console.log(JSON.stringify({
    times,
    core: info.coreType ?? "",
    library: info.libraryPath ?? "",
    blas: info.blas,
    threads: info.threads,
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Our environment less `unset`, with `threads` for every pool and `set` on top. */
function env(threads: number, set: Record<string, string>, unset: string[]) {
  const e = Deno.env.toObject();
  for (const name of unset) delete e[name];
  for (const name of ["NNC_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"]) {
    e[name] = String(threads);
  }
  return { ...e, ...set };
}

async function run(cmd: string[], environment: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    env: environment,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success || !text) {
    return { error: new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "failed" };
  }
  return JSON.parse(text);
}

async function main(): Promise<void> {
  const exe = `${Deno.makeTempDirSync()}/first_calls`;
  const cc = await new Deno.Command(Deno.env.get("CC") ?? "cc", {
    args: ["-O2", "-o", exe, `${here}first_calls.c`, "-ldl"],
  }).output();
  if (!cc.success) {
    console.error(`cannot compile first_calls.c: ${new TextDecoder().decode(cc.stderr)}`);
    Deno.exit(1);
  }
  const kept = Deno.env.get("OPENBLAS_CORETYPE");
  const settings: { label: string; set: Record<string, string>; unset: string[] }[] = [];
  for (const name of opt("coretypes", "kept,unset").split(",")) {
    if (name === "kept") {
      if (kept) settings.push({ label: `${kept} (kept)`, set: {}, unset: [] });
      else {console.error(
          "OPENBLAS_CORETYPE is not set here: 'kept' = 'unset' (--coretypes NAME,unset)",
        );}
    } else if (name === "unset") {
      settings.push({
        label: "unset",
        set: {},
        unset: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "NNC_OPENBLAS_CORETYPE"],
      });
    } else settings.push({ label: name, set: { OPENBLAS_CORETYPE: name }, unset: [] });
  }
  const rounds = Number(opt("rounds", "3"));
  const gflops = (s: number) => (2 * n ** 3) / s / 1e9;
  const rows: string[][] = [[
    "threads",
    "OPENBLAS_CORETYPE",
    "kernel set",
    "nnc matmul GFLOP/s",
    "nnc, results disposed",
    "cblas_sgemm GFLOP/s",
    "nnc / C",
    "disposed / C",
    "C, fresh output pages",
    `nnc calls 1–${calls} (first round)`,
  ]];
  const load = Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  if (load > 0.5) console.error(`warning: load average ${load}: timings are noisy`);
  for (const t of opt("threads", "1,2").split(",").map(Number)) {
    for (const s of settings) {
      const nnc: number[] = [], disposed: number[] = [], c: number[] = [], fresh: number[] = [];
      let firstRound = "", kernel = "", mismatch = "";
      for (let r = 0; r < rounds; r++) {
        const mine = await run(
          [Deno.execPath(), "run", "-A", import.meta.url.replace("file://", ""), "--child"],
          env(t, s.set, s.unset),
        );
        if (mine.error || !mine.times) {
          console.error(`nnc @${t} [${s.label}]: ${mine.error}`);
          continue;
        }
        kernel = mine.core ?? "";
        const given = await run(
          [
            Deno.execPath(),
            "run",
            "-A",
            import.meta.url.replace("file://", ""),
            "--child",
            "--dispose",
          ],
          env(t, s.set, s.unset),
        );
        if (given.error || !given.times) {
          console.error(`nnc --dispose @${t} [${s.label}]: ${given.error}`);
          continue;
        }
        // The C program gets the kernel set libnnc runs, from the same library file.
        const theirs = await run(
          [exe, mine.library || "libopenblas.so.0", String(t), String(n), String(calls)],
          env(t, kernel ? { OPENBLAS_CORETYPE: kernel } : {}, s.unset),
        );
        if (theirs.error || !theirs.times || !theirs.freshTimes) {
          console.error(`C @${t} [${s.label}]: ${theirs.error}`);
          continue;
        }
        if (theirs.core?.toLowerCase() !== kernel.toLowerCase()) {
          mismatch = ` (C ran ${theirs.core})`;
        }
        nnc.push(gflops(median(mine.times)));
        disposed.push(gflops(median(given.times)));
        c.push(gflops(median(theirs.times)));
        fresh.push(gflops(median(theirs.freshTimes)));
        if (!firstRound) firstRound = mine.times.map((x) => gflops(x).toFixed(0)).join(" ");
      }
      const range = (xs: number[]) =>
        xs.length
          ? `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`
          : "—";
      rows.push([
        String(t),
        s.label,
        kernel + mismatch,
        range(nnc),
        range(disposed),
        range(c),
        nnc.length && c.length ? `${(median(nnc) / median(c)).toFixed(2)}×` : "—",
        disposed.length && c.length ? `${(median(disposed) / median(c)).toFixed(2)}×` : "—",
        range(fresh),
        firstRound,
      ]);
    }
  }
  console.log(
    `${n}×${n} float32 matmul, native backend: median GFLOP/s of the ${calls} calls after one ` +
      `warm-up call, per fresh process; median (min–max) over ${rounds} rounds. cblas_sgemm from ` +
      `C: same library, kernel set and threads, output allocated once (as C code does). ` +
      `"results disposed": each result's memory given back after the call (NDArray.dispose, ` +
      `or a \`using\` declaration), as PyTorch frees an unreferenced result.`,
  );
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd());
  console.log(
    "goal (issue 21): nnc / C ≥ 0.95 at 1 and 2 threads, with and without OPENBLAS_CORETYPE",
  );
}

if (Deno.args.includes("--child")) await child();
else await main();
