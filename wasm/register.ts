/**
 * Side effect: instantiates libnnc's WebAssembly build and registers the `"wasm"` backend with
 * `@nnc/tensor` (it becomes active when `NNC_BACKEND=wasm`). Where WebAssembly SIMD is missing,
 * prints one line saying why and leaves the JS backend in use.
 *
 * @module
 */
import { registerBackend } from "@nnc/tensor";
import { loadWasm } from "./load.ts";
import { setDefaultWasm } from "./_state.ts";
import { createWasmBackend } from "./wasm_backend.ts";

const load = await loadWasm();
setDefaultWasm(load);
if (load.ok) registerBackend(createWasmBackend(load.kernels));
else console.warn(`@nnc/wasm: ${load.reason}; using the JS backend`);
