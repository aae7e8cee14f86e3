/**
 * Saving and loading optimiser state through safetensors: buffers as tensors named
 * `state.<index>.<name>` (`state.0.exp_avg`), counters, parameter groups and an optional
 * schedule state as JSON in `__metadata__`. Files are written atomically (temporary file, then
 * rename), so a crash never leaves a half-written checkpoint.
 *
 * @module
 */
import {
  checkOptions,
  checkPath,
  decodeSafetensors,
  describe,
  encodeSafetensors,
  loadSafetensors,
  loadSafetensorsSync,
  NDArray,
  type SafetensorsContents,
  saveSafetensors,
  saveSafetensorsSync,
} from "@nnc/tensor";
import {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroupState,
  type ParamState,
} from "./optimizer.ts";
import type { SchedulerStateDict, Stateful } from "./lr_scheduler.ts";

/** Format tag written to `__metadata__.format`. */
export const OPTIMIZER_STATE_FORMAT = "nnc.optim/1";

const RESERVED = new Set(["format", "optimizer", "param_groups", "state", "scheduler"]);

/** Options of {@link encodeOptimizerState} and {@link saveOptimizerState}. */
export interface SaveOptimizerStateOptions {
  /** A schedule (or its state dict) to save alongside. */
  scheduler?: Stateful | SchedulerStateDict;
  /** Extra string metadata (keys other than format, optimizer, param_groups, state, scheduler). */
  metadata?: Record<string, string>;
}

/** What a saved optimiser state holds. */
export interface OptimizerCheckpoint {
  /** The optimiser state, ready for `optimizer.loadStateDict`. */
  optimizer: OptimizerStateDict;
  /** The schedule state, if one was saved. */
  scheduler: SchedulerStateDict | null;
  /** The optimiser's class name, if it was saved from an optimiser (not a bare state dict). */
  optimizerName: string | null;
  /** The extra metadata given when saving. */
  metadata: Record<string, string>;
}

// JSON has no Infinity, NaN or -0 (a plateau schedule's `best` starts at Infinity): tag them.
function replacer(_key: string, v: unknown): unknown {
  if (typeof v !== "number") return v;
  if (!Number.isFinite(v)) return { $float: String(v) };
  return Object.is(v, -0) ? { $float: "-0" } : v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const tag = (v as Record<string, unknown>).$float;
    if (
      keys.length === 1 &&
      (tag === "Infinity" || tag === "-Infinity" || tag === "NaN" || tag === "-0")
    ) {
      return Number(tag);
    }
  }
  return v;
}

/**
 * Splits an optimiser state into safetensors tensors and metadata strings (the in-memory form
 * of the file {@link saveOptimizerState} writes).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adam, optimizerStateToSafetensors } from "@nnc/optim";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new Adam([w]);
 * w.mul(w).sum().backward();
 * opt.step();
 * const { tensors, metadata } = optimizerStateToSafetensors(opt);
 * console.assert(Object.keys(tensors).sort().join() === "state.0.exp_avg,state.0.exp_avg_sq");
 * console.assert(JSON.parse(metadata.state)["0"].step === 1 && metadata.optimizer === "Adam");
 * ```
 */
export function optimizerStateToSafetensors(
  source: Optimizer | OptimizerStateDict,
  options: SaveOptimizerStateOptions = {},
): SafetensorsContents {
  return toSafetensors(source, options, "optimizerStateToSafetensors");
}

function toSafetensors(
  source: Optimizer | OptimizerStateDict,
  options: SaveOptimizerStateOptions,
  op: string,
): SafetensorsContents {
  checkOptions(options, op);
  const sd = source instanceof Optimizer ? source.stateDict() : source;
  if (
    sd === null || typeof sd !== "object" || !Array.isArray(sd.param_groups) || sd.state === null ||
    typeof sd.state !== "object"
  ) {
    throw new TypeError(
      `${op}: expected an Optimizer or a state dict with state and param_groups, got ${
        describe(source)
      }`,
    );
  }
  const tensors: Record<string, NDArray> = {};
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, entries] of Object.entries(sd.state)) {
    if (entries === null || typeof entries !== "object") {
      throw new TypeError(`${op}: state[${index}] must be an object, got ${describe(entries)}`);
    }
    scalars[index] = {};
    for (const [name, v] of Object.entries(entries)) {
      if (v instanceof NDArray) tensors[`state.${index}.${name}`] = v;
      else if (typeof v === "number") scalars[index][name] = v;
      else {throw new TypeError(
          `${op}: state[${index}].${name} must be an NDArray or a number, got ${describe(v)}`,
        );}
    }
  }
  const metadata: Record<string, string> = {
    format: OPTIMIZER_STATE_FORMAT,
    param_groups: JSON.stringify(sd.param_groups, replacer),
    state: JSON.stringify(scalars, replacer),
  };
  if (source instanceof Optimizer) metadata.optimizer = source.name;
  const sched = options.scheduler;
  if (sched !== undefined) {
    if (sched === null || typeof sched !== "object") {
      throw new TypeError(
        `${op}: scheduler must be a schedule or its state dict, got ${describe(sched)}`,
      );
    }
    const state = typeof (sched as Stateful).stateDict === "function"
      ? (sched as Stateful).stateDict()
      : sched as SchedulerStateDict;
    metadata.scheduler = JSON.stringify(state, replacer);
  }
  const extra = options.metadata ?? {};
  if (extra === null || typeof extra !== "object" || Array.isArray(extra)) {
    throw new TypeError(`${op}: metadata must be an object of strings, got ${describe(extra)}`);
  }
  for (const [k, v] of Object.entries(extra)) {
    if (RESERVED.has(k)) {
      throw new RangeError(
        `${op}: metadata key ${JSON.stringify(k)} is reserved for the optimizer state`,
      );
    }
    if (typeof v !== "string") {
      throw new TypeError(
        `${op}: metadata ${JSON.stringify(k)} must be a string, got ${describe(v)}`,
      );
    }
    metadata[k] = v;
  }
  return { tensors, metadata };
}

/**
 * Rebuilds the checkpoint from safetensors contents made by {@link optimizerStateToSafetensors}.
 * Errors name `name` (the file) and what is wrong.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { optimizerStateFromSafetensors, optimizerStateToSafetensors, SGD } from "@nnc/optim";
 * const w = tensor([1], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.mul(w).sum().backward();
 * opt.step();
 * const back = optimizerStateFromSafetensors(optimizerStateToSafetensors(opt));
 * console.assert(back.optimizer.param_groups[0].momentum === 0.9 && back.optimizerName === "SGD");
 * ```
 */
export function optimizerStateFromSafetensors(
  contents: SafetensorsContents,
  name = "<optimizer state>",
): OptimizerCheckpoint {
  return fromSafetensors(contents, name, "optimizerStateFromSafetensors");
}

function fromSafetensors(
  contents: SafetensorsContents,
  name: unknown,
  caller: string,
): OptimizerCheckpoint {
  const op = `${caller} (${typeof name === "string" ? name : describe(name)})`;
  if (
    contents === null || typeof contents !== "object" || contents.tensors === null ||
    typeof contents.tensors !== "object" || contents.metadata === null ||
    typeof contents.metadata !== "object"
  ) {
    throw new TypeError(
      `${op}: expected safetensors contents { tensors, metadata }, got ${describe(contents)}`,
    );
  }
  const { tensors, metadata } = contents;
  if (metadata.format !== OPTIMIZER_STATE_FORMAT) {
    throw new TypeError(
      `${op}: __metadata__.format is ${describe(metadata.format)}, expected ${
        JSON.stringify(OPTIMIZER_STATE_FORMAT)
      }: not an optimizer state`,
    );
  }
  const groups = parse(metadata.param_groups, "param_groups", op);
  if (!Array.isArray(groups)) {
    throw new TypeError(`${op}: __metadata__.param_groups must be a JSON array`);
  }
  const scalars = parse(metadata.state, "state", op);
  if (scalars === null || typeof scalars !== "object" || Array.isArray(scalars)) {
    throw new TypeError(`${op}: __metadata__.state must be a JSON object`);
  }
  const state: Record<string, ParamState> = {};
  for (const [index, entries] of Object.entries(scalars as Record<string, unknown>)) {
    if (entries === null || typeof entries !== "object") {
      throw new TypeError(`${op}: __metadata__.state[${index}] must be an object`);
    }
    state[index] = { ...(entries as Record<string, number>) };
  }
  for (const [key, x] of Object.entries(tensors)) {
    const m = /^state\.(\d+)\.(.+)$/.exec(key);
    if (m === null) {
      throw new RangeError(
        `${op}: tensor ${JSON.stringify(key)} is not named state.<index>.<buffer>`,
      );
    }
    (state[m[1]] ??= {})[m[2]] = x;
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (!RESERVED.has(k)) extra[k] = v;
  return {
    optimizer: { state, param_groups: groups as ParamGroupState[] },
    scheduler: metadata.scheduler === undefined
      ? null
      : parse(metadata.scheduler, "scheduler", op) as SchedulerStateDict,
    optimizerName: metadata.optimizer ?? null,
    metadata: extra,
  };
}

function parse(text: string | undefined, key: string, op: string): unknown {
  if (text === undefined) {
    throw new TypeError(`${op}: __metadata__ has no ${JSON.stringify(key)} entry`);
  }
  try {
    return JSON.parse(text, reviver);
  } catch (e) {
    throw new TypeError(`${op}: __metadata__.${key} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The bytes of a safetensors file holding the optimiser state (and optionally a schedule's).
 *
 * @example
 * ```ts
 * import { NDArray } from "@nnc/tensor";
 * import { tensor } from "@nnc/autograd";
 * import { decodeOptimizerState, encodeOptimizerState, RMSprop } from "@nnc/optim";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new RMSprop([w], { centered: true });
 * w.mul(w).sum().backward();
 * opt.step();
 * const back = decodeOptimizerState(encodeOptimizerState(opt));
 * console.assert(back.optimizer.state["0"].grad_avg instanceof NDArray && back.optimizer.state["0"].step === 1);
 * ```
 */
export function encodeOptimizerState(
  source: Optimizer | OptimizerStateDict,
  options: SaveOptimizerStateOptions = {},
): Uint8Array {
  const { tensors, metadata } = toSafetensors(source, options, "encodeOptimizerState");
  return encodeSafetensors(tensors, metadata);
}

/**
 * Parses and validates bytes written by {@link encodeOptimizerState}.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adagrad, decodeOptimizerState, encodeOptimizerState } from "@nnc/optim";
 * const opt = new Adagrad([tensor([1], { requiresGrad: true })], { lr: 0.5 });
 * console.assert(decodeOptimizerState(encodeOptimizerState(opt)).optimizer.param_groups[0].lr === 0.5);
 * ```
 */
export function decodeOptimizerState(
  bytes: Uint8Array,
  options: { name?: string } = {},
): OptimizerCheckpoint {
  const op = "decodeOptimizerState";
  checkOptions(options, op);
  const name = options.name ?? "<bytes>";
  return fromSafetensors(named(op, () => decodeSafetensors(bytes, { name })), name, op);
}

/**
 * Writes the optimiser state (and optionally a schedule's) to a safetensors file, atomically.
 * Needs `--allow-write`.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adam, loadOptimizerState, saveOptimizerState, StepLR } from "@nnc/optim";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.1 });
 * const sched = new StepLR(opt, { stepSize: 5 });
 * w.mul(w).sum().backward();
 * opt.step();
 * sched.step();
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveOptimizerState(path, opt, { scheduler: sched });
 * const saved = await loadOptimizerState(path);
 * const again = new Adam([w]);
 * again.loadStateDict(saved.optimizer);
 * console.assert(again.paramGroups[0].lr === 0.1 && saved.scheduler?.lastEpoch === 1);
 * await Deno.remove(path);
 * ```
 */
export async function saveOptimizerState(
  path: string | URL,
  source: Optimizer | OptimizerStateDict,
  options: SaveOptimizerStateOptions = {},
): Promise<void> {
  const op = "saveOptimizerState";
  checkPath(path, op);
  const { tensors, metadata } = toSafetensors(source, options, op);
  await saveSafetensors(path, tensors, metadata);
}

/**
 * Synchronous {@link saveOptimizerState}.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { loadOptimizerStateSync, saveOptimizerStateSync, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const path = Deno.makeTempFileSync({ suffix: ".safetensors" });
 * saveOptimizerStateSync(path, opt);
 * console.assert(loadOptimizerStateSync(path).optimizer.param_groups[0].lr === 0.1);
 * Deno.removeSync(path);
 * ```
 */
export function saveOptimizerStateSync(
  path: string | URL,
  source: Optimizer | OptimizerStateDict,
  options: SaveOptimizerStateOptions = {},
): void {
  const op = "saveOptimizerStateSync";
  checkPath(path, op);
  const { tensors, metadata } = toSafetensors(source, options, op);
  saveSafetensorsSync(path, tensors, metadata);
}

/**
 * Reads an optimiser state file; pass `.optimizer` to `optimizer.loadStateDict` and `.scheduler`
 * to the schedule's `loadStateDict`. Needs `--allow-read`.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { loadOptimizerState, saveOptimizerState, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.2 });
 * const path = await Deno.makeTempFile({ suffix: ".safetensors" });
 * await saveOptimizerState(path, opt, { metadata: { epoch: "3" } });
 * const { metadata } = await loadOptimizerState(path);
 * console.assert(metadata.epoch === "3");
 * await Deno.remove(path);
 * ```
 */
export async function loadOptimizerState(path: string | URL): Promise<OptimizerCheckpoint> {
  const op = "loadOptimizerState";
  checkPath(path, op);
  let contents: SafetensorsContents;
  try {
    contents = await loadSafetensors(path);
  } catch (e) {
    throw renamed(e, op);
  }
  return fromSafetensors(contents, String(path), op);
}

/**
 * Synchronous {@link loadOptimizerState}.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { loadOptimizerStateSync, saveOptimizerStateSync, SGD } from "@nnc/optim";
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.2, nesterov: true, momentum: 0.5 });
 * const path = Deno.makeTempFileSync({ suffix: ".safetensors" });
 * saveOptimizerStateSync(path, opt);
 * console.assert(loadOptimizerStateSync(path).optimizer.param_groups[0].nesterov === true);
 * Deno.removeSync(path);
 * ```
 */
export function loadOptimizerStateSync(path: string | URL): OptimizerCheckpoint {
  const op = "loadOptimizerStateSync";
  checkPath(path, op);
  return fromSafetensors(named(op, () => loadSafetensorsSync(path)), String(path), op);
}

/** Runs `fn`; its argument errors (TypeError, RangeError) get `op` in front of their message. */
function named<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw renamed(e, op);
  }
}

function renamed(e: unknown, op: string): unknown {
  if (!(e instanceof TypeError || e instanceof RangeError) || e.message.startsWith(`${op}`)) {
    return e;
  }
  const Kind = e instanceof TypeError ? TypeError : RangeError;
  return new Kind(`${op}: ${e.message}`, { cause: e });
}
