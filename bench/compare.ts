/**
 * Side-by-side speed of nnc and its peers on the same machine, in one run: PyTorch 1.13 (Debian's,
 * on the same OpenBLAS as nnc), PyTorch 2.x and JAX from PyPI (in an environment of the bench's
 * own, bench/_venv.ts), and on the JavaScript peers' workloads TensorFlow.js (wasm and cpu
 * backends), jax-js (wasm) and nnc's own JS backend (npm packages pinned in bench/js_peers/deno.json
 * and the workspace's deno.json). `deno task bench:setup` installs the peers once; one that is not
 * installed is skipped with a note saying so.
 *
 * Each workload runs in fresh worker processes, the peers alternating round by round; each process
 * warms up, then times `--reps` repetitions; the tables show medians. Every thread count is set for
 * every peer (NNC_THREADS, OMP/OPENBLAS/MKL_NUM_THREADS, OMP_WAIT_POLICY=PASSIVE). The OpenBLAS peers
 * (nnc, PyTorch 1.13) run once per kernel setting (`--coretypes`: `kept` = the environment's
 * OPENBLAS_CORETYPE, `unset` = libnnc's choice from cpuid, or a kernel set's name), PyTorch 1.13
 * always with the kernel set libnnc reports for that setting; so does PyTorch 2.x, its MKL and
 * oneDNN held to that kernel set's instruction set (AVX2 under `Haswell`); so does `nnc-mkl`, nnc's
 * native backend opened on MKL from the peers' environment (the GEMM library of PyTorch 2.x), shown
 * in a table of its own beside PyTorch 2.x. Besides throughput and ratios the
 * runner prints each training workload's effective FLOP/s as a share of the sgemm rate of the same
 * run (W1-1024), the peak resident memory of every worker, and with `--write-results` writes it all
 * to bench/RESULTS.md with the machine it came from.
 *
 * Usage: `deno run -A bench/compare.ts [--threads 1,2] [--reps 5] [--rounds 3] [--only W1-256,W7]
 * [--peers nnc,torch1.13,torch2,jax,nnc-mkl,nnc-js,tfjs-wasm,tfjs-cpu,jax-js] [--coretypes kept,unset]
 * [--write-results [FILE]] [--smoke] [--python /usr/bin/python3] [--timeout 900]`
 *
 * `--smoke` runs one short round (one repetition, no warm-up time) to prove every peer works: its
 * figures are not measurements.
 *
 * @module
 */
import { trainingFlopsPerUnit } from "./_flops.ts";
import { describeMachine, loadAverage } from "./_machine.ts";
import {
  type KernelSetting,
  kernelSettings,
  type Peer,
  PEER_IDS,
  preparePeers,
  runs,
  runWorker,
} from "./_peers.ts";
import {
  javascriptTable,
  Measurements,
  memoryTable,
  mklTables,
  notes,
  rooflineTables,
  type RunContext,
  throughputTables,
} from "./_report.ts";

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
  "W9": { unit: "samples/s", per: (u, t) => u.samples / t },
};

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** `--write-results [FILE]`: where to write the results, or null. */
function resultsPath(): string | null {
  const i = Deno.args.indexOf("--write-results");
  if (i < 0) return null;
  const next = Deno.args[i + 1];
  return next && !next.startsWith("--") ? next : new URL("./RESULTS.md", import.meta.url).pathname;
}

const smoke = Deno.args.includes("--smoke");
const threads = arg("threads", "1,2").split(",").map(Number);
const reps = arg("reps", smoke ? "1" : "5");
const rounds = Number(arg("rounds", smoke ? "1" : "3"));
const only = arg("only", Object.keys(WORKLOADS).join(",")).split(",");
const peerIds = arg("peers", PEER_IDS.join(",")).split(",");
const timeout = Number(arg("timeout", "900"));
const output = resultsPath();
// A smoke round proves that a worker runs: one repetition of a few steps, no warm-up time.
const timing = smoke ? ["--warmup", "1", "--warmup-time", "0", "--min-time", "0.02"] : [];

for (const name of only) {
  if (!WORKLOADS[name]) {
    console.error(`unknown workload ${name}; known: ${Object.keys(WORKLOADS).join(", ")}`);
    Deno.exit(2);
  }
}
for (const id of peerIds) {
  if (!(PEER_IDS as readonly string[]).includes(id)) {
    console.error(`unknown peer ${id}; known: ${PEER_IDS.join(", ")}`);
    Deno.exit(2);
  }
}

const machine = describeMachine();
const started = new Date();
const extraNotes: string[] = [];
const settings: KernelSetting[] = await kernelSettings(
  arg("coretypes", "kept,unset").split(","),
  extraNotes,
);
if (!settings.length) {
  console.error("no OPENBLAS_CORETYPE setting to measure (--coretypes): " + extraNotes.join(" "));
  Deno.exit(2);
}
const peers = await preparePeers(peerIds, { debianPython: arg("python", "/usr/bin/python3") });

const say = (s = "") => console.error(s);
say(
  `${machine.cpu} (${machine.cpuId}), ${machine.cores} cores, Linux ${machine.kernel}; ` +
    `${rounds} rounds × ${reps} reps per process${smoke ? " (smoke run: not a measurement)" : ""}`,
);
for (const s of settings) say(`  ${s.label}: ${s.config}`);
for (const p of peers) {
  say(`  ${p.column}: ${p.unavailable ? `unavailable: ${p.unavailable}` : p.version}`);
}
if ((machine.load ?? 0) > 0.5) {
  say(
    `warning: load average ${machine.load}: other processes are using the CPU; timings are noisy`,
  );
}

const m = new Measurements();
for (const name of only) {
  const w = WORKLOADS[name];
  for (const t of threads) {
    for (let r = 0; r < rounds; r++) {
      const progress: string[] = [];
      // Round by round every peer takes its turn, so all see the same quiet and busy moments.
      const turns: [Peer, KernelSetting | null][] = [];
      for (const s of settings) {
        for (const p of peers.filter((q) => q.perSetting)) turns.push([p, s]);
      }
      for (const p of peers.filter((q) => !q.perSetting)) turns.push([p, null]);
      for (const [p, s] of turns) {
        if (runs(p, name) !== true) continue;
        // nnc's native worker also probes the sgemm rate right after a training workload.
        const probe = p.id === "nnc" && trainingFlopsPerUnit(name) !== undefined;
        const res = await runWorker(
          p.command(name, t, ["--reps", reps, ...timing, ...(probe ? ["--roof-probe"] : [])]),
          p.env(t, s ?? settings[0]),
          timeout,
        );
        const cell = m.cell(name, t, p.id, s?.id ?? "");
        const rejected = res.error ?? (!res.times || !res.units ? "no timings" : p.reject?.(res));
        if (rejected || !res.times || !res.units) {
          cell.errors.push(rejected ?? "no timings");
          progress.push(`${p.id}${s ? `[${s.id}]` : ""} ✗`);
          continue;
        }
        cell.rates.push(...res.times.map((sec) => w.per(res.units!, sec)));
        if (typeof res.peakMB === "number") cell.peaks.push(res.peakMB);
        if (Array.isArray(res.roofGflops)) cell.roofs.push(...res.roofGflops as number[]);
        if (typeof res.baseMB === "number") cell.bases.push(res.baseMB);
        progress.push(`${p.id}${s ? `[${s.id}]` : ""} ✓`);
      }
      say(`${name} @${t} round ${r + 1}/${rounds}: ${progress.join(" ")}`);
    }
  }
}

const ctx: RunContext = {
  workloads: only,
  threads,
  settings,
  peers,
  units: Object.fromEntries(only.map((n) => [n, WORKLOADS[n].unit])),
  m,
};
const loadAfter = loadAverage();
const sections = [
  "## Throughput\n",
  throughputTables(ctx),
  ...(only.some((w) => trainingFlopsPerUnit(w) !== undefined)
    ? ["\n## % of the GEMM roofline\n", rooflineTables(ctx)]
    : []),
  ...(mklTables(ctx) ? ["\n## nnc on MKL beside PyTorch 2.x\n", mklTables(ctx)] : []),
  "\n## Peak memory\n",
  memoryTable(ctx),
  ...(javascriptTable(ctx) ? ["\n## The JavaScript peers\n", javascriptTable(ctx)] : []),
  "\n## Notes\n",
  notes(ctx, extraNotes),
];
console.log(sections.join("\n"));

if (output) {
  const header = [
    "# nnc beside its peers: bench/compare.ts results",
    "",
    smoke ? "**Smoke run (one short round): these figures are not measurements.**\n" : "",
    `Written by \`deno run -A bench/compare.ts ${Deno.args.join(" ")}\` on ${
      started.toISOString().slice(0, 16).replace("T", " ")
    } UTC; ${rounds} rounds × ${reps} repetitions per worker process, medians.`,
    "",
    "## Machine",
    "",
    `- CPU: ${machine.cpu} (${machine.cpuId}), ${machine.cores} cores, ${machine.memoryGiB} GiB`,
    `- ${machine.os}, Linux ${machine.kernel}`,
    `- load average (1 min): ${machine.load ?? "?"} at the start, ${loadAfter ?? "?"} at the end`,
    ...settings.map((s) => `- ${s.label}: ${s.config}, kernel set ${s.kernel ?? "unknown"}`),
    "",
    "## Versions",
    "",
    `- nnc commit ${machine.commit}, ${machine.deno}`,
    ...peers.map((p) =>
      `- ${p.column}: ${p.unavailable ? `not run (${p.unavailable})` : p.version}`
    ),
    "",
  ].join("\n");
  Deno.writeTextFileSync(output, `${header}\n${sections.join("\n")}\n`);
  // The repository's formatter checks Markdown too: leave the file as it would.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", output] }).output();
  say(`results written to ${output}`);
}
