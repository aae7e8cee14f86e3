/**
 * `@nnc/native`: the C backend of `@nnc/tensor`. Importing it opens libnnc (building it on first use
 * when needed) and registers the `"native"` backend; `NNC_BACKEND=native` or `useBackend("native")`
 * activates it. GEMM and LAPACK come from OpenBLAS (or another BLAS) when installed, from libnnc's
 * own kernels otherwise.
 *
 * @example
 * ```ts
 * import "@nnc/native";
 * import { nativeInfo } from "@nnc/native";
 * const info = nativeInfo();
 * console.log(info.available ? `native: ${info.blas}` : `JS only: ${info.reason}`);
 * ```
 *
 * ## See also
 *
 * The nnc packages: [@nnc/tensor](https://jsr.io/@nnc/tensor), [@nnc/native](https://jsr.io/@nnc/native), [@nnc/autograd](https://jsr.io/@nnc/autograd), [@nnc/layers](https://jsr.io/@nnc/layers), [@nnc/optim](https://jsr.io/@nnc/optim), [@nnc/datasets](https://jsr.io/@nnc/datasets), [@nnc/plot](https://jsr.io/@nnc/plot), [@nnc/train](https://jsr.io/@nnc/train), [@nnc/models](https://jsr.io/@nnc/models).
 * Examples and notebooks: the repository's `examples/` and `examples/notebooks/` folders.
 *
 * @module
 */
import "./register.ts";

export * from "./info.ts";
export * from "./ffi.ts";
export * from "./native_backend.ts";
export * from "./thresholds.ts";
