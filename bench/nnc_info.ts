/**
 * Prints `nativeInfo()` of the native backend as one JSON line: which BLAS, OpenBLAS kernel set and
 * threads a process started with this environment gets. bench/compare.ts and bench/cold_start.ts
 * run it once per OPENBLAS_CORETYPE setting, to give the other OpenBLAS peers the same kernel.
 *
 * Usage: `deno run -A bench/nnc_info.ts`
 *
 * @module
 */
import { nativeInfo } from "@nnc/native";

console.log(JSON.stringify(nativeInfo()));
