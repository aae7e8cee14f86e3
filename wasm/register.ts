/**
 * Side effect: instantiates libnnc's WebAssembly build and registers the `"wasm"` backend with
 * `@nnc/tensor` (it becomes active when `NNC_BACKEND=wasm`). Where WebAssembly SIMD is missing,
 * prints one line saying why and leaves the JS backend in use. `NNC_WASM_THRESHOLDS=0` (read only
 * where the environment is readable) sends every call to the Wasm kernels, however small: what the
 * test suite runs under.
 *
 * @module
 */
import { registerBackend } from "@nnc/tensor";
import { loadWasm } from "./load.ts";
import { setDefaultWasm } from "./_state.ts";
import { WASM_NO_THRESHOLDS, WASM_THRESHOLDS } from "./thresholds.ts";
import { createWasmBackend } from "./wasm_backend.ts";

function thresholdsOff(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  try {
    const name = "NNC_WASM_THRESHOLDS";
    if (deno?.permissions?.querySync({ name: "env", variable: name }).state !== "granted") {
      return false;
    }
    return deno.env.get(name) === "0";
  } catch {
    return false;
  }
}

const load = await loadWasm();
setDefaultWasm(load);
if (load.ok) {
  registerBackend(
    createWasmBackend(load.kernels, thresholdsOff() ? WASM_NO_THRESHOLDS : WASM_THRESHOLDS),
  );
} else {
  console.warn(`@nnc/wasm: ${load.reason}; using the JS backend`);
}
