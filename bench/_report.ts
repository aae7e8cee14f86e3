// The tables of bench/compare.ts: throughput and ratios per OpenBLAS kernel setting, % of the GEMM
// roofline, peak memory, and the JavaScript peers; printed as Markdown and written to RESULTS.md.
import { trainingFlopsPerUnit } from "./_flops.ts";
import { isaCaps, JS_WORKLOADS, type KernelSetting, type Peer } from "./_peers.ts";

/** What the runs of one peer on one workload, thread count and kernel setting gave. */
export interface Cell {
  /** Throughput (or µs/op) of every timed repetition. */
  rates: number[];
  peaks: number[];
  bases: number[];
  errors: string[];
  /** The 1024² sgemm rate (GFLOP/s) probed in the same worker process after the workload. */
  roofs: number[];
}

/** Every measurement of a run, by workload, threads, peer and kernel setting (`""`: none). */
export class Measurements {
  #cells = new Map<string, Cell>();

  /** The cell, created empty when new. */
  cell(workload: string, threads: number, peer: string, setting: string): Cell {
    const key = `${workload}|${threads}|${peer}|${setting}`;
    let c = this.#cells.get(key);
    if (!c) this.#cells.set(key, c = { rates: [], peaks: [], bases: [], errors: [], roofs: [] });
    return c;
  }

  /** The cell if anything was recorded in it. */
  get(workload: string, threads: number, peer: string, setting: string): Cell | undefined {
    return this.#cells.get(`${workload}|${threads}|${peer}|${setting}`);
  }

  /** Every cell with its key parts. */
  *entries(): Generator<[string, number, string, string, Cell]> {
    for (const [key, cell] of this.#cells) {
      const [w, t, p, s] = key.split("|");
      yield [w, Number(t), p, s, cell];
    }
  }
}

/** The median, or NaN for no values. */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A Markdown table with its columns padded to equal width. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length), 3));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Everything the tables need. */
export interface RunContext {
  workloads: string[];
  threads: number[];
  settings: KernelSetting[];
  peers: Peer[];
  /** Unit of each workload; µs/op units are better when lower. */
  units: Record<string, string>;
  m: Measurements;
}

/** Four significant digits, whole numbers from 1000 on (no exponents in the tables). */
const fmt = (x: number) =>
  !Number.isFinite(x) ? "—" : Math.abs(x) >= 1000 ? Math.round(x).toString() : x.toPrecision(4);

/** How many times faster `a` is than `b` (both throughputs, or both times when `lower`). */
function ratio(a: number, b: number, lower: boolean): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a <= 0 || b <= 0) return "—";
  return `${(lower ? b / a : a / b).toFixed(2)}×`;
}

/** Median throughput of a peer; the OpenBLAS peers at `setting`, the others at none. */
function rate(ctx: RunContext, w: string, t: number, peer: string, setting: KernelSetting): number {
  const p = ctx.peers.find((q) => q.id === peer);
  if (!p) return NaN;
  return median(ctx.m.get(w, t, peer, p.perSetting ? setting.id : "")?.rates ?? []);
}

const has = (ctx: RunContext, id: string) => ctx.peers.some((p) => p.id === id);

/** A setting's heading: its label, its OpenBLAS kernel set and PyTorch 2.x's cap, if any. */
function settingTitle(ctx: RunContext, s: KernelSetting): string {
  const caps = isaCaps(s.kernel);
  const capped = has(ctx, "torch2") && Object.keys(caps).length
    ? `; PyTorch 2.x's MKL and oneDNN held to ${caps.MKL_ENABLE_INSTRUCTIONS}`
    : "";
  return `${s.label}: OpenBLAS kernel set ${s.kernel ?? "unknown"}${capped}`;
}

/** Throughput of nnc, both PyTorch and JAX with ratios: one table per kernel setting. */
export function throughputTables(ctx: RunContext): string {
  const out: string[] = [];
  const others = ["torch1.13", "torch2", "jax"].filter((id) => has(ctx, id));
  const column = (id: string) => ctx.peers.find((p) => p.id === id)!.column;
  for (const s of ctx.settings) {
    out.push(`### ${settingTitle(ctx, s)}\n`);
    const header = ["workload", "threads", "unit", "nnc", ...others.map(column)];
    header.push(...others.map((id) => `nnc/${column(id)}`));
    const bothTorches = has(ctx, "torch1.13") && has(ctx, "torch2");
    if (bothTorches) header.push("nnc/faster torch");
    const rows: string[][] = [];
    for (const w of ctx.workloads) {
      const lower = ctx.units[w].startsWith("µs");
      for (const t of ctx.threads) {
        const nnc = rate(ctx, w, t, "nnc", s);
        const vals = others.map((id) => rate(ctx, w, t, id, s));
        const row = [w, String(t), ctx.units[w], fmt(nnc), ...vals.map(fmt)];
        row.push(...vals.map((v) => ratio(nnc, v, lower)));
        if (bothTorches) {
          const a = rate(ctx, w, t, "torch1.13", s), b = rate(ctx, w, t, "torch2", s);
          const faster = [a, b].filter(Number.isFinite);
          const best = faster.length ? (lower ? Math.min(...faster) : Math.max(...faster)) : NaN;
          row.push(ratio(nnc, best, lower));
        }
        rows.push(row);
      }
    }
    out.push(markdownTable(header, rows), "");
  }
  out.push(
    "Ratios are nnc's throughput over the peer's (for µs/op: the peer's time over nnc's): above " +
      "1× nnc is faster. PyTorch 1.13 runs on Debian's OpenBLAS with the kernel set nnc runs. " +
      "PyTorch 2.x brings its own kernels (MKL, oneDNN), measured in every setting at the " +
      "instruction set of the setting's OpenBLAS kernel set (MKL_ENABLE_INSTRUCTIONS and " +
      "ONEDNN_MAX_CPU_ISA; as installed for an AVX-512 set), so each table compares GEMMs and " +
      "convolutions of the same vector width. JAX (XLA) is measured once per thread count as " +
      "installed (its only switch, --xla_cpu_max_isa, narrows its elementwise code too, which " +
      "libnnc's own kernels are not), so its figures repeat in each setting.",
  );
  return out.join("\n");
}

/** Effective FLOP/s of every training workload as a share of the sgemm rate (W1-1024). */
export function rooflineTables(ctx: RunContext): string {
  const training = ctx.workloads.filter((w) => trainingFlopsPerUnit(w) !== undefined);
  if (!training.length) return "";
  const peers = ["nnc", "torch1.13", "torch2", "jax"].filter((id) => has(ctx, id));
  const column = (id: string) => ctx.peers.find((p) => p.id === id)!.column;
  const out: string[] = [];
  for (const s of ctx.settings) {
    out.push(`### ${settingTitle(ctx, s)}\n`);
    const header = ["workload", "threads", "MFLOP/unit", "sgemm GFLOP/s", "nnc GFLOP/s"];
    header.push(...peers.map((id) => `${column(id)} %`));
    header.push("probed sgemm GFLOP/s", "nnc % of probed");
    const rows: string[][] = [];
    for (const w of training) {
      const flops = trainingFlopsPerUnit(w)!;
      for (const t of ctx.threads) {
        // The roofline: the faster sgemm on this kernel set and thread count (nnc or PyTorch 1.13).
        const roof = Math.max(
          ...["nnc", "torch1.13"].map((id) => rate(ctx, "W1-1024", t, id, s)).filter(
            Number.isFinite,
          ),
        );
        const eff = (id: string) => (flops * rate(ctx, w, t, id, s)) / 1e9;
        const pct = (id: string) =>
          Number.isFinite(eff(id)) && roof > 0 ? `${(100 * eff(id) / roof).toFixed(0)}%` : "—";
        // The sgemm rate nnc's worker probed right after the workload: the same minutes' roof.
        const probed = median(ctx.m.get(w, t, "nnc", s.id)?.roofs ?? []);
        rows.push([
          w,
          String(t),
          (flops / 1e6).toPrecision(4),
          fmt(roof > 0 ? roof : NaN),
          fmt(eff("nnc")),
          ...peers.map(pct),
          fmt(probed > 0 ? probed : NaN),
          Number.isFinite(eff("nnc")) && probed > 0
            ? `${(100 * eff("nnc") / probed).toFixed(0)}%`
            : "—",
        ]);
      }
    }
    out.push(markdownTable(header, rows), "");
  }
  out.push(
    "Effective rate = 3 × the forward FLOPs of the workload's layers per unit (bench/_flops.ts) × " +
      "units/s; the roofline is the faster W1-1024 sgemm of nnc and PyTorch 1.13 on the same kernel " +
      "set and thread count in this run (— when W1-1024 was not run). Every peer is measured " +
      "against that one roofline. The host's speed drifts between hours, and W1 runs minutes " +
      "before the training workloads: the last two columns give the 1024² sgemm rate nnc's worker " +
      "measured in the same process right after each workload (median of its probes) and nnc's " +
      "share of it.",
  );
  return out.join("\n");
}

/**
 * nnc's native backend on MKL beside PyTorch 2.x, which runs its GEMMs on MKL too: throughput,
 * ratios, and for the training workloads the share of the faster of the two W1-1024 sgemm rates
 * (MKL's roofline on this machine). Empty when the MKL peer was not run.
 */
export function mklTables(ctx: RunContext): string {
  if (!has(ctx, "nnc-mkl")) return "";
  const out: string[] = [];
  const withNnc = has(ctx, "nnc"), withTorch = has(ctx, "torch2");
  for (const s of ctx.settings) {
    out.push(`### ${settingTitle(ctx, s)}\n`);
    const header = ["workload", "threads", "unit", "nnc (MKL)"];
    if (withTorch) header.push("torch 2.x");
    if (withNnc) header.push("nnc (OpenBLAS)");
    if (withTorch) header.push("nnc (MKL)/torch 2.x");
    if (withNnc) header.push("nnc (MKL)/nnc (OpenBLAS)");
    header.push("MKL sgemm GFLOP/s", "nnc (MKL) %");
    if (withTorch) header.push("torch 2.x %");
    const rows: string[][] = [];
    for (const w of ctx.workloads) {
      const lower = ctx.units[w].startsWith("µs");
      const flops = trainingFlopsPerUnit(w);
      for (const t of ctx.threads) {
        const v = (id: string) => rate(ctx, w, t, id, s);
        const roof = Math.max(
          ...["nnc-mkl", "torch2"].map((id) => rate(ctx, "W1-1024", t, id, s)).filter(
            Number.isFinite,
          ),
        );
        const pct = (id: string) =>
          flops !== undefined && Number.isFinite(v(id)) && roof > 0
            ? `${(100 * flops * v(id) / 1e9 / roof).toFixed(0)}%`
            : "—";
        const row = [w, String(t), ctx.units[w], fmt(v("nnc-mkl"))];
        if (withTorch) row.push(fmt(v("torch2")));
        if (withNnc) row.push(fmt(v("nnc")));
        if (withTorch) row.push(ratio(v("nnc-mkl"), v("torch2"), lower));
        if (withNnc) row.push(ratio(v("nnc-mkl"), v("nnc"), lower));
        row.push(fmt(roof > 0 && flops !== undefined ? roof : NaN), pct("nnc-mkl"));
        if (withTorch) row.push(pct("torch2"));
        rows.push(row);
      }
    }
    out.push(markdownTable(header, rows), "");
  }
  out.push(
    "nnc (MKL) is nnc's native backend with MKL from the peers' environment as its GEMM library " +
      "(NNC_BLAS; MKL's threads from its GNU OpenMP layer), held to the same instruction set as " +
      "PyTorch 2.x, whose GEMMs are MKL's too; libnnc's own kernels are the same in both nnc " +
      "columns. Its roofline is the faster W1-1024 sgemm of the two MKL peers at that thread count.",
  );
  return out.join("\n");
}

/** Peak resident memory of every worker process, and its growth over start-up. */
export function memoryTable(ctx: RunContext): string {
  const rows: string[][] = [];
  const peers = ctx.peers.filter((p) => !p.unavailable);
  const cellsOf = (w: string, t: number, p: Peer): Cell[] =>
    (p.perSetting ? ctx.settings.map((s) => s.id) : [""]).map((s) => ctx.m.get(w, t, p.id, s))
      .filter((c): c is Cell => c !== undefined);
  const peak = (w: string, t: number, p: Peer) => median(cellsOf(w, t, p).flatMap((c) => c.peaks));
  const torches = peers.filter((p) => p.id.startsWith("torch"));
  for (const w of ctx.workloads) {
    for (const t of ctx.threads) {
      const row = [w, String(t)];
      for (const p of peers) {
        const cells = cellsOf(w, t, p);
        const pk = median(cells.flatMap((c) => c.peaks));
        const base = median(cells.flatMap((c) => c.bases));
        row.push(
          Number.isFinite(pk)
            ? `${pk.toFixed(0)}${Number.isFinite(base) ? ` (+${(pk - base).toFixed(0)})` : ""}`
            : "—",
        );
      }
      const nnc = peers.find((p) => p.id === "nnc");
      for (const torch of torches) {
        row.push(nnc ? ratio(peak(w, t, torch), peak(w, t, nnc), false) : "—");
      }
      rows.push(row);
    }
  }
  const header = ["workload", "threads", ...peers.map((p) => p.column)];
  header.push(...torches.map((p) => `${p.column} / nnc`));
  return [
    markdownTable(header, rows),
    "",
    "Peak resident memory (VmHWM) of each worker process in MB, and in brackets its growth over " +
    "the resident memory after start-up (imports, runtime), before the workload was built. The " +
    "last columns divide PyTorch's peak by nnc's: above 1× nnc needs less. PyTorch 2.x from PyPI " +
    "maps its CUDA libraries too, which raises its start-up share.",
  ].join("\n");
}

/** nnc (native and JS backends) beside TF.js and jax-js on the JavaScript peers' workloads. */
export function javascriptTable(ctx: RunContext): string {
  const ids = ["nnc", "nnc-js", "tfjs-wasm", "tfjs-cpu", "jax-js"].filter((id) => has(ctx, id));
  if (!ids.some((id) => id !== "nnc")) return "";
  const s = ctx.settings[0];
  const column = (id: string) => ctx.peers.find((p) => p.id === id)!.column;
  const header = ["workload", "threads", "unit", ...ids.map(column)];
  const tf = ["tfjs-wasm", "tfjs-cpu"].filter((id) => has(ctx, id));
  if (has(ctx, "nnc") && tf.length) header.push("nnc/TF.js (best)");
  if (has(ctx, "nnc") && has(ctx, "jax-js")) header.push("nnc/jax-js");
  if (has(ctx, "nnc-js") && has(ctx, "tfjs-cpu")) header.push("nnc JS/TF.js cpu");
  const rows: string[][] = [];
  for (const w of ctx.workloads.filter((x) => JS_WORKLOADS.has(x))) {
    const lower = ctx.units[w].startsWith("µs");
    for (const t of ctx.threads) {
      const v = (id: string) => rate(ctx, w, t, id, s);
      const row = [w, String(t), ctx.units[w], ...ids.map((id) => fmt(v(id)))];
      if (has(ctx, "nnc") && tf.length) {
        const tfs = tf.map(v).filter(Number.isFinite);
        const best = tfs.length ? (lower ? Math.min(...tfs) : Math.max(...tfs)) : NaN;
        row.push(ratio(v("nnc"), best, lower));
      }
      if (has(ctx, "nnc") && has(ctx, "jax-js")) row.push(ratio(v("nnc"), v("jax-js"), lower));
      if (has(ctx, "nnc-js") && has(ctx, "tfjs-cpu")) {
        row.push(ratio(v("nnc-js"), v("tfjs-cpu"), lower));
      }
      rows.push(row);
    }
  }
  return [
    markdownTable(header, rows),
    "",
    `nnc native at ${s.label} (kernel set ${s.kernel ?? "unknown"}). TF.js's backends run on one ` +
    "thread whatever the thread count (its wasm backend turns its threaded build off under " +
    "Node.js and Deno), nnc's JS backend too; jax-js runs its wasm kernels on a pool of that many " +
    "workers.",
  ].join("\n");
}

/** What could not run, and every error a worker reported. */
export function notes(ctx: RunContext, extra: string[]): string {
  const lines = [...extra];
  for (const p of ctx.peers) {
    if (p.unavailable) {
      lines.push(`${p.column}: not run: ${p.unavailable}`);
      continue;
    }
    const skipped = new Map<string, string[]>();
    for (const w of ctx.workloads) {
      if (p.workloads === null || p.workloads.has(w)) continue;
      const why = p.cannot[w] ?? p.cannot["*"] ?? "not defined for this peer";
      skipped.set(why, [...(skipped.get(why) ?? []), w]);
    }
    for (const [why, ws] of skipped) {
      lines.push(`${p.column} does not run ${ws.join(", ")}: ${why}.`);
    }
  }
  const errors = new Map<string, string>();
  for (const [w, t, peer, s, cell] of ctx.m.entries()) {
    for (const e of cell.errors) {
      errors.set(`${peer} ${w} @${t}${s ? ` [${s}]` : ""}`, e);
    }
  }
  for (const [where, e] of errors) lines.push(`error: ${where}: ${e}`);
  return lines.map((l) => `- ${l}`).join("\n");
}
