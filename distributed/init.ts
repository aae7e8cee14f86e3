/**
 * Starting a distributed job: {@link initDistributed} (PyTorch's `init_process_group`) joins the
 * job the script was launched into by `mpirun`, or makes a job of one process;
 * {@link relaunchWithMpirun} starts the script again under `mpirun` when it was run plainly;
 * {@link mpiInfo} says whether MPI can be used here and why not.
 *
 * @module
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, describe } from "@nnc/tensor";
import { loadShim } from "./_shim.ts";
import { type Communicator, MpiCommunicator, SingleProcessCommunicator } from "./communicator.ts";
import { currentWorld, requireWorld, setWorld } from "./_world.ts";

/**
 * Whether MPI can be used, and from where.
 *
 * @example
 * ```ts
 * import { mpiInfo, type MpiInfo } from "@nnc/distributed";
 * const info: MpiInfo = await mpiInfo();
 * console.log(info.available ? info.library : `no MPI: ${info.reason}`);
 * ```
 */
export interface MpiInfo {
  /** True when the MPI shim is built and loaded. */
  available: boolean;
  /** Why not (when `available` is false). */
  reason?: string;
  /** The shim's file (libnnc_mpi.so). */
  path?: string;
  /** The MPI library's version line, e.g. `Open MPI v4.1.4, package: Debian OpenMPI, …`. */
  library?: string;
  /** True when this process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun`). */
  launched: boolean;
}

/**
 * Finds (and on first use builds, with the installation's `mpicc`) the MPI shim. Never throws.
 *
 * @example
 * ```ts
 * import { mpiInfo } from "@nnc/distributed";
 * const info = await mpiInfo();
 * console.log(info.available ? `MPI: ${info.library}` : `MPI not available: ${info.reason}`);
 * ```
 */
export async function mpiInfo(): Promise<MpiInfo> {
  const lib = await loadShim();
  return lib.ok
    ? { available: true, path: lib.path, library: lib.version, launched: launchedByMpi() }
    : { available: false, reason: lib.reason, launched: launchedByMpi() };
}

/** Variables the launchers of Open MPI, MPICH/Hydra, Intel MPI and Slurm set in every rank. */
const LAUNCHER_VARIABLES = [
  "OMPI_COMM_WORLD_SIZE",
  "PMIX_RANK",
  "PMI_SIZE",
  "PMI_RANK",
  "MPI_LOCALNRANKS",
  "SLURM_PROCID",
];

function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when an MPI launcher started this process (its environment has the launcher's variables:
 * `OMPI_COMM_WORLD_SIZE`, `PMIX_RANK`, `PMI_SIZE` …).
 *
 * @example
 * ```ts
 * import { launchedByMpi } from "@nnc/distributed";
 * console.log(launchedByMpi() ? "under mpirun" : "a plain process");
 * ```
 */
export function launchedByMpi(): boolean {
  return LAUNCHER_VARIABLES.some((v) => readEnv(v) !== undefined);
}

/**
 * Options of {@link initDistributed}.
 *
 * @example
 * ```ts
 * import type { InitDistributedOptions } from "@nnc/distributed";
 * const options: InitDistributedOptions = { backend: "auto", timeout: 120 };
 * ```
 */
export interface InitDistributedOptions {
  /**
   * `"auto"` (default): MPI when the process was started by an MPI launcher (then MPI must work:
   * anything else would train N unrelated copies), a {@link SingleProcessCommunicator} otherwise.
   * `"mpi"`: MPI always (a plain process is a job of one). `"single"`: never MPI.
   */
  backend?: "auto" | "mpi" | "single";
  /**
   * Seconds any collective may take before this rank gives up: it prints which call timed out
   * and exits with status 124, and `mpirun` ends the other ranks. Default: `NNC_MPI_TIMEOUT`, else
   * 300. 0 disables the watchdog. Set it above the longest gap between two ranks' arrivals at a
   * collective (one rank saving a checkpoint or plotting while the others wait).
   */
  timeout?: number;
}

/**
 * Joins the job: initialises MPI once (later calls return the same communicator) and registers
 * `MPI_Finalize` for the normal end of the program (an error exit skips it, so that `mpirun` ends
 * the whole job at once instead of leaving ranks waiting for the one that failed). Throws when the process was
 * launched by `mpirun` but MPI cannot be loaded, or `backend: "mpi"` was asked for without MPI.
 *
 * @example
 * ```ts
 * import { initDistributed } from "@nnc/distributed";
 * const world = await initDistributed({ backend: "single" });
 * console.log(`rank ${world.rank} of ${world.size} (${world.backend})`); // rank 0 of 1 (single)
 * ```
 */
export async function initDistributed(options: InitDistributedOptions = {}): Promise<Communicator> {
  const op = "initDistributed";
  const o = checkOptions(options, op);
  const backend = checkOneOf(o.backend ?? "auto", op, "backend", ["auto", "mpi", "single"]);
  const fromEnv = readEnv("NNC_MPI_TIMEOUT");
  const timeout = o.timeout !== undefined
    ? checkNumber(o.timeout, op, "timeout", 0)
    : fromEnv !== undefined
    ? checkNumber(Number(fromEnv), op, "NNC_MPI_TIMEOUT", 0)
    : 300;
  const world = currentWorld();
  if (world !== undefined) {
    if (backend !== "auto" && world.backend !== backend) {
      throw new RangeError(
        `${op}: already initialised with backend "${world.backend}", asked for "${backend}"`,
      );
    }
    if (world instanceof MpiCommunicator && o.timeout !== undefined) world.timeout = timeout;
    return world;
  }
  const useMpi = backend === "mpi" || (backend === "auto" && launchedByMpi());
  if (!useMpi) {
    const single = new SingleProcessCommunicator();
    setWorld(single);
    return single;
  }
  const lib = await loadShim();
  if (!lib.ok) {
    throw new Error(
      `${op}: ${
        backend === "mpi" ? 'backend "mpi" was asked for' : "this process was started by mpirun"
      } but MPI cannot be used: ${lib.reason}`,
    );
  }
  const out = new Int32Array(3);
  const rc = lib.symbols.nnc_mpi_init(timeout, out);
  if (rc !== 0) {
    const buf = new Uint8Array(512);
    const n = lib.symbols.nnc_mpi_last_error(buf, buf.length);
    throw new Error(`${op}: ${new TextDecoder().decode(buf.subarray(0, Math.max(0, n)))}`);
  }
  const mpi = new MpiCommunicator(lib.symbols, {
    rank: out[0],
    size: out[1],
    threadLevel: out[2],
    library: lib.version,
    timeout,
  });
  setWorld(mpi);
  // A normal end (the event loop ran dry, or Deno.exit(0)) finalises. An error exit (an uncaught
  // error, Deno.exit(n ≠ 0)) does not: MPI_Finalize would wait for ranks that are waiting for this
  // one, while an exit without it makes mpirun end the whole job at once.
  globalThis.addEventListener("unload", () => {
    if ((Deno.exitCode ?? 0) === 0) mpi.finalize();
  });
  return mpi;
}

/**
 * The communicator of {@link initDistributed}; throws when it has not been called.
 *
 * @example
 * ```ts
 * import { getCommunicator, initDistributed } from "@nnc/distributed";
 * await initDistributed({ backend: "single" });
 * console.log(getCommunicator().size); // 1
 * ```
 */
export function getCommunicator(): Communicator {
  return requireWorld("getCommunicator");
}

/**
 * Options of {@link relaunchWithMpirun}.
 *
 * @example
 * ```ts
 * import type { RelaunchOptions } from "@nnc/distributed";
 * const options: RelaunchOptions = { np: 2, threadsPerRank: 1 };
 * ```
 */
export interface RelaunchOptions {
  /** Number of processes (≥ 1). */
  np: number;
  /** Sets `NNC_THREADS` and `OPENBLAS_NUM_THREADS` of every rank (default: left as they are). */
  threadsPerRank?: number;
  /** More arguments for `mpirun`, before the program (`["--hostfile", "hosts"]`). */
  mpirunArgs?: readonly string[];
  /** The launcher command (default `$MPIRUN`, else `mpirun`). */
  mpirun?: string;
}

/**
 * The `mpirun` command line that runs `script` (a path) with `args` on `np` processes: this
 * Deno, the permissions this process has been granted (`-A` when all), `--oversubscribe` (more
 * ranks than cores is allowed) and, for root, `--allow-run-as-root`.
 *
 * @example
 * ```ts
 * import { mpirunCommand } from "@nnc/distributed";
 * const [cmd, ...args] = mpirunCommand({ np: 2 }, "train.ts", ["--quick"]);
 * console.log(cmd, args.includes("-np")); // mpirun true
 * ```
 */
export function mpirunCommand(
  options: RelaunchOptions,
  script: string,
  args: readonly string[] = [],
): string[] {
  const op = "mpirunCommand";
  const o = checkOptions(options, op);
  const np = checkInt(o.np, op, "np", 1);
  if (typeof script !== "string" || script === "") {
    throw new TypeError(`${op}: script must be a path, got ${describe(script)}`);
  }
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string")) {
    throw new TypeError(`${op}: args must be an array of strings, got ${describe(args)}`);
  }
  const extra = o.mpirunArgs ?? [];
  if (!Array.isArray(extra) || extra.some((a) => typeof a !== "string")) {
    throw new TypeError(`${op}: mpirunArgs must be an array of strings, got ${describe(extra)}`);
  }
  const launcher = o.mpirun ?? readEnv("MPIRUN") ?? "mpirun";
  const cmd = [launcher, "-np", String(np), "--oversubscribe"];
  if (isRoot()) cmd.push("--allow-run-as-root");
  if (o.threadsPerRank !== undefined) {
    const t = String(checkInt(o.threadsPerRank, op, "threadsPerRank", 1));
    cmd.push("-x", `NNC_THREADS=${t}`, "-x", `OPENBLAS_NUM_THREADS=${t}`);
  }
  cmd.push(...extra, Deno.execPath(), "run", ...grantedFlags(), script, ...args);
  return cmd;
}

function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/** The permission flags this process holds globally, to pass on to the ranks. */
function grantedFlags(): string[] {
  const names = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;
  const held = names.filter((name) => {
    try {
      return Deno.permissions.querySync({ name } as Deno.PermissionDescriptor).state === "granted";
    } catch {
      return false;
    }
  });
  return held.length === names.length ? ["-A"] : held.map((n) => `--allow-${n}`);
}

/**
 * Starts this script again under `mpirun` with `np` processes, the same arguments and
 * permissions, and waits for the job; returns its exit status. Returns `null` without starting
 * anything when the process already runs under an MPI launcher, or MPI cannot be used here (then
 * the script goes on as one process). Typical use, at the top of a script:
 *
 * ```ts ignore
 * const status = await relaunchWithMpirun({ np: 2, threadsPerRank: 1 });
 * if (status !== null) Deno.exit(status);
 * const world = await initDistributed(); // under mpirun: rank 0 or 1 of 2
 * ```
 *
 * @example
 * ```ts
 * import { relaunchWithMpirun } from "@nnc/distributed";
 * // In a doc test there is no script to relaunch when MPI is absent: null means "go on here".
 * console.log(typeof relaunchWithMpirun); // function
 * ```
 */
export async function relaunchWithMpirun(options: RelaunchOptions): Promise<number | null> {
  const op = "relaunchWithMpirun";
  checkOptions(options, op);
  checkInt(options.np, op, "np", 1);
  if (launchedByMpi() || readEnv("NNC_MPI_RELAUNCHED") === "1") return null;
  const info = await mpiInfo();
  if (!info.available) {
    console.error(`${op}: running as one process: ${info.reason}`);
    return null;
  }
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:") return null;
  const [cmd, ...args] = mpirunCommand(options, main.pathname, Deno.args);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      env: { NNC_MPI_RELAUNCHED: "1", NNC_MPI_PARENT_TTY: Deno.stdout.isTerminal() ? "1" : "0" },
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      console.error(`${op}: running as one process: no "${cmd}" on PATH (install openmpi-bin)`);
      return null;
    }
    throw e;
  }
  return (await child.status).code;
}
