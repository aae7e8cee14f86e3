/**
 * Side effect: opens libnnc and registers the native backend with `@nnc/tensor` (it becomes active
 * when `NNC_BACKEND=native`). When libnnc cannot be loaded, prints one line saying why and leaves
 * the JS backend in use.
 *
 * @module
 */
import { registerBackend } from "@nnc/tensor";
import { loadNative } from "./ffi.ts";
import { createNativeBackend } from "./native_backend.ts";

const lib = await loadNative();
if (lib.ok) registerBackend(createNativeBackend(lib.symbols));
else console.warn(`@nnc/native: ${lib.reason}; using the JS backend`);
