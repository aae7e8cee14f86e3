/**
 * Builds `wasm/nnc.wasm` (and its base64 twin `wasm/_nnc_wasm.ts`, what the package imports) from
 * libnnc's C sources with Debian's clang for the wasm32-wasi target: `deno task build:wasm`.
 * `--check` builds into a temporary folder and fails unless the result equals the committed files
 * byte for byte (`deno task test:wasm-build`).
 *
 * Sources: every `native/src/*.c` except the files that need an operating system
 * ({@link NATIVE_EXCLUDED}: BLAS loading with dlopen and cpuid, the POSIX thread pool, the BLAS
 * dispatch of the GEMM), which `wasm/src/*.c` replace. A new kernel file in native/src is picked up
 * with no change here; a new native file that needs an OS is one more line in NATIVE_EXCLUDED (and a
 * replacement in wasm/src). The exports are every `NNC_API` function of native/src/nnc.h and
 * wasm/src/wasm.h, so a new entry point is exported as soon as nnc.h declares it.
 *
 * Reproducible: pinned flags, sources in sorted order, relative paths, no debug information, names
 * and producers stripped; the toolchain is pinned too ({@link TOOLCHAIN}), and `--check` says so
 * (and skips, unless `NNC_REQUIRE_WASM=1`) when another clang or wasi-libc would make other bytes.
 *
 * @module
 */

/** The toolchain whose output is committed: Debian 12's clang-19, lld-19, wasi-libc, compiler-rt. */
export const TOOLCHAIN = {
  clang: "clang-19",
  clangVersion: "19.1.7",
  wasiLibc: "0.0~git20220510.9886d3d-2",
  packages: ["clang-19", "lld-19", "libclang-rt-19-dev-wasm32", "wasi-libc"],
} as const;

/** native/src files the WebAssembly build replaces with its own (in wasm/src). */
export const NATIVE_EXCLUDED: readonly string[] = [
  "blas.c", // dlopen of a BLAS/LAPACK, cpuid, malloc tuning → wasm/src/platform.c
  "gemm.c", // BLAS dispatch, x86 micro-kernels → wasm/src/gemm_simd128.c
  "pool.c", // POSIX thread pool → wasm/src/pool.c
];

/** Compiler flags (pinned: the committed binary depends on them). */
export const WASM_CFLAGS: readonly string[] = [
  "--target=wasm32-wasi",
  "-O3",
  "-msimd128",
  "-mbulk-memory",
  "-mnontrapping-fptoint",
  "-msign-ext",
  "-mmutable-globals",
  "-ffp-contract=off",
  "-fno-math-errno",
  "-fvisibility=hidden",
  "-std=gnu11",
];

/** Initial linear memory (stack + data + first heap pages), in bytes. */
export const INITIAL_MEMORY = 2 * 1024 * 1024;
/** The largest linear memory a wasm32 module can address. */
export const MAX_MEMORY = 4 * 1024 * 1024 * 1024;

/** Linker flags: memory comes from JavaScript (so that a backend can cap it), stack first (an
 * overflow traps instead of overwriting data), a reactor (`_initialize`, no `main`), the function
 * table exported and growable (the loader adds the relaxed-SIMD GEMM kernel to it). */
export const WASM_LDFLAGS: readonly string[] = [
  "--target=wasm32-wasi",
  "-mexec-model=reactor",
  "-Wl,--import-memory",
  "-Wl,--export-table",
  "-Wl,--growable-table",
  `-Wl,--initial-memory=${INITIAL_MEMORY}`,
  `-Wl,--max-memory=${MAX_MEMORY}`,
  "-Wl,-z,stack-size=1048576",
  "-Wl,--stack-first",
  "-Wl,--strip-all",
];

/** The relaxed-SIMD GEMM kernel module: one function, no libc, no data, no stack; it imports the
 * main module's memory. */
export const RELAXED_SOURCE = "wasm/src/relaxed/ukr_relaxed.c";
export const RELAXED_FLAGS: readonly string[] = [
  "--target=wasm32",
  "-nostdlib",
  "-O3",
  "-msimd128",
  "-mrelaxed-simd",
  "-ffp-contract=off",
  "-Wl,--no-entry",
  "-Wl,--import-memory",
  "-Wl,--strip-all",
];

const root = new URL("../", import.meta.url);
const rel = (p: string) => new URL(p, root).pathname;

/** The C sources in link order: native/src/*.c (sorted) minus the excluded, then wasm/src/*.c. */
export function sourceFiles(): string[] {
  const list = (dir: string) =>
    [...Deno.readDirSync(rel(dir))]
      .filter((e) => e.isFile && e.name.endsWith(".c"))
      .map((e) => e.name)
      .sort();
  return [
    ...list("native/src").filter((f) => !NATIVE_EXCLUDED.includes(f)).map((f) => `native/src/${f}`),
    ...list("wasm/src").map((f) => `wasm/src/${f}`),
  ];
}

/** Every `NNC_API` function declared in native/src/nnc.h and wasm/src/wasm.h, in file order. */
export function exportedFunctions(): string[] {
  const names: string[] = [];
  for (const h of ["native/src/nnc.h", "wasm/src/wasm.h"]) {
    const text = Deno.readTextFileSync(rel(h));
    for (const m of text.matchAll(/NNC_API\s+[\w\s*]*?\b(nnc_\w+)\s*\(/g)) {
      if (!names.includes(m[1])) names.push(m[1]);
    }
  }
  return names;
}

async function run(cmd: string, args: string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, cwd: rel("."), stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new ToolchainError(`${cmd} is not installed`);
    throw e;
  }
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}\n${dec.decode(out.stderr)}${dec.decode(out.stdout)}`);
  }
  return dec.decode(out.stdout);
}

/** The toolchain is missing or is not the pinned one. */
class ToolchainError extends Error {
  override name = "ToolchainError";
}

/** The clang to run: `WASM_CC` when set, else the pinned one. */
export function compilerCommand(): string {
  return Deno.env.get("WASM_CC") || TOOLCHAIN.clang;
}

/** Why the installed toolchain would not reproduce the committed bytes, or null. */
async function toolchainMismatch(cc: string): Promise<string | null> {
  const version = (await run(cc, ["--version"])).split("\n")[0];
  if (!version.includes(`clang version ${TOOLCHAIN.clangVersion}`)) {
    return `${cc} is "${version}", the committed build used clang ${TOOLCHAIN.clangVersion}`;
  }
  try {
    const libc = await run("dpkg-query", ["-W", "-f=${Version}", "wasi-libc"]);
    if (libc !== TOOLCHAIN.wasiLibc) {
      return `wasi-libc is ${libc}, the committed build used ${TOOLCHAIN.wasiLibc}`;
    }
  } catch {
    return "cannot tell the wasi-libc version (no dpkg-query)";
  }
  return null;
}

/** Ids of the sections of a WebAssembly binary, in order. */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at++]);
    let size = 0, shift = 0, b: number;
    do {
      b = bytes[at++];
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    at += size;
  }
  return ids;
}

const DATA_SECTION = 11;

/** Compiles the relaxed-SIMD kernel module into `outFile`; returns its command. */
async function buildRelaxed(cc: string, outFile: string): Promise<string[]> {
  await run(cc, [...RELAXED_FLAGS, RELAXED_SOURCE, "-o", outFile]);
  if (sectionIds(await Deno.readFile(outFile)).includes(DATA_SECTION)) {
    throw new Error(`${RELAXED_SOURCE} must have no data: it shares the main module's memory`);
  }
  return [cc, ...RELAXED_FLAGS, RELAXED_SOURCE, "-o", "wasm/nnc_relaxed_gemm.wasm"];
}

/** Compiles and links into `outFile`; returns the link command. */
async function build(cc: string, outFile: string): Promise<string[]> {
  const tmp = await Deno.makeTempDir({ prefix: "nnc-wasm-" });
  try {
    const sources = sourceFiles();
    const objects = sources.map((_, i) => `${tmp}/${i}.o`);
    let next = 0;
    const worker = async () => {
      while (next < sources.length) {
        const i = next++;
        await run(cc, [...WASM_CFLAGS, "-c", sources[i], "-o", objects[i]]);
      }
    };
    await Promise.all(Array.from({ length: navigator.hardwareConcurrency || 1 }, worker));
    const exports = exportedFunctions().map((f) => `-Wl,--export=${f}`);
    const link = [...WASM_LDFLAGS, ...exports, "-o", outFile, ...objects];
    await run(cc, link);
    return [cc, ...WASM_CFLAGS, ...WASM_LDFLAGS, ...exports, "-o", "wasm/nnc.wasm", ...sources];
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** The TypeScript module that carries the binaries (what `@nnc/wasm` imports: no file or network
 * access is needed to load them, in Deno or in a browser). */
export function moduleText(bytes: Uint8Array, relaxed: Uint8Array): string {
  return `// Generated by wasm/build.ts (deno task build:wasm) from libnnc's C sources: do not edit.
// nnc.wasm (${bytes.length} bytes) and nnc_relaxed_gemm.wasm (${relaxed.length} bytes) as base64, so
// that loading them needs no file or network access.

/** Initial size of linear memory, in 64 KiB pages (the module imports a memory at least this big). */
export const NNC_WASM_INITIAL_PAGES: number = ${INITIAL_MEMORY / 65536};

/** The relaxed-SIMD float32 GEMM kernel module, base64-encoded. */
export const NNC_RELAXED_GEMM_BASE64: string =
  "${base64(relaxed)}";

/** The WebAssembly build of libnnc, base64-encoded. */
export const NNC_WASM_BASE64: string =
  "${base64(bytes)}";
`;
}

async function main(): Promise<number> {
  const check = Deno.args.includes("--check");
  const required = Deno.env.get("NNC_REQUIRE_WASM") === "1" ||
    Deno.env.get("NNC_REQUIRE_NATIVE") === "1";
  const cc = compilerCommand();
  try {
    const mismatch = await toolchainMismatch(cc);
    if (mismatch) {
      const msg = `wasm: ${mismatch}; install Debian's ${
        TOOLCHAIN.packages.join(" ")
      } for a byte-identical build`;
      if (check) {
        if (required) {
          console.error(`${msg} (NNC_REQUIRE_WASM=1 makes this an error)`);
          return 1;
        }
        console.log(`wasm build check skipped: ${msg}`);
        return 0;
      }
      console.warn(`${msg}; building anyway`);
    }
    const tmp = await Deno.makeTempDir({ prefix: "nnc-wasm-out-" });
    try {
      const command = await build(cc, `${tmp}/nnc.wasm`);
      const relaxedCommand = await buildRelaxed(cc, `${tmp}/nnc_relaxed_gemm.wasm`);
      const bytes = await Deno.readFile(`${tmp}/nnc.wasm`);
      const relaxed = await Deno.readFile(`${tmp}/nnc_relaxed_gemm.wasm`);
      const text = moduleText(bytes, relaxed);
      const wasmPath = rel("wasm/nnc.wasm"), tsPath = rel("wasm/_nnc_wasm.ts");
      const relaxedPath = rel("wasm/nnc_relaxed_gemm.wasm");
      if (check) {
        const same = (path: string, want: Uint8Array) => {
          try {
            const have = Deno.readFileSync(path);
            return have.length === want.length && have.every((b, i) => b === want[i]);
          } catch {
            return false;
          }
        };
        const ok = same(wasmPath, bytes) && same(relaxedPath, relaxed) &&
          same(tsPath, new TextEncoder().encode(text));
        if (!ok) {
          console.error(
            "wasm: wasm/nnc.wasm, wasm/nnc_relaxed_gemm.wasm or wasm/_nnc_wasm.ts differs from a " +
              "fresh build of the C sources; run `deno task build:wasm` and commit the three files",
          );
          return 1;
        }
        console.log(`wasm: the committed nnc.wasm (${bytes.length} bytes) matches a fresh build`);
        return 0;
      }
      await Deno.writeFile(wasmPath, bytes);
      await Deno.writeFile(relaxedPath, relaxed);
      await Deno.writeTextFile(tsPath, text);
      console.log(
        `wasm: built wasm/nnc.wasm (${bytes.length} bytes), wasm/nnc_relaxed_gemm.wasm (${relaxed.length} bytes) and wasm/_nnc_wasm.ts`,
      );
      console.log(`wasm: ${command.join(" ")}`);
      console.log(`wasm: ${relaxedCommand.join(" ")}`);
      return 0;
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  } catch (e) {
    if (e instanceof ToolchainError) {
      const msg = `wasm: ${e.message}; install Debian's ${TOOLCHAIN.packages.join(" ")}`;
      if (check && !required) {
        console.log(`wasm build check skipped: ${msg}`);
        return 0;
      }
      console.error(msg);
      return 1;
    }
    console.error(`wasm: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main());
