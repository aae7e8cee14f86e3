// The contestants of bench/compare.ts and how each is started: one worker process per measurement,
// with the thread count and the OpenBLAS kernel set in its environment.
import { findPeerVenv, peerMklLibrary, peerVenvDir, SETUP_COMMAND } from "./_venv.ts";

const here = new URL(".", import.meta.url).pathname;

/** What a worker prints (its last line of output). */
export interface WorkerResult {
  times?: number[];
  units?: Record<string, number>;
  error?: string;
  /** Peak resident memory of the worker process (VmHWM), MB. */
  peakMB?: number | null;
  /** Its resident memory after start-up, before the workload was built, MB. */
  baseMB?: number | null;
  [more: string]: unknown;
}

/**
 * An OPENBLAS_CORETYPE setting: the variables set or removed for nnc, and the kernel set libnnc
 * then runs (from nativeInfo()), which every other OpenBLAS peer is given.
 */
export interface KernelSetting {
  id: string;
  /** How the setting reads in a table: `OPENBLAS_CORETYPE=Haswell (kept)`, `… unset`. */
  label: string;
  set: Record<string, string>;
  unset: string[];
  /** The kernel set OpenBLAS runs under it (`Zen`, `Haswell`, `Cooperlake`…), null if unknown. */
  kernel: string | null;
  /** OpenBLAS's configuration string, or why libnnc has none. */
  config: string;
}

/** One contestant. */
export interface Peer {
  id: string;
  /** Its column title. */
  column: string;
  /**
   * True for the peers measured once per kernel setting: those on Debian's OpenBLAS (nnc native,
   * PyTorch 1.13) with the kernel nnc runs, and PyTorch 2.x with its MKL and oneDNN held to that
   * kernel's instruction set (`isaCaps`). The others (JAX, wasm, JS) are measured once per thread
   * count.
   */
  perSetting: boolean;
  /** The workloads it runs; null: all. */
  workloads: Set<string> | null;
  /** Why it does not run the others. */
  cannot: Record<string, string>;
  version: string;
  /** Why it cannot run at all (no interpreter, failed install…), or null. */
  unavailable: string | null;
  command(workload: string, threads: number, extra: string[]): string[];
  env(threads: number, setting: KernelSetting): Record<string, string>;
  /** Why a worker's answer does not count (nnc fell back to another backend), or null. */
  reject?(result: WorkerResult): string | null;
}

/** Every peer, in column order. */
export const PEER_IDS = [
  "nnc",
  "torch1.13",
  "torch2",
  "jax",
  "nnc-mkl",
  "nnc-js",
  "tfjs-wasm",
  "tfjs-cpu",
  "jax-js",
] as const;

/** The workloads of the JavaScript peers (TF.js, jax-js) and of nnc's JS backend beside them. */
export const JS_WORKLOADS = new Set(["W1-256", "W1-1024", "W2", "W7", "W7-grad", "W8"]);

const THREAD_VARIABLES = [
  "NNC_THREADS",
  "OMP_NUM_THREADS",
  "OPENBLAS_NUM_THREADS",
  "MKL_NUM_THREADS",
];

/**
 * The whole environment of a worker: ours (or `base`), less `unset`, with every thread count at
 * `threads`, OpenMP threads that sleep when idle (PyTorch's spin-waiting threads otherwise take the
 * cores OpenBLAS needs: DESIGN §3), and `set` on top.
 */
export function childEnv(
  threads: number,
  set: Record<string, string>,
  unset: string[],
  base: Record<string, string> = Deno.env.toObject(),
): Record<string, string> {
  const env = { ...base };
  for (const name of unset) delete env[name];
  for (const name of THREAD_VARIABLES) env[name] = String(threads);
  env.OMP_WAIT_POLICY = "PASSIVE";
  return { ...env, ...set };
}

/** Runs a worker and returns its last line of output as JSON, or the reason it failed. */
export async function runWorker(
  cmd: string[],
  env: Record<string, string>,
  timeoutSeconds: number,
): Promise<WorkerResult> {
  try {
    const out = await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    }).output();
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n");
      const why = out.signal ? `killed by ${out.signal} (timeout ${timeoutSeconds} s?)` : "";
      return { error: why || err.filter((l) => l.trim()).pop() || `exit ${out.code}` };
    }
    return JSON.parse(lines.pop() ?? "");
  } catch (e) {
    return { error: (e as Error).message.split("\n")[0] };
  }
}

/** The kernel settings asked for with --coretypes (`kept`, `unset` or kernel names), probed. */
export async function kernelSettings(
  names: string[],
  notes: string[],
): Promise<KernelSetting[]> {
  const kept = Deno.env.get("OPENBLAS_CORETYPE");
  const settings: KernelSetting[] = [];
  for (const name of names) {
    let s: Omit<KernelSetting, "kernel" | "config">;
    if (name === "kept") {
      if (!kept) {
        notes.push(
          "The environment sets no OPENBLAS_CORETYPE, so 'kept' is the same as 'unset'; " +
            "--coretypes NAME,unset measures a forced kernel set beside libnnc's own choice.",
        );
        continue;
      }
      s = {
        id: "kept",
        label: `OPENBLAS_CORETYPE=${kept} (kept)`,
        set: {},
        unset: ["NNC_OPENBLAS_CORETYPE"],
      };
    } else if (name === "unset") {
      s = {
        id: "unset",
        label: "OPENBLAS_CORETYPE unset",
        set: {},
        // The environment sets the two together; a current OpenBLAS is slowed by either alone.
        unset: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "NNC_OPENBLAS_CORETYPE"],
      };
    } else {
      s = {
        id: name,
        label: `OPENBLAS_CORETYPE=${name}`,
        set: { OPENBLAS_CORETYPE: name },
        unset: ["NNC_OPENBLAS_CORETYPE"],
      };
    }
    const info = await runWorker(
      [Deno.execPath(), "run", "-A", `${here}nnc_info.ts`],
      childEnv(1, s.set, s.unset),
      120,
    );
    const kernel = typeof info.coreType === "string" ? info.coreType : null;
    const config = typeof info.config === "string"
      ? info.config
      : `no OpenBLAS in libnnc (${info.reason ?? info.blas ?? info.error ?? "?"})`;
    if (settings.some((o) => o.kernel !== null && o.kernel === kernel)) {
      notes.push(`Setting '${name}' gives the kernel set ${kernel} again: measured once.`);
      continue;
    }
    settings.push({ ...s, kernel, config });
  }
  return settings;
}

/**
 * The instruction set of an OpenBLAS kernel set (`Haswell`, `Zen` → `AVX2`; `SkylakeX`,
 * `Cooperlake`, `SapphireRapids` → `AVX512`; `Sandybridge` → `AVX`), or null when unknown.
 */
export function kernelIsa(kernel: string | null): "AVX" | "AVX2" | "AVX512" | null {
  const k = (kernel ?? "").toLowerCase();
  if (/^(skylakex|cooperlake|sapphirerapids)$/.test(k)) return "AVX512";
  if (/^(haswell|zen|excavator)$/.test(k)) return "AVX2";
  if (/^(sandybridge|bulldozer|piledriver|steamroller)$/.test(k)) return "AVX";
  return null;
}

/**
 * The variables that hold PyTorch 2.x's arithmetic kernels (MKL's GEMM, oneDNN's convolutions and
 * recurrences) to the instruction set of the OpenBLAS kernel set nnc runs, so that a setting compares
 * like with like (DESIGN §3: "at the same kernel"): under `OPENBLAS_CORETYPE=Haswell` nnc's GEMM is
 * AVX2, and so is theirs. Nothing is capped for an AVX-512 kernel set (they run as installed) or an
 * unknown one. ATen's elementwise kernels are left alone, as libnnc's own are.
 */
export function isaCaps(kernel: string | null): Record<string, string> {
  const isa = kernelIsa(kernel);
  if (isa === null || isa === "AVX512") return {};
  return { MKL_ENABLE_INSTRUCTIONS: isa, ONEDNN_MAX_CPU_ISA: isa };
}

function envFor(threads: number, setting: KernelSetting, set: Record<string, string> = {}) {
  return childEnv(threads, { ...setting.set, ...set }, setting.unset);
}

/** Versions of an interpreter's PyTorch and which BLAS it was built with, or why there is none. */
async function torchVersion(python: string): Promise<{ version: string; error?: string }> {
  const code = [
    "import json, re, sys",
    "try:",
    "    import torch",
    "    torch.mm(torch.ones(64, 64), torch.ones(64, 64))",
    "    blas = re.search(r'BLAS_INFO=([^,\\s]+)', torch.__config__.show())",
    "    libs = sorted({l.split()[-1].split('/')[-1] for l in open('/proc/self/maps')",
    "                   if re.search(r'blas|mkl', l.split()[-1])})",
    "    print(json.dumps({'version': f'torch {torch.__version__} (BLAS_INFO={blas.group(1) if blas else \"?\"}; '",
    '                      f\'loads {", ".join(libs) or "no BLAS library"}), Python {sys.version.split()[0]}\'}))',
    "except Exception as e:",
    "    print(json.dumps({'error': f'{type(e).__name__}: {e}'}))",
  ].join("\n");
  const r = await runWorker([python, "-c", code], childEnv(1, {}, []), 120);
  return { version: String(r.version ?? ""), error: r.error };
}

/** A worker's own list of what it runs (`--list`), with its version. */
async function listed(cmd: string[]): Promise<WorkerResult> {
  return await runWorker([...cmd, "--list"], childEnv(1, {}, []), 600);
}

/**
 * Builds the peers asked for; a peer that is not installed or cannot start says why (and how to
 * install it: `deno task bench:setup`) instead of failing the run. Nothing is installed here: the
 * JavaScript peers run from Deno's cache only (`--cached-only`), the PyPI peers from the
 * environment bench/setup.ts made (or `opts.venv`).
 */
export async function preparePeers(
  ids: string[],
  opts: { debianPython: string; venv?: string },
): Promise<Peer[]> {
  const deno = Deno.execPath();
  const jsConfig = ["--config", `${here}js_peers/deno.json`];
  const workerArgs = (name: string, t: number, extra: string[]) => [
    name,
    "--threads",
    String(t),
    ...extra,
  ];
  const needVenv = ids.includes("torch2") || ids.includes("jax") || ids.includes("nnc-mkl");
  const venvDir = opts.venv ?? peerVenvDir();
  const venv = needVenv ? findPeerVenv(venvDir) : { error: "not asked for" };
  const peers: Peer[] = [];
  for (const id of ids) {
    const base = { cannot: {}, unavailable: null };
    switch (id) {
      case "nnc":
      case "nnc-js": {
        const js = id === "nnc-js";
        peers.push({
          ...base,
          id,
          column: js ? "nnc JS" : "nnc",
          perSetting: !js,
          workloads: js ? JS_WORKLOADS : null,
          cannot: js
            ? { "*": "nnc's JS backend is measured on the JavaScript peers' workloads" }
            : {},
          version: `nnc (${js ? "JS backend" : "native backend"}), Deno ${Deno.version.deno}`,
          command: (w, t, extra) => [
            deno,
            "run",
            "-A",
            `${here}nnc_worker.ts`,
            ...workerArgs(w, t, extra),
          ],
          env: (t, s) => envFor(t, s, { NNC_BACKEND: js ? "js" : "native" }),
          // A worker whose libnnc did not load runs on the JS backend: not nnc native's figure.
          reject: (r) =>
            r.backend === (js ? "js" : "native") ? null : `ran on the ${r.backend} backend`,
        });
        break;
      }
      case "torch1.13":
      case "torch2": {
        const debian = id === "torch1.13";
        const python = debian ? opts.debianPython : venv.python;
        const v = python ? await torchVersion(python) : { version: "", error: venv.error };
        peers.push({
          ...base,
          id,
          column: debian ? "torch 1.13" : "torch 2.x",
          perSetting: true,
          workloads: null,
          version: v.version || (debian ? "PyTorch (Debian)" : "PyTorch (PyPI)"),
          unavailable: v.error ?? null,
          command: (w, t, extra) => [
            python ?? "python3",
            `${here}torch_worker.py`,
            ...workerArgs(w, t, extra),
          ],
          // Debian's OpenBLAS 0.3.21 does not know recent CPUs: it gets the kernel nnc runs;
          // PyTorch 2.x's MKL and oneDNN get that kernel's instruction set.
          env: (t, s) =>
            envFor(
              t,
              s,
              debian ? (s.kernel ? { OPENBLAS_CORETYPE: s.kernel } : {}) : isaCaps(s.kernel),
            ),
        });
        break;
      }
      case "jax": {
        const cmd = [venv.python ?? "python3", `${here}jax_worker.py`];
        const list = venv.python ? await listed(cmd) : { error: venv.error };
        peers.push({
          ...base,
          id,
          column: "JAX",
          perSetting: false,
          workloads: new Set(list.workloads as string[] ?? []),
          cannot: (list.cannot as Record<string, string>) ?? {},
          version: String(list.version ?? "JAX"),
          unavailable: list.error ?? null,
          command: (w, t, extra) => [...cmd, ...workerArgs(w, t, extra)],
          env: (t, s) => envFor(t, s),
        });
        break;
      }
      case "nnc-mkl": {
        // nnc's native backend with MKL as its GEMM library (NNC_BLAS), beside PyTorch 2.x, which
        // uses MKL too: the same GEMM kernels on both sides, whatever OpenBLAS does on this CPU.
        const mkl = venv.error ? { error: venv.error } : peerMklLibrary(venvDir);
        peers.push({
          ...base,
          id,
          column: "nnc (MKL)",
          perSetting: true,
          workloads: null,
          version: "error" in mkl
            ? "nnc (native backend on MKL)"
            : `nnc (native backend on ${mkl.path.split("/").pop()}), Deno ${Deno.version.deno}`,
          unavailable: "error" in mkl ? mkl.error : null,
          command: (
            w,
            t,
            extra,
          ) => [deno, "run", "-A", `${here}nnc_worker.ts`, ...workerArgs(w, t, extra)],
          // MKL's threads from libgomp (its GNU layer), held to PyTorch 2.x's instruction set.
          env: (t, s) =>
            envFor(t, s, {
              NNC_BACKEND: "native",
              NNC_BLAS: "path" in mkl ? mkl.path : "",
              MKL_THREADING_LAYER: "GNU",
              ...isaCaps(s.kernel),
            }),
          reject: (r) =>
            r.backend !== "native"
              ? `ran on the ${r.backend} backend`
              : r.blas !== "mkl"
              ? `libnnc opened ${r.blas}, not MKL`
              : null,
        });
        break;
      }
      case "tfjs-wasm":
      case "tfjs-cpu":
      case "jax-js": {
        const backend = id.replace("tfjs-", "");
        // jax-js is in the workspace's imports (the wasm backend's comparison uses it too); TF.js
        // only in bench/js_peers/deno.json, outside the workspace.
        const cmd = id === "jax-js"
          ? [deno, "run", "-A", "--cached-only", `${here}jaxjs_worker.ts`]
          : [deno, "run", "-A", "--cached-only", ...jsConfig, `${here}js_peers/tfjs_worker.ts`];
        const backendArgs = id === "jax-js" ? [] : ["--backend", backend];
        const list = await listed([...cmd, ...backendArgs]);
        peers.push({
          ...base,
          id,
          column: id === "jax-js" ? "jax-js wasm" : `TF.js ${backend}`,
          perSetting: false,
          workloads: new Set(list.workloads as string[] ?? []),
          cannot: (list.cannot as Record<string, string>) ?? {},
          version: String(list.version ?? id),
          unavailable: list.error ? `${list.error} (not installed? run ${SETUP_COMMAND})` : null,
          command: (w, t, extra) => [...cmd, ...workerArgs(w, t, extra), ...backendArgs],
          env: (t, s) => envFor(t, s),
        });
        break;
      }
      default:
        throw new RangeError(`unknown peer ${id}; known: ${PEER_IDS.join(", ")}`);
    }
  }
  return peers;
}

/** Whether `peer` runs `workload`, or the reason it does not. */
export function runs(peer: Peer, workload: string): true | string {
  if (peer.unavailable) return peer.unavailable;
  if (peer.workloads === null || peer.workloads.has(workload)) return true;
  return peer.cannot[workload] ?? peer.cannot["*"] ?? `${peer.column} has no ${workload}`;
}
