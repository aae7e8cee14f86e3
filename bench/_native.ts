// Loads the native backend when NNC_BACKEND=native, so every worker measures the same backend.
import { getBackend } from "@nnc/tensor";

/** Imports @nnc/native when requested; returns the name of the active backend. */
export async function loadNativeIfRequested(): Promise<string> {
  if (Deno.env.get("NNC_BACKEND") === "native") {
    try {
      await import("@nnc/native");
    } catch (e) {
      console.error(
        `bench: native backend unavailable (${(e as Error).message}); using ${getBackend().name}`,
      );
    }
  }
  return getBackend().name;
}
