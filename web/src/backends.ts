/**
 * Backends the page can run on besides the built-in JS one, each loaded on demand in the worker.
 * The first that loads becomes the default; the page's selector lists every registered backend.
 * `@nnc/wasm` carries its binary inside the module, so the bundle needs no extra file.
 *
 * @module
 */

/** Name → loader that registers the backend with `@nnc/tensor` when it resolves. */
export const OPTIONAL_BACKENDS: Record<string, () => Promise<unknown>> = {
  wasm: () => import("@nnc/wasm"),
};
