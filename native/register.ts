/**
 * Side effect: opens libnnc and registers the native backend with `@nnc/tensor` (it becomes active
 * when `NNC_BACKEND=native`), and lets `@nnc/tensor` see buffer addresses so that large storages
 * start 64-byte aligned (`setStorageAddressProbe`: OpenBLAS's kernels run 2 % faster on such
 * operands). When libnnc cannot be loaded, prints one line saying why and leaves the JS backend in
 * use.
 *
 * @module
 */
import { registerBackend, setStorageAddressProbe } from "@nnc/tensor";
import { loadNative } from "./ffi.ts";
import { createNativeBackend } from "./native_backend.ts";

const lib = await loadNative();
if (lib.ok) {
  registerBackend(createNativeBackend(lib.symbols));
  // Through a libnnc call, not Deno.UnsafePointer.of: that kept every buffer it saw alive longer
  // (W8 at 2 threads: peak 120 → 165 MB, steps 10–20 % slower). The address modulo 4096 is enough.
  const addressMod = lib.symbols.nnc_address_mod;
  setStorageAddressProbe((buffer) => addressMod(new Uint8Array(buffer), 4096));
} else console.warn(`@nnc/native: ${lib.reason}; using the JS backend`);
