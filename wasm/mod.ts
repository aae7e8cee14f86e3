/**
 * `@nnc/wasm`: libnnc's kernels compiled to WebAssembly with 128-bit SIMD, a backend of
 * `@nnc/tensor` for browsers and for Deno without `--allow-ffi`. Importing it instantiates the
 * module (bundled in the package: no file or network access) and registers the `"wasm"` backend;
 * `NNC_BACKEND=wasm` or `useBackend("wasm")` activates it.
 *
 * @example
 * ```ts
 * import "@nnc/wasm";
 * import { array, matmul, useBackend } from "@nnc/tensor";
 * import { wasmInfo } from "@nnc/wasm";
 * if (wasmInfo().available) {
 *   useBackend("wasm");
 *   console.assert(matmul(array([[1, 2]]), array([[3], [4]])).item() === 11);
 *   useBackend("js");
 * }
 * ```
 *
 * @module
 */
import "./register.ts";

export * from "./info.ts";
export * from "./load.ts";
export * from "./thresholds.ts";
export * from "./wasm_backend.ts";
