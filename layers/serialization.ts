/**
 * Saving and loading a module's state as safetensors: {@link saveModel} and {@link loadModel}
 * (plus synchronous forms), with PyTorch's tensor names and layouts, so that files move between
 * nnc and PyTorch (`safetensors.torch.save_file(model.state_dict(), ...)`) unchanged.
 *
 * @module
 */
import {
  checkOptions,
  checkPath,
  describe,
  loadSafetensors,
  loadSafetensorsSync,
  saveSafetensors,
  saveSafetensorsSync,
} from "@nnc/tensor";
import {
  type AnyModule,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
} from "./module.ts";

/**
 * Options of {@link saveModel}.
 *
 * @example
 * ```ts
 * import type { SaveModelOptions } from "@nnc/layers";
 * const o: SaveModelOptions = { metadata: { epoch: "3" } };
 * ```
 */
export interface SaveModelOptions {
  /** String metadata stored in the file's header (`format: "pt"` is always added). */
  metadata?: Record<string, string>;
}

function checkModule(module: unknown, op: string): asserts module is AnyModule {
  if (!(module instanceof Module)) {
    throw new TypeError(`${op}: expected a Module, got ${describe(module)}`);
  }
}

/**
 * Writes `module.stateDict()` to a safetensors file atomically (temporary file, then rename: a
 * crash never leaves a half-written file where a good one was). Needs `--allow-write`.
 *
 * @example
 * ```ts
 * import { Linear, loadModel, saveModel } from "@nnc/layers";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * const a = new Linear(3, 2), b = new Linear(3, 2);
 * await saveModel(path, a);
 * await loadModel(path, b);
 * console.assert(b.weight.data.toArray().toString() === a.weight.data.toArray().toString());
 * await Deno.remove(path);
 * ```
 */
export async function saveModel(
  path: string | URL,
  module: AnyModule,
  options: SaveModelOptions = {},
): Promise<void> {
  checkModule(module, "saveModel");
  const metadata = checkSave(path, options, "saveModel");
  try {
    await saveSafetensors(path, module.stateDict(), { format: "pt", ...metadata });
  } catch (e) {
    // Argument errors name this function; file-system errors keep their Deno class.
    throw e instanceof TypeError || e instanceof RangeError ? rewrap(e, "saveModel") : e;
  }
}

/** Synchronous {@link saveModel}.
 *
 * @example
 * ```ts
 * import { Linear, loadModelSync, saveModelSync } from "@nnc/layers";
 * const path = Deno.makeTempFileSync({ suffix: ".safetensors" });
 * saveModelSync(path, new Linear(2, 2));
 * console.assert(loadModelSync(path, new Linear(2, 2)).missingKeys.length === 0);
 * Deno.removeSync(path);
 * ```
 */
export function saveModelSync(
  path: string | URL,
  module: AnyModule,
  options: SaveModelOptions = {},
): void {
  checkModule(module, "saveModelSync");
  const metadata = checkSave(path, options, "saveModelSync");
  try {
    saveSafetensorsSync(path, module.stateDict(), { format: "pt", ...metadata });
  } catch (e) {
    throw e instanceof TypeError || e instanceof RangeError ? rewrap(e, "saveModelSync") : e;
  }
}

/**
 * Reads a safetensors file and loads it into `module` (see `Module.loadStateDict`). The whole
 * file is validated (a truncated or corrupted file is an error naming the file and the byte
 * offset), then every key and shape is checked, before anything is assigned: on any error the
 * module is unchanged. Needs `--allow-read`.
 *
 * @example
 * ```ts
 * import { Linear, loadModel } from "@nnc/layers";
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await Deno.writeFile(path, new Uint8Array([1, 2, 3]));
 * try {
 *   await loadModel(path, new Linear(2, 2));
 *   console.assert(false);
 * } catch (e) {
 *   console.assert((e as Error).message.startsWith("loadModel:"));
 * }
 * await Deno.remove(path);
 * ```
 */
export async function loadModel(
  path: string | URL,
  module: AnyModule,
  options: LoadStateDictOptions = {},
): Promise<LoadStateDictResult> {
  checkModule(module, "loadModel");
  let tensors;
  try {
    tensors = (await loadSafetensors(path)).tensors;
  } catch (e) {
    throw rewrap(e, "loadModel");
  }
  try {
    return module.loadStateDict(tensors, options);
  } catch (e) {
    throw rewrap(e, `loadModel: ${String(path)}`);
  }
}

/**
 * Synchronous {@link loadModel}.
 *
 * @example
 * ```ts
 * import { Linear, loadModelSync, saveModelSync } from "@nnc/layers";
 * const path = Deno.makeTempFileSync({ suffix: ".safetensors" });
 * saveModelSync(path, new Linear(2, 3));
 * try {
 *   loadModelSync(path, new Linear(2, 4)); // shapes differ: nothing is loaded
 * } catch (e) {
 *   console.assert((e as Error).message.includes("size mismatch for 'weight'"));
 * }
 * Deno.removeSync(path);
 * ```
 */
export function loadModelSync(
  path: string | URL,
  module: AnyModule,
  options: LoadStateDictOptions = {},
): LoadStateDictResult {
  checkModule(module, "loadModelSync");
  let tensors;
  try {
    tensors = loadSafetensorsSync(path).tensors;
  } catch (e) {
    throw rewrap(e, "loadModelSync");
  }
  try {
    return module.loadStateDict(tensors, options);
  } catch (e) {
    throw rewrap(e, `loadModelSync: ${String(path)}`);
  }
}

/** Checks the path and the options of a save; returns the metadata to add. */
function checkSave(path: unknown, options: unknown, op: string): Record<string, string> {
  checkPath(path, op);
  const metadata = checkOptions(options as SaveModelOptions | undefined, op).metadata ?? {};
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new TypeError(`${op}: metadata must be an object of strings, got ${describe(metadata)}`);
  }
  return metadata;
}

/** The same kind of error with the operation in front, keeping the original as `cause`. */
function rewrap(e: unknown, prefix: string): Error {
  if (!(e instanceof Error)) return new Error(`${prefix}: ${String(e)}`);
  if (e.message.startsWith(`${prefix}:`)) return e;
  const message = `${prefix}: ${e.message}`;
  if (e instanceof TypeError) return new TypeError(message, { cause: e });
  if (e instanceof RangeError) return new RangeError(message, { cause: e });
  // A file-system error keeps its class (NotFound, IsADirectory, PermissionDenied, …).
  for (const Kind of Object.values(Deno.errors)) {
    if (e.constructor === Kind) return new Kind(message, { cause: e });
  }
  return new Error(message, { cause: e });
}
