/**
 * A conformance suite for anyone implementing a {@link Backend}: {@link backendConformanceTests}
 * registers `Deno.test` cases that run every kernel of a candidate backend and of the JS oracle
 * (`referenceBackend()`) on the same seeded random inputs (strided, transposed, reversed, broadcast
 * and offset views, special values, every dtype, small and large sizes) and compare their outputs
 * (whole storages, so that elements a kernel must not touch are compared too). The native and the
 * WebAssembly backends both run it; their test files are a call to it.
 *
 * The helpers the suite is built from (a seeded generator {@link Rand}, random views
 * {@link randomView}, tolerances {@link tolFor} and the comparison {@link diff}) are exported for a
 * backend's own extra cases.
 *
 * @example A backend's test file (`my_backend_test.ts`, run by `deno test`)
 * ```ts ignore
 * import { backendConformanceTests } from "@nnc/tensor/conformance";
 * import { createMyBackend, loadMyLibrary } from "./mod.ts";
 *
 * const lib = await loadMyLibrary();
 * if (!lib.ok) console.warn(`my backend tests skipped: ${lib.reason}`);
 * backendConformanceTests(createMyBackend(lib), { label: "mine", ignore: !lib.ok });
 * ```
 *
 * @module
 */
import type { Backend } from "./backend.ts";
import { checkBool, checkOptions, describe } from "./check.ts";
import { registerKernelCases } from "./_conformance_kernels.ts";
import { registerSparseCases } from "./_conformance_sparse.ts";
import { registerRnnCellCases } from "./_conformance_rnn_cell.ts";

export * from "./backend_fuzz.ts";

/** Options of {@link backendConformanceTests}. */
export interface ConformanceOptions {
  /**
   * The backend's name in test names (`native matches JS: matmul (500 cases)`), and the prefix its
   * own error messages carry (`native spmm: column 5 is out of range …`), which the sparse
   * index checks expect.
   */
  label: string;
  /**
   * Register every case as ignored, e.g. when the backend's library could not be loaded (the test
   * runner then reports them as skipped rather than passing them). Default false.
   */
  ignore?: boolean;
}

/**
 * Registers the conformance cases of `candidate` against the JS oracle (`referenceBackend()`) with
 * `Deno.test`, one test per kernel group with a fixed seed: elementwise, reductions, matmul,
 * indexing, sorting, windows, convolution, normalization, attention, linear algebra, optimizer
 * steps, sparse kernels (and their rejection of bad indices) and the fused LSTM/GRU cells. Call it
 * at the top level of a test file. The candidate should run every call itself (dispatch thresholds
 * off), or the cases compare the oracle with itself.
 *
 * @example At the top level of a test file (the JS backend against itself, skipped)
 * ```ts ignore
 * import { referenceBackend } from "@nnc/tensor";
 * import { backendConformanceTests } from "@nnc/tensor/conformance";
 * backendConformanceTests(referenceBackend(), { label: "js", ignore: true });
 * ```
 *
 * @example Bad options register nothing and say why
 * ```ts
 * import { referenceBackend } from "@nnc/tensor";
 * import { backendConformanceTests } from "@nnc/tensor/conformance";
 * try {
 *   backendConformanceTests(referenceBackend(), { label: "" });
 * } catch (e) {
 *   console.assert(e instanceof TypeError && /label must be a non-empty string/.test(e.message));
 * }
 * ```
 */
export function backendConformanceTests(candidate: Backend, options: ConformanceOptions): void {
  const op = "backendConformanceTests";
  checkOptions(options, op, "a label");
  if (typeof candidate !== "object" || candidate === null) {
    throw new TypeError(
      `backendConformanceTests: candidate must be a Backend, got ${describe(candidate)}`,
    );
  }
  if (typeof options.label !== "string" || options.label === "") {
    throw new TypeError(
      `backendConformanceTests: label must be a non-empty string, got ${describe(options.label)}`,
    );
  }
  const ignore = options.ignore === undefined ? false : checkBool(options.ignore, op, "ignore");
  registerKernelCases(candidate, options.label, ignore);
  registerSparseCases(candidate, options.label, ignore);
  registerRnnCellCases(candidate, options.label, ignore);
}
