// Loads the backend NNC_BACKEND names (native or wasm), so every worker measures the same backend.
import { getBackend } from "@nnc/tensor";

/** Imports @nnc/native or @nnc/wasm when requested; returns the name of the active backend. */
export async function loadNativeIfRequested(): Promise<string> {
  const wanted = Deno.env.get("NNC_BACKEND");
  if (wanted === "native" || wanted === "wasm") {
    try {
      await import(wanted === "native" ? "@nnc/native" : "@nnc/wasm");
    } catch (e) {
      console.error(
        `bench: ${wanted} backend unavailable (${
          (e as Error).message
        }); using ${getBackend().name}`,
      );
    }
  }
  return getBackend().name;
}
