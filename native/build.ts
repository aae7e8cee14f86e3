/**
 * Builds libnnc into `native/build/` with the system C compiler:
 * `deno run -A native/build.ts` (the `build:native` task).
 *
 * Without a C compiler it prints why and exits with status 0: the native backend is optional and
 * the JS backend keeps working. A compilation error exits with status 1.
 *
 * @module
 */
import { compileLibrary, libraryFileName, NoCompilerError } from "./_compile.ts";

const here = new URL(".", import.meta.url).pathname.replace(/\/$/, "");

async function main(): Promise<number> {
  const outDir = `${here}/build`;
  const outFile = `${outDir}/${libraryFileName()}`;
  try {
    Deno.mkdirSync(outDir, { recursive: true });
    const { command } = await compileLibrary(`${here}/src`, outFile);
    console.log(`native: built ${outFile}`);
    console.log(`native: ${command.join(" ")}`);
  } catch (e) {
    if (e instanceof NoCompilerError) {
      console.warn(
        `native: not built: ${e.message}; the JS backend stays in use`,
      );
      return 0;
    }
    console.error(`native: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  summarise(outFile);
  return 0;
}

/** Loads the fresh library once and prints which BLAS it found and which kernels it runs. */
function summarise(file: string): void {
  try {
    const lib = Deno.dlopen(file, {
      nnc_info: { parameters: ["buffer", "i32"], result: "i32" },
    });
    const buf = new Uint8Array(8192);
    const n = lib.symbols.nnc_info(buf, buf.length);
    const info = JSON.parse(new TextDecoder().decode(buf.subarray(0, n)));
    lib.close();
    const blas = info.blas === "builtin"
      ? "built-in GEMM (no BLAS library found)"
      : `${info.config ?? info.library}${info.coreType ? `, core ${info.coreType}` : ""}`;
    console.log(
      `native: ${blas}; LAPACK: ${
        info.lapack ?? "none (linalg uses the JS backend)"
      }; ${info.threads} threads`,
    );
  } catch (e) {
    console.warn(
      `native: built, but loading it failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

if (import.meta.main) Deno.exit(await main());
