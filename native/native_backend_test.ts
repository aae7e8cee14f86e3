// The native backend against the JS oracle: @nnc/tensor's conformance suite (every kernel, the
// sparse kernels, the fused cells), thresholds off so that every call runs in libnnc.
import { referenceBackend } from "@nnc/tensor";
import { backendConformanceTests } from "@nnc/tensor/conformance";
import { createNativeBackend, loadNative, NO_THRESHOLDS } from "./mod.ts";

const lib = await loadNative();
if (!lib.ok) console.warn(`native tests skipped: ${lib.reason}`);
backendConformanceTests(
  lib.ok ? createNativeBackend(lib.symbols, NO_THRESHOLDS) : referenceBackend(),
  { label: "native", ignore: !lib.ok },
);
