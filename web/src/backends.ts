/**
 * Backends the page can run on besides the built-in JS one, each loaded on demand in the worker.
 * The first that loads becomes the default; the page's selector lists every registered backend.
 * `@nnc/wasm` (issue 18) belongs here: `wasm: () => import("@nnc/wasm")` once it exists.
 *
 * @module
 */

/** Name → loader that registers the backend with `@nnc/tensor` when it resolves. */
export const OPTIONAL_BACKENDS: Record<string, () => Promise<unknown>> = {};
