// Compiling libnnc from the bundled C sources with the system C compiler: shared by build.ts (the
// `build:native` task) and by ffi.ts (first use without a prebuilt library).

/** The C sources of libnnc, relative to this file. */
export const SOURCES: readonly string[] = [
  "src/nnc.h",
  "src/internal.h",
  "src/jsmath.h",
  "src/vecmath.h",
  "src/window.h",
  "src/common.c",
  "src/pool.c",
  "src/blas.c",
  "src/gemm.c",
  "src/unary.c",
  "src/binary.c",
  "src/reduce.c",
  "src/sort.c",
  "src/indexing.c",
  "src/window.c",
  "src/matmul.c",
  "src/linalg.c",
  "src/optim.c",
  "src/sparse.c",
  "src/rnn.c",
  "src/attention.c",
  "src/layer_norm.c",
  "src/memory.c",
  "src/conv.c",
  "src/activation.c",
  "src/batch_norm.c",
];

/**
 * Compiler flags. -ffp-contract=off keeps a*b+c unfused outside the GEMM micro-kernels, so results
 * round exactly as the JS backend's do; the micro-kernels use explicit FMA intrinsics.
 */
export const CFLAGS: readonly string[] = [
  "-O3",
  "-march=native",
  "-fPIC",
  "-shared",
  "-pthread",
  "-ffp-contract=off",
  "-fno-math-errno",
  "-fno-trapping-math",
  "-fvisibility=hidden",
  "-std=gnu11",
];

/**
 * Libraries to link (BLAS is opened at run time with dlopen, so nothing else is needed), and on
 * ELF systems `-z nodelete`: Deno closes FFI libraries (between test modules, at exit) while
 * libnnc's worker threads may still be spinning in its code; unmapping it then crashes them.
 */
export const LDLIBS: readonly string[] = Deno.build.os === "darwin"
  ? ["-ldl", "-lm"]
  : ["-ldl", "-lm", "-Wl,-z,nodelete"];

/**
 * Vector maths from glibc's libmvec (x86-64, glibc >= 2.35): tried first, dropped when the
 * compiler or linker rejects it (see src/vecmath.h).
 */
export const VECMATH: { cflags: readonly string[]; ldlibs: readonly string[] } = {
  cflags: ["-DNNC_LIBMVEC"],
  ldlibs: ["-lmvec"],
};

/** File name of the shared library on this OS. */
export function libraryFileName(): string {
  return Deno.build.os === "darwin" ? "libnnc.dylib" : "libnnc.so";
}

/** Raised when no C compiler can be run: the native backend is optional, so callers degrade. */
export class NoCompilerError extends Error {
  override name = "NoCompilerError";
}

/** The compiler command: `$CC` when set, otherwise `cc`. */
export function compilerCommand(): string {
  try {
    return Deno.env.get("CC") || "cc";
  } catch {
    return "cc";
  }
}

/** Result of one compiler run. */
interface Run {
  ok: boolean;
  out: string;
  args: string[];
}

async function runCc(cc: string, args: string[]): Promise<Run> {
  let res: Deno.CommandOutput;
  try {
    res = await new Deno.Command(cc, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new NoCompilerError(`no C compiler found ("${cc}"); install gcc or clang, or set CC`);
    }
    throw e;
  }
  const dec = new TextDecoder();
  return {
    ok: res.success,
    out: dec.decode(res.stderr) + dec.decode(res.stdout),
    args: [cc, ...args],
  };
}

/** Compiles every source to an object file, as many at a time as there are cores, then links. */
async function buildWith(
  cc: string,
  flags: readonly string[],
  libs: readonly string[],
  cfiles: string[],
  tmp: string,
): Promise<Run> {
  const objFlags = flags.filter((f) => f !== "-shared");
  const objects = cfiles.map((_, i) => `${tmp}.${i}.o`);
  const results: Run[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cfiles.length) {
      const i = next++;
      results[i] = await runCc(cc, [...objFlags, "-c", cfiles[i], "-o", objects[i]]);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, navigator.hardwareConcurrency || 1) }, worker),
    );
    const failed = results.find((r) => !r.ok);
    if (failed) return failed;
    const link = await runCc(cc, [...flags, "-o", tmp, ...objects, ...libs]);
    // The command as one line, for the record.
    link.args = [cc, ...flags, "-o", tmp, ...cfiles, ...libs];
    return link;
  } finally {
    for (const o of objects) {
      try {
        Deno.removeSync(o);
      } catch { /* never written */ }
    }
  }
}

/**
 * Compiles `srcDir`'s sources into `outFile` (written to a temporary name, then renamed, so that a
 * concurrent reader never sees a half-written library). Retries without `-march=native` when the
 * compiler rejects it. Throws {@link NoCompilerError} when there is no compiler, an `Error` with the
 * compiler's output when compilation fails. `cc` is the compiler: `$CC`, else `cc`, unless given.
 */
export async function compileLibrary(
  srcDir: string,
  outFile: string,
  cc: string = compilerCommand(),
): Promise<{ command: string[] }> {
  const cfiles = SOURCES.filter((s) => s.endsWith(".c")).map((s) => `${srcDir}/${s.slice(4)}`);
  const tmp = `${outFile}.${Deno.pid}.tmp`;
  const x86linux = Deno.build.os === "linux" && Deno.build.arch === "x86_64";
  let flags: readonly string[] = x86linux ? [...CFLAGS, ...VECMATH.cflags] : CFLAGS;
  let libs: readonly string[] = x86linux ? [...LDLIBS, ...VECMATH.ldlibs] : LDLIBS;
  let r = await buildWith(cc, flags, libs, cfiles, tmp);
  if (!r.ok && x86linux) {
    // No libmvec (old glibc, musl): scalar libm.
    flags = CFLAGS;
    libs = LDLIBS;
    r = await buildWith(cc, flags, libs, cfiles, tmp);
  }
  if (!r.ok && /march=native|unknown.*march|unsupported.*march/i.test(r.out)) {
    r = await buildWith(cc, flags.filter((f) => f !== "-march=native"), libs, cfiles, tmp);
  }
  if (!r.ok) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing was written */ }
    throw new Error(`compiling libnnc failed:\n${r.out.trim()}`);
  }
  Deno.renameSync(tmp, outFile);
  return { command: r.args.map((a) => (a === tmp ? outFile : a)) };
}
