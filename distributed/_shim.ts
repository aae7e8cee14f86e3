// Finding, building and opening libnnc_mpi (src/mpi_shim.c) with Deno.dlopen.
//
// Looked for in this order: the file named by NNC_MPI_LIB; a per-user cache
// ($XDG_CACHE_HOME/nnc/mpi-<hash>/ or ~/.cache/nnc/mpi-<hash>/) where the shim is compiled on first
// use with the MPI installation's own compiler wrapper (`$MPICC`, else `mpicc`), the hash covering
// the source and the wrapper's flags (so another MPI installation gets its own build). Any failure
// comes back as a reason: MPI is optional, and a program without it runs as one process.

const SOURCE = "src/mpi_shim.c";

/** The C entry points of libnnc_mpi. */
export const MPI_SYMBOLS = {
  nnc_mpi_init: { parameters: ["f64", "buffer"], result: "i32" },
  nnc_mpi_allreduce: { parameters: ["buffer", "i64", "i32", "i32"], result: "i32" },
  nnc_mpi_enqueue_allreduce: { parameters: ["buffer", "i64", "i32", "i32"], result: "i32" },
  nnc_mpi_wait_all: { parameters: [], result: "i32" },
  nnc_mpi_bcast: { parameters: ["buffer", "i64", "i32", "i32"], result: "i32" },
  nnc_mpi_barrier: { parameters: [], result: "i32" },
  nnc_mpi_finalize: { parameters: [], result: "i32" },
  nnc_mpi_abort: { parameters: ["i32"], result: "i32" },
  nnc_mpi_set_timeout: { parameters: ["f64"], result: "i32" },
  nnc_mpi_stats: { parameters: ["buffer", "i32"], result: "i32" },
  nnc_mpi_last_error: { parameters: ["buffer", "i32"], result: "i32" },
  nnc_mpi_library_version: { parameters: ["buffer", "i32"], result: "i32" },
} as const;

/** The opened shim's functions. */
export type MpiSymbols = Deno.DynamicLibrary<typeof MPI_SYMBOLS>["symbols"];

/** An opened shim, or why there is none. */
export type MpiLoad =
  | { ok: true; symbols: MpiSymbols; path: string; source: "env" | "cache"; version: string }
  | { ok: false; reason: string };

function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

function env(name: string): string | undefined {
  if (!granted({ name: "env", variable: name })) return undefined;
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** Raised when there is no MPI compiler wrapper: MPI is not installed (for development). */
class NoMpiCompilerError extends Error {
  override name = "NoMpiCompilerError";
}

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  let res: Deno.CommandOutput;
  try {
    res = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new NoMpiCompilerError(
        `no MPI compiler wrapper "${cmd}" (install Open MPI: apt-get install libopenmpi-dev openmpi-bin; or set MPICC)`,
      );
    }
    throw e;
  }
  const dec = new TextDecoder();
  return { ok: res.success, out: (dec.decode(res.stderr) + dec.decode(res.stdout)).trim() };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")
    .slice(0, 16);
}

function cacheRoot(): string | undefined {
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/nnc`;
  const home = env("HOME");
  return home ? `${home}/.cache/nnc` : undefined;
}

const FLAGS = ["-O2", "-fPIC", "-shared", "-pthread", "-fvisibility=hidden", "-std=gnu11"];

/** Compiles the shim into the per-user cache (once per source and MPI installation). */
async function compileInCache(): Promise<string> {
  const root = cacheRoot();
  if (!root) throw new Error("no HOME or XDG_CACHE_HOME to cache a build of the MPI shim in");
  if (!granted({ name: "run" })) {
    throw new Error("building the MPI shim needs --allow-run (for mpicc)");
  }
  const url = new URL(SOURCE, import.meta.url);
  const source = url.protocol === "file:"
    ? Deno.readTextFileSync(url)
    : await (await fetch(url)).text();
  const mpicc = env("MPICC") ?? "mpicc";
  // Open MPI's wrapper says what it adds with -showme, MPICH's with -show.
  let show = await run(mpicc, ["-showme"]);
  if (!show.ok) show = await run(mpicc, ["-show"]);
  const key = await sha256Hex([source, mpicc, show.out, FLAGS.join(" ")].join("\n"));
  const dir = `${root}/mpi-${key}`;
  const file = `${dir}/libnnc_mpi.so`;
  if (isFile(file)) return file;
  if (!granted({ name: "write", path: root })) {
    throw new Error(`building the MPI shim needs --allow-write for ${root}`);
  }
  Deno.mkdirSync(dir, { recursive: true });
  const src = `${dir}/mpi_shim.c`;
  const tmp = `${file}.${Deno.pid}.tmp`;
  Deno.writeTextFileSync(`${src}.${Deno.pid}.tmp`, source);
  Deno.renameSync(`${src}.${Deno.pid}.tmp`, src);
  const r = await run(mpicc, [...FLAGS, "-o", tmp, src, "-ldl"]);
  if (!r.ok) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never written */ }
    throw new Error(`compiling the MPI shim with ${mpicc} failed: ${r.out}`);
  }
  // Atomic: ranks that start together may all build; each renames a complete file into place.
  Deno.renameSync(tmp, file);
  return file;
}

function open(path: string): { symbols: MpiSymbols; version: string } {
  const lib = Deno.dlopen(path, MPI_SYMBOLS);
  const buf = new Uint8Array(512);
  const n = lib.symbols.nnc_mpi_library_version(buf, buf.length);
  const version = new TextDecoder().decode(buf.subarray(0, Math.max(0, n))).split("\n")[0].trim();
  return { symbols: lib.symbols, version };
}

let loading: Promise<MpiLoad> | undefined;
let settled: MpiLoad | undefined;

/** Opens the shim once (later calls return the same result); never throws. */
export function loadShim(): Promise<MpiLoad> {
  loading ??= load().then((r) => (settled = r));
  return loading;
}

/** The settled result of {@link loadShim}, `undefined` before. */
export function loadedShim(): MpiLoad | undefined {
  return settled;
}

async function load(): Promise<MpiLoad> {
  if (!granted({ name: "ffi" })) return { ok: false, reason: "--allow-ffi is not granted" };
  const explicit = env("NNC_MPI_LIB");
  if (explicit) {
    try {
      return { ok: true, ...open(explicit), path: explicit, source: "env" };
    } catch (e) {
      return { ok: false, reason: `NNC_MPI_LIB=${explicit}: ${message(e)}` };
    }
  }
  try {
    const file = await compileInCache();
    return { ok: true, ...open(file), path: file, source: "cache" };
  } catch (e) {
    return { ok: false, reason: message(e) };
  }
}
