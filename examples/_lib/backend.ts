// The backend the examples run on: @nnc/native (OpenBLAS behind FFI) when it loads, the JS backend
// otherwise or under NNC_BACKEND=js.
import { getBackend, listBackends, useBackend } from "@nnc/tensor";

/**
 * Loads @nnc/native (building libnnc on first use) and makes it the active backend unless
 * NNC_BACKEND=js; says what runs. Falls back to the JS backend with a message.
 */
export async function preferNative(): Promise<string> {
  if (Deno.env.get("NNC_BACKEND") !== "js") {
    try {
      const specifier = "@nnc/native"; // optional: the examples also run without it
      const native = await import(specifier);
      if (listBackends().includes("native")) useBackend("native");
      const info = native.nativeInfo?.();
      if (info?.available) {
        return `native (${info.blas ?? "built-in GEMM"}, ${info.threads ?? "?"} threads)`;
      }
    } catch (e) {
      console.error(`native backend unavailable (${(e as Error).message}); using the JS backend`);
    }
  }
  return getBackend().name;
}
