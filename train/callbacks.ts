/**
 * Callbacks of {@link fit}: hooks called at the start and end of training, of every epoch and
 * after every batch. Provided: {@link EarlyStopping} (patience, or the notes' "stop at the first
 * validation increase"), {@link ModelCheckpoint} (keeps the best model on disk, written
 * atomically), {@link CsvLogger} and {@link JsonlLogger}.
 *
 * @module
 */
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { loadModel, Module, saveModel } from "@nnc/layers";
import type { Optimizer } from "@nnc/optim";
import type { EpochLog, History } from "./history.ts";
import { ensureParent } from "./_train_util.ts";
import { firstNonFinite } from "./_finite.ts";
import { checkRecord } from "./_args.ts";
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkPath,
  describe,
  removeStaleTempFiles,
  writeFileAtomic,
} from "@nnc/tensor";
/**
 * What callbacks see of a running {@link fit}. Setting `stopTraining` ends training after the
 * current epoch (or, from `onBatchEnd`, after the current batch).
 *
 * @example
 * ```ts
 * import type { Callback, TrainingState } from "@nnc/train";
 * const stopAtThree: Callback = {
 *   onEpochEnd(epoch: number, _logs, state: TrainingState) {
 *     if (epoch === 3) state.stopTraining = true;
 *   },
 * };
 * ```
 */
export interface TrainingState {
  /** The model being trained. */
  readonly model: Module<[Tensor], Tensor>;
  /** Its optimiser. */
  readonly optimizer: Optimizer;
  /** The epochs logged so far. */
  readonly history: History;
  /**
   * The last epoch to run (counted as `epoch` is): the epochs requested, after those of a history
   * being continued. A callback may move it, to lengthen or shorten the run (a time budget
   * re-planning it from the epochs' measured lengths); `fit` checks it after every epoch, and a
   * value below the current epoch ends the run there.
   */
  epochs: number;
  /** The current (or last) epoch, from 1. */
  epoch: number;
  /** Set to true to stop training. */
  stopTraining: boolean;
  /**
   * With validation data: whether the current epoch ran its validation pass (false before it and
   * on an epoch that `fit`'s `validateEvery` skips). Undefined without validation data.
   */
  validated?: boolean;
  /** Prints a line through the progress reporter (clears the bar first). */
  log(message: string): void;
}

/**
 * Hooks into {@link fit}. Every method is optional and may be async (fit awaits it).
 *
 * @example
 * ```ts
 * import type { Callback } from "@nnc/train";
 * const losses: number[] = [];
 * const recorder: Callback = { onBatchEnd: (_batch, logs) => void losses.push(logs.loss) };
 * ```
 */
export interface Callback {
  /** Before the first epoch. */
  onTrainBegin?(state: TrainingState): void | Promise<void>;
  /** Before each epoch (`epoch` counts from 1). */
  onEpochBegin?(epoch: number, state: TrainingState): void | Promise<void>;
  /** After each training batch (`batch` counts from 1 within the epoch); `logs.loss` is the batch loss. */
  onBatchEnd?(
    batch: number,
    logs: Readonly<Record<string, number>>,
    state: TrainingState,
  ): void | Promise<void>;
  /** Before each epoch's validation pass (only when `fit` has validation data). */
  onValidationBegin?(epoch: number, state: TrainingState): void | Promise<void>;
  /** After each epoch's validation pass, also when it threw. */
  onValidationEnd?(epoch: number, state: TrainingState): void | Promise<void>;
  /** After each epoch, with the epoch's log (training and validation values). */
  onEpochEnd?(epoch: number, logs: Readonly<EpochLog>, state: TrainingState): void | Promise<void>;
  /** After the last epoch (also after an early stop). */
  onTrainEnd?(state: TrainingState): void | Promise<void>;
}

/** `"min"` for keys naming a loss or an error, `"max"` otherwise. */
function resolveMode(monitor: string, mode: "min" | "max" | "auto"): "min" | "max" {
  return mode !== "auto" ? mode : /loss|error/i.test(monitor) ? "min" : "max";
}

/**
 * The epoch's value of `key`; undefined when it is a validation value of an epoch that skipped
 * validation (`fit`'s `validateEvery`): the callback then leaves the epoch out.
 */
function monitored(
  logs: Readonly<EpochLog>,
  key: string,
  op: string,
  state: TrainingState,
): number | undefined {
  checkRecord(logs, op, "logs");
  checkRecord(state, op, "state");
  const v = logs[key];
  // (A key missing from every epoch is still an error: the first epoch is always validated.)
  if (v === undefined && state.validated === false) return undefined;
  if (typeof v !== "number") {
    const keys = Object.keys(logs).filter((k) => k !== "epoch").join(", ");
    throw new RangeError(
      `${op}: '${key}' was not logged (logged: ${keys}); pass validation data to fit or monitor another key`,
    );
  }
  return v;
}

function snapshot(model: Module<[Tensor], Tensor>): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(model.stateDict())) out[k] = v.clone();
  return out;
}

/**
 * Options of {@link EarlyStopping}.
 *
 * @example
 * ```ts
 * import type { EarlyStoppingOptions } from "@nnc/train";
 * const notes: EarlyStoppingOptions = { rule: "firstIncrease" };
 * const lenient: EarlyStoppingOptions = { patience: 3, restoreBest: true };
 * ```
 */
export interface EarlyStoppingOptions {
  /** Logged value to watch. Default `"valLoss"`. */
  monitor?: string;
  /** Whether smaller or larger is better; `"auto"` (default): smaller for losses and errors. */
  mode?: "min" | "max" | "auto";
  /**
   * `"patience"` (default): an epoch is bad when it does not beat the best value so far by more
   * than `minDelta`. `"firstIncrease"`, the notes' rule ("stop training as soon as performance on
   * a validation set decreases"): an epoch is bad when it is worse than the previous epoch by more
   * than `minDelta`.
   */
  rule?: "patience" | "firstIncrease";
  /** Bad epochs in a row that are tolerated; training stops at the next one. Default 0 (the notes). */
  patience?: number;
  /** Smallest change that counts. Default 0. */
  minDelta?: number;
  /** At the end of training, put back the weights of the best epoch. Default false. */
  restoreBest?: boolean;
}

/**
 * Stops training when the monitored value stops improving. With the default `patience` 0 and
 * either rule it stops at the first bad epoch, as the notes do; `restoreBest` keeps an in-memory
 * copy of the best weights and loads it when training ends.
 *
 * @example
 * ```ts
 * import { EarlyStopping, History, type TrainingState } from "@nnc/train";
 * import { Linear } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * const model = new Linear(1, 1);
 * const state: TrainingState = {
 *   model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), history: new History(),
 *   epochs: 10, epoch: 0, stopTraining: false, log: () => {},
 * };
 * const es = new EarlyStopping({ patience: 1 });
 * es.onTrainBegin(state);
 * [1.0, 0.8, 0.9, 0.85, 0.7].forEach((v, i) => {
 *   if (!state.stopTraining) es.onEpochEnd(i + 1, { epoch: i + 1, valLoss: v }, state);
 * });
 * console.assert(es.stoppedEpoch === 4 && es.bestEpoch === 2);
 * ```
 */
export class EarlyStopping implements Callback {
  /** The logged value watched. */
  readonly monitor: string;
  /** Whether smaller or larger is better. */
  readonly mode: "min" | "max";
  /** How bad epochs are recognised. */
  readonly rule: "patience" | "firstIncrease";
  /** Bad epochs in a row tolerated. */
  readonly patience: number;
  /** Smallest change that counts. */
  readonly minDelta: number;
  /** Whether the best weights are restored at the end. */
  readonly restoreBest: boolean;
  /** The epoch training was stopped after, or null while it was not. */
  stoppedEpoch: number | null = null;
  /** The epoch with the best value so far (0 before any). */
  bestEpoch = 0;
  /** The best value so far. */
  bestValue: number = NaN;
  #previous = NaN;
  #bad = 0;
  #weights: Record<string, NDArray> | null = null;

  /** An early-stopping rule. */
  constructor(options: EarlyStoppingOptions = {}) {
    const op = "EarlyStopping";
    const o = checkOptions(options, op);
    if (o.monitor !== undefined && (typeof o.monitor !== "string" || o.monitor === "")) {
      throw new TypeError(`${op}: monitor must be a non-empty string, got ${describe(o.monitor)}`);
    }
    this.monitor = o.monitor ?? "valLoss";
    this.mode = resolveMode(
      this.monitor,
      checkOneOf(o.mode ?? "auto", op, "mode", ["min", "max", "auto"]),
    );
    this.rule = checkOneOf(o.rule ?? "patience", op, "rule", ["patience", "firstIncrease"]);
    this.patience = checkInt(o.patience ?? 0, op, "patience", 0);
    this.minDelta = checkNumber(o.minDelta ?? 0, op, "minDelta", 0);
    this.restoreBest = checkBool(o.restoreBest ?? false, op, "restoreBest");
  }

  /** Forgets earlier runs. */
  onTrainBegin(_state: TrainingState): void {
    this.stoppedEpoch = null;
    this.bestEpoch = 0;
    this.bestValue = NaN;
    this.#previous = NaN;
    this.#bad = 0;
    this.#weights = null;
  }

  /** Compares the epoch's value with the best (or previous) one; stops when the rule says so. */
  onEpochEnd(epoch: number, logs: Readonly<EpochLog>, state: TrainingState): void {
    const v = monitored(logs, this.monitor, "EarlyStopping", state);
    if (v === undefined) return;
    const sign = this.mode === "min" ? 1 : -1;
    const better = (a: number, b: number) => Number.isNaN(b) || sign * (b - a) > this.minDelta;
    const improved = !Number.isNaN(v) && better(v, this.bestValue);
    if (improved) {
      this.bestValue = v;
      this.bestEpoch = epoch;
      if (this.restoreBest) this.#weights = snapshot(state.model);
    }
    const bad = this.rule === "patience" ? !improved : Number.isNaN(v) ||
      (!Number.isNaN(this.#previous) && sign * (v - this.#previous) > this.minDelta);
    this.#previous = v;
    this.#bad = bad ? this.#bad + 1 : 0;
    if (this.#bad > this.patience) {
      this.stoppedEpoch = epoch;
      state.stopTraining = true;
      state.log(
        `early stopping after epoch ${epoch}: ${this.monitor} ${
          this.rule === "patience" ? "has not improved" : "increased"
        } (best ${this.bestValue} at epoch ${this.bestEpoch})`,
      );
    }
  }

  /** Restores the best weights when asked to. */
  onTrainEnd(state: TrainingState): void {
    if (this.restoreBest && this.#weights !== null && this.bestEpoch !== state.epoch) {
      state.model.loadStateDict(this.#weights);
      state.log(
        `restored the weights of epoch ${this.bestEpoch} (${this.monitor} ${this.bestValue})`,
      );
    }
  }
}

/**
 * Options of {@link ModelCheckpoint}.
 *
 * @example
 * ```ts
 * import type { ModelCheckpointOptions } from "@nnc/train";
 * const best: ModelCheckpointOptions = { path: "out/best.safetensors", monitor: "valAccuracy" };
 * const lastThree: ModelCheckpointOptions = {
 *   path: "out/ckpt/epoch-{epoch}.safetensors", saveBestOnly: false, keep: 3,
 * };
 * ```
 */
export interface ModelCheckpointOptions {
  /** File to write (safetensors); `{epoch}` is replaced by the epoch number. */
  path: string;
  /** Logged value that decides what is best. Default `"valLoss"`. */
  monitor?: string;
  /** Whether smaller or larger is better; `"auto"` (default): smaller for losses and errors. */
  mode?: "min" | "max" | "auto";
  /** Save only when the monitored value improves (default true); false saves every epoch. */
  saveBestOnly?: boolean;
  /**
   * With `{epoch}` in `path`: how many checkpoint files to keep; after each save the oldest files
   * matching the template (this run's or an earlier one's) are removed. Default: all.
   */
  keep?: number;
  /**
   * File naming the newest checkpoint (its file name and a newline), written atomically after
   * each save: read it with {@link ModelCheckpoint.latest}. Default: `latest` in the checkpoint's
   * folder when `path` contains `{epoch}`, none otherwise; `null`: none.
   */
  latest?: string | null;
}

/**
 * Saves the model with `saveModel` of `@nnc/layers` whenever the monitored value improves, or
 * after every epoch. The file's metadata records the epoch and the value.
 *
 * Crash safety: every file is written atomically (`writeFileAtomic` of `@nnc/tensor`: a
 * temporary file renamed over the target, so a kill at any instant leaves the old checkpoint or
 * the new one, and the next save removes the killed writer's temporary file); the `latest`
 * pointer is written after the checkpoint it names and old files are removed after the pointer
 * moved, so the pointer always names a complete file. A model whose weights (or monitored value)
 * are NaN or infinite is never saved: the epoch is skipped with a message and the last good
 * checkpoint stays.
 *
 * @example
 * ```ts
 * import { fit, ModelCheckpoint } from "@nnc/train";
 * import { Linear, loadModel, mseLoss } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * import { array } from "@nnc/tensor";
 * const dir = await Deno.makeTempDir();
 * const model = new Linear(1, 1);
 * const data = [[array([[1], [2]]), array([[2], [4]])]] as const;
 * const ckpt = new ModelCheckpoint({
 *   path: `${dir}/epoch-{epoch}.safetensors`, monitor: "loss", keep: 2,
 * });
 * await fit(model, {
 *   train: data, loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.05 }),
 *   epochs: 3, callbacks: [ckpt], progress: "none",
 * });
 * console.assert(ckpt.bestEpoch === 3);
 * console.assert(await ModelCheckpoint.latest(`${dir}/latest`) === `${dir}/epoch-3.safetensors`);
 * console.assert([...Deno.readDirSync(dir)].length === 3); // epochs 2 and 3, and `latest`
 * await loadModel(`${dir}/epoch-3.safetensors`, new Linear(1, 1));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class ModelCheckpoint implements Callback {
  /** Path template. */
  readonly path: string;
  /** The logged value watched. */
  readonly monitor: string;
  /** Whether smaller or larger is better. */
  readonly mode: "min" | "max";
  /** Whether only improvements are saved. */
  readonly saveBestOnly: boolean;
  /** How many files matching the template are kept (Infinity: all). */
  readonly keep: number;
  /** The pointer file naming the newest checkpoint, or null. */
  readonly latestPath: string | null;
  /** Epoch of the best value so far (0 before any). */
  bestEpoch = 0;
  /** Best value so far. */
  bestValue: number = NaN;
  /** The last file written, or null. */
  lastSaved: string | null = null;

  /** A checkpointing callback. */
  constructor(options: ModelCheckpointOptions) {
    const op = "ModelCheckpoint";
    if (options === null || typeof options !== "object") {
      throw new TypeError(`${op}: expected options with a path, got ${describe(options)}`);
    }
    if (
      options.monitor !== undefined && (typeof options.monitor !== "string" || !options.monitor)
    ) {
      throw new TypeError(
        `${op}: monitor must be a non-empty string, got ${describe(options.monitor)}`,
      );
    }
    this.path = checkPath(options.path, op);
    this.monitor = options.monitor ?? "valLoss";
    this.mode = resolveMode(
      this.monitor,
      checkOneOf(options.mode ?? "auto", op, "mode", ["min", "max", "auto"]),
    );
    this.saveBestOnly = checkBool(options.saveBestOnly ?? true, op, "saveBestOnly");
    this.keep = options.keep === undefined ? Infinity : checkInt(options.keep, op, "keep", 1);
    const templated = this.path.includes("{epoch}");
    if (options.latest === undefined) {
      this.latestPath = templated ? `${parentOf(this.path)}/latest` : null;
    } else if (options.latest === null) this.latestPath = null;
    else if (typeof options.latest !== "string" || options.latest === "") {
      throw new TypeError(
        `${op}: latest must be a non-empty string or null, got ${describe(options.latest)}`,
      );
    } else this.latestPath = options.latest;
    if (this.latestPath !== null && this.latestPath === this.path) {
      throw new RangeError(`${op}: latest must differ from path, both are '${this.path}'`);
    }
  }

  /**
   * The checkpoint a pointer file written by a `ModelCheckpoint` names, as a path (relative to
   * the pointer's folder), or null when there is no pointer yet. Needs `--allow-read`.
   *
   * @example
   * ```ts
   * import { ModelCheckpoint } from "@nnc/train";
   * const dir = await Deno.makeTempDir();
   * console.assert(await ModelCheckpoint.latest(`${dir}/latest`) === null);
   * await Deno.writeTextFile(`${dir}/latest`, "epoch-7.safetensors\n");
   * console.assert(await ModelCheckpoint.latest(`${dir}/latest`) === `${dir}/epoch-7.safetensors`);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  static async latest(pointer: string): Promise<string | null> {
    const op = "ModelCheckpoint.latest";
    if (typeof pointer !== "string" || pointer === "") {
      throw new TypeError(`${op}: pointer must be a non-empty string, got ${describe(pointer)}`);
    }
    let text: string;
    try {
      text = await Deno.readTextFile(pointer);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
    const name = text.trim();
    if (name === "" || name.includes("\n") || name.includes("\0")) {
      throw new RangeError(`${op}: ${pointer} does not name one checkpoint file`);
    }
    return name.startsWith("/") ? name : `${parentOf(pointer)}/${name}`;
  }

  /** Forgets earlier runs. */
  onTrainBegin(_state: TrainingState): void {
    this.bestEpoch = 0;
    this.bestValue = NaN;
    this.lastSaved = null;
  }

  /** Saves the model when the epoch is the best so far (or always), if its weights are finite. */
  async onEpochEnd(epoch: number, logs: Readonly<EpochLog>, state: TrainingState): Promise<void> {
    const v = monitored(logs, this.monitor, "ModelCheckpoint", state);
    if (v === undefined) return;
    const improved = Number.isFinite(v) &&
      (Number.isNaN(this.bestValue) ||
        (this.mode === "min" ? v < this.bestValue : v > this.bestValue));
    if (this.saveBestOnly && !improved) return;
    const weights = state.model.stateDict();
    const bad = Number.isFinite(v) ? firstNonFinite(weights) : this.monitor;
    if (bad !== null) {
      state.log(
        `ModelCheckpoint: epoch ${epoch} not saved: ${bad} is not finite (the last good checkpoint stays)`,
      );
      return;
    }
    if (improved) {
      this.bestValue = v;
      this.bestEpoch = epoch;
    }
    const path = this.path.replaceAll("{epoch}", String(epoch));
    await ensureParent(path);
    await saveModel(path, state.model, {
      metadata: { epoch: String(epoch), monitor: this.monitor, value: String(v) },
    });
    this.lastSaved = path;
    if (this.latestPath !== null) {
      await ensureParent(this.latestPath);
      const name = parentOf(path) === parentOf(this.latestPath) ? baseOf(path) : path;
      await writeFileAtomic(this.latestPath, name + "\n", { op: "ModelCheckpoint" });
    }
    if (this.path.includes("{epoch}")) {
      // The next save goes to another file name, so the killed writers' temporary files of
      // earlier epochs are removed here.
      await removeStaleTempFiles(parentOf(this.path), (name) => this.#pattern().test(name));
      if (Number.isFinite(this.keep)) await this.#removeOld(path);
    }
  }

  /**
   * Loads the newest checkpoint of this callback (the last file saved in this run, else the one
   * the `latest` pointer names) into `model`; returns its path, or null when there is none.
   *
   * @example
   * ```ts
   * import { ModelCheckpoint } from "@nnc/train";
   * import { Linear } from "@nnc/layers";
   * const dir = await Deno.makeTempDir();
   * const ckpt = new ModelCheckpoint({ path: `${dir}/e{epoch}.safetensors`, monitor: "loss" });
   * console.assert(await ckpt.restore(new Linear(1, 1)) === null); // nothing saved yet
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async restore(model: Module): Promise<string | null> {
    if (!(model instanceof Module)) {
      throw new TypeError(
        `ModelCheckpoint.restore: model must be a Module, got ${describe(model)}`,
      );
    }
    const path = this.lastSaved ??
      (this.latestPath !== null ? await ModelCheckpoint.latest(this.latestPath) : null) ??
      (this.path.includes("{epoch}") ? null : await existing(this.path));
    if (path === null) return null;
    await loadModel(path, model);
    return path;
  }

  /** File names the template produces. */
  #pattern(): RegExp {
    return new RegExp(
      "^" + baseOf(this.path).split("{epoch}").map(escapeRegExp).join("\\d+") + "$",
    );
  }

  /** Removes the oldest files matching the template beyond `keep` (never the one just written). */
  async #removeOld(written: string): Promise<void> {
    const dir = parentOf(this.path);
    const pattern = this.#pattern();
    const found: { path: string; time: number; epoch: number }[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !pattern.test(entry.name)) continue;
      const path = `${dir}/${entry.name}`;
      if (path === written) continue;
      const info = await Deno.stat(path).catch(() => null);
      const epoch = Number(/\d+/.exec(entry.name.slice(baseOf(this.path).indexOf("{epoch}")))?.[0]);
      if (info !== null) found.push({ path, time: info.mtime?.getTime() ?? 0, epoch });
    }
    found.sort((a, b) => b.time - a.time || b.epoch - a.epoch);
    for (const old of found.slice(this.keep - 1)) await Deno.remove(old.path).catch(() => {});
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function existing(path: string): Promise<string | null> {
  try {
    await Deno.stat(path);
    return path;
  } catch {
    return null;
  }
}

/**
 * Writes each epoch's log as a CSV row (header from the first epoch's keys; a value missing
 * later is an empty cell). The file is created (or truncated, unless `append`) when training
 * begins and rewritten atomically (`writeFileAtomic` of `@nnc/tensor`) when each epoch ends, so a
 * killed run leaves a complete file with whole rows, never half a line.
 *
 * @example
 * ```ts
 * import { CsvLogger, History, type TrainingState } from "@nnc/train";
 * import { Linear } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * const model = new Linear(1, 1);
 * const state: TrainingState = {
 *   model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), history: new History(),
 *   epochs: 2, epoch: 1, stopTraining: false, log: () => {},
 * };
 * const csv = new CsvLogger(path);
 * await csv.onTrainBegin(state);
 * await csv.onEpochEnd(1, { epoch: 1, loss: 0.5 });
 * await csv.onEpochEnd(2, { epoch: 2, loss: 0.25 });
 * console.assert(await Deno.readTextFile(path) === "epoch,loss\n1,0.5\n2,0.25\n");
 * await Deno.remove(path);
 * ```
 */
export class CsvLogger implements Callback {
  /** The file written. */
  readonly path: string;
  /** Whether rows are added to an existing file. */
  readonly append: boolean;
  #columns: string[] | null = null;
  #text = "";

  /** A logger writing to `path`. */
  constructor(path: string, options: { append?: boolean } = {}) {
    this.path = checkPath(path, "CsvLogger");
    this.append = checkBool(
      checkOptions(options, "CsvLogger").append ?? false,
      "CsvLogger",
      "append",
    );
  }

  /** Creates (or truncates) the file. */
  async onTrainBegin(_state: TrainingState): Promise<void> {
    this.#columns = null;
    this.#text = "";
    await ensureParent(this.path);
    if (this.append) {
      try {
        this.#text = await Deno.readTextFile(this.path);
        if (this.#text !== "" && !this.#text.endsWith("\n")) this.#text += "\n";
        const head = this.#text.split("\n", 1)[0];
        if (head) this.#columns = head.split(",");
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
    await writeFileAtomic(this.path, this.#text, { op: "CsvLogger" });
  }

  /** Appends the epoch's row. */
  async onEpochEnd(_epoch: number, logs: Readonly<EpochLog>): Promise<void> {
    checkRecord(logs, "CsvLogger.onEpochEnd", "logs");
    let text = "";
    if (this.#columns === null) {
      this.#columns = ["epoch", ...Object.keys(logs).filter((k) => k !== "epoch")];
      text += this.#columns.join(",") + "\n";
    }
    text +=
      this.#columns.map((k) => (typeof logs[k] === "number" ? String(logs[k]) : "")).join(",") +
      "\n";
    this.#text += text;
    await writeFileAtomic(this.path, this.#text, { op: "CsvLogger" });
  }
}

/**
 * Writes each epoch's log as one JSON object per line (JSON Lines); with `batches`, also one line
 * per batch (`{"epoch":1,"batch":3,"loss":…}`). Non-finite values are written as null. The file
 * is rewritten atomically (`writeFileAtomic` of `@nnc/tensor`) at the end of each epoch, so a
 * killed run leaves whole lines only.
 *
 * @example
 * ```ts
 * import { History, JsonlLogger, type TrainingState } from "@nnc/train";
 * import { Linear } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * const model = new Linear(1, 1);
 * const state: TrainingState = {
 *   model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), history: new History(),
 *   epochs: 1, epoch: 1, stopTraining: false, log: () => {},
 * };
 * const log = new JsonlLogger(path);
 * await log.onTrainBegin(state);
 * await log.onEpochEnd(1, { epoch: 1, loss: 0.5 });
 * console.assert(await Deno.readTextFile(path) === '{"epoch":1,"loss":0.5}\n');
 * await Deno.remove(path);
 * ```
 */
export class JsonlLogger implements Callback {
  /** The file written. */
  readonly path: string;
  /** Whether batches are logged too. */
  readonly batches: boolean;
  #buffer: string[] = [];
  #text = "";

  /** A logger writing to `path` (truncated when training begins). */
  constructor(path: string, options: { batches?: boolean } = {}) {
    this.path = checkPath(path, "JsonlLogger");
    this.batches = checkBool(
      checkOptions(options, "JsonlLogger").batches ?? false,
      "JsonlLogger",
      "batches",
    );
  }

  /** Creates (or truncates) the file. */
  async onTrainBegin(_state: TrainingState): Promise<void> {
    this.#buffer = [];
    this.#text = "";
    await ensureParent(this.path);
    await writeFileAtomic(this.path, "", { op: "JsonlLogger" });
  }

  /** Buffers a batch line (written with the epoch's line). */
  onBatchEnd(batch: number, logs: Readonly<Record<string, number>>, state: TrainingState): void {
    if (this.batches) this.#buffer.push(JSON.stringify({ epoch: state.epoch, batch, ...logs }));
  }

  /** Writes the epoch's line (after its batches' lines). */
  async onEpochEnd(_epoch: number, logs: Readonly<EpochLog>): Promise<void> {
    checkRecord(logs, "JsonlLogger.onEpochEnd", "logs");
    this.#buffer.push(JSON.stringify(logs));
    this.#text += this.#buffer.join("\n") + "\n";
    this.#buffer = [];
    await writeFileAtomic(this.path, this.#text, { op: "JsonlLogger" });
  }
}
