// The WebAssembly backend against the JS oracle: @nnc/tensor's conformance suite (every kernel, the
// sparse kernels, the fused cells), thresholds off so that every call runs in Wasm (copies into
// linear memory and back included), the same cases as native/native_backend_test.ts.
import { referenceBackend } from "@nnc/tensor";
import { backendConformanceTests } from "@nnc/tensor/conformance";
import { createWasmBackend, loadWasm, WASM_NO_THRESHOLDS } from "./mod.ts";

const lib = await loadWasm();
if (!lib.ok) console.warn(`wasm tests skipped: ${lib.reason}`);
backendConformanceTests(
  lib.ok ? createWasmBackend(lib.kernels, WASM_NO_THRESHOLDS) : referenceBackend(),
  { label: "wasm", ignore: !lib.ok },
);
