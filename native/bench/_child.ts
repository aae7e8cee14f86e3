/**
 * The start of a benchmark's child process: loads libnnc, registers the native backend and makes it
 * the active one. When libnnc cannot be loaded it prints `{"error": …}` as the child's one line of
 * JSON (what the parent process reads) and returns false.
 *
 * @module
 */
import { useBackend } from "@nnc/tensor";
import { loadNative } from "../mod.ts";

/**
 * Activates the native backend in this child process; false (after printing the error as JSON)
 * when libnnc is unavailable.
 *
 * @example
 * ```ts ignore
 * import { startNativeChild } from "./_child.ts";
 * if (await startNativeChild()) console.log(JSON.stringify({ ok: true }));
 * ```
 */
export async function startNativeChild(): Promise<boolean> {
  const lib = await loadNative();
  if (!lib.ok) {
    console.log(JSON.stringify({ error: `native backend unavailable: ${lib.reason}` }));
    return false;
  }
  await import("../register.ts");
  useBackend("native");
  return true;
}
