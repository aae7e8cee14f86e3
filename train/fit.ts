/**
 * {@link fit}: the training loop. For each epoch it trains on every batch (zero the gradients,
 * forward, loss, backward, optional clipping, optimiser step), evaluates on the validation data,
 * steps the learning-rate schedule, logs everything to a {@link History}, shows progress and calls
 * the callbacks.
 *
 * @module
 */
import { clipGradNorm, type LRScheduler, type Optimizer, ReduceLROnPlateau } from "@nnc/optim";
import type { EpochLog } from "./history.ts";
import { History, valKey } from "./history.ts";
import { type MetricSpec, resolveMetrics } from "./metrics.ts";
import { Progress, type ProgressMode, type ProgressWriter } from "./progress.ts";
import { type Callback, ModelCheckpoint, type TrainingState } from "./callbacks.ts";
import { NonFiniteLossError } from "./non_finite_loss_error.ts";
import type { BatchSource, LossFunction, Model } from "./evaluate.ts";
import { checkModel, checkSource, iterate, runEvaluation, unpack } from "./_batches.ts";
import { checkInt, checkNumber, checkOneOf, checkOptions, describe } from "@nnc/tensor";

/**
 * Options of {@link fit}.
 *
 * @example
 * ```ts
 * import type { FitOptions } from "@nnc/train";
 * import { crossEntropy, Linear } from "@nnc/layers";
 * import { Adam } from "@nnc/optim";
 * import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
 * const { x, y } = twoMoons({ n: 64, seed: 0 });
 * const model = new Linear(2, 2);
 * const options: FitOptions = {
 *   train: new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 0 }),
 *   loss: crossEntropy,
 *   optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
 *   epochs: 5,
 *   metrics: ["accuracy"],
 * };
 * ```
 */
export interface FitOptions {
  /** Training batches, iterated once per epoch (a `DataLoader` reshuffles each time). */
  train: BatchSource;
  /**
   * Validation batches, evaluated after every epoch (logged with a `val` prefix), or as
   * `validateEvery` says.
   */
  validation?: BatchSource;
  /**
   * Validate after the first epoch, after every `validateEvery`-th epoch from it, and after the
   * last one (the planned last, or one during which a callback stopped training). Default 1:
   * every epoch. Where a validation pass costs a noticeable share of an epoch and the curves need
   * fewer points, this gives the time to training (a time budget's run trains longer). An epoch
   * without validation logs no `val` keys and has `state.validated` false: callbacks that
   * monitor a `val` key (`EarlyStopping`, `ModelCheckpoint`) skip it, and a `ReduceLROnPlateau`
   * steps only on validated epochs. Keras calls it `validation_freq`.
   */
  validateEvery?: number;
  /** Loss of a batch, averaged over its rows. */
  loss: LossFunction;
  /** Optimiser over the model's parameters. */
  optimizer: Optimizer;
  /** Number of epochs (≥ 1). */
  epochs: number;
  /**
   * Learning-rate schedule, stepped after every epoch (or every batch with
   * `schedulerInterval: "batch"`). A `ReduceLROnPlateau` is stepped with the epoch's `valLoss`
   * (its `loss` without validation data).
   */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /** When the schedule steps. Default `"epoch"`. */
  schedulerInterval?: "epoch" | "batch";
  /** Metrics computed on the training batches and on the validation data. */
  metrics?: readonly MetricSpec[];
  /** Hooks called during training, in order. */
  callbacks?: readonly Callback[];
  /** Progress display. Default `"auto"`: a bar on a terminal, one line per epoch otherwise. */
  progress?: ProgressMode;
  /** Where progress goes. Default `Deno.stdout`. */
  writer?: ProgressWriter;
  /** Clip the gradients' global L2 norm to this value before each step. */
  clipGradNorm?: number;
  /** A history to continue (epochs are numbered after its last one). */
  history?: History;
  /**
   * What a NaN or infinite batch loss does (checked before its backward pass, so the weights and
   * the optimiser never see it). `"error"` (default): training stops with a
   * {@link NonFiniteLossError} naming the epoch and the batch. `"skip"`: the batch is skipped.
   * `"restore"`: the newest checkpoint of the last {@link ModelCheckpoint} among the callbacks is
   * loaded, the optimiser's state (moments, step counts) is cleared and the batch is skipped; with
   * no checkpoint yet it is an error. With `"skip"` and `"restore"` each epoch logs `skipped`,
   * the number of batches skipped.
   */
  onNonFiniteLoss?: "error" | "skip" | "restore";
}

/** The validated options with defaults filled in. */
interface Plan {
  train: BatchSource;
  validation?: BatchSource;
  validateEvery: number;
  loss: LossFunction;
  optimizer: Optimizer;
  epochs: number;
  scheduler?: LRScheduler | ReduceLROnPlateau;
  perBatch: boolean;
  clip?: number;
  callbacks: readonly Callback[];
  onNonFinite: "error" | "skip" | "restore";
}

function plan(options: FitOptions, op: string): Plan {
  const o = checkOptions(options, op);
  checkSource(o.train, op, "train");
  if (o.validation !== undefined) checkSource(o.validation, op, "validation");
  if (typeof o.loss !== "function") {
    throw new TypeError(
      `${op}: loss must be a function (output, target) => Tensor, got ${describe(o.loss)}`,
    );
  }
  if (
    o.optimizer === null || typeof o.optimizer !== "object" ||
    typeof o.optimizer.step !== "function" ||
    typeof o.optimizer.zeroGrad !== "function"
  ) {
    throw new TypeError(`${op}: optimizer must be an Optimizer, got ${describe(o.optimizer)}`);
  }
  if (o.epochs === undefined) throw new TypeError(`${op}: epochs is required`);
  const epochs = checkInt(o.epochs ?? 1, op, "epochs", 1);
  if (o.scheduler !== undefined && typeof o.scheduler?.step !== "function") {
    throw new TypeError(`${op}: scheduler must have a step method, got ${describe(o.scheduler)}`);
  }
  const interval = checkOneOf(o.schedulerInterval ?? "epoch", op, "schedulerInterval", [
    "epoch",
    "batch",
  ]);
  if (interval === "batch" && o.scheduler instanceof ReduceLROnPlateau) {
    throw new TypeError(
      `${op}: ReduceLROnPlateau steps once per epoch; drop schedulerInterval: "batch"`,
    );
  }
  if (o.callbacks !== undefined && !Array.isArray(o.callbacks)) {
    throw new TypeError(`${op}: callbacks must be an array, got ${describe(o.callbacks)}`);
  }
  for (const [i, c] of (o.callbacks ?? []).entries()) {
    if (c === null || typeof c !== "object") {
      throw new TypeError(`${op}: callbacks[${i}] must be an object of hooks, got ${describe(c)}`);
    }
  }
  if (o.history !== undefined && !(o.history instanceof History)) {
    throw new TypeError(`${op}: history must be a History, got ${describe(o.history)}`);
  }
  return {
    train: o.train,
    validation: o.validation,
    validateEvery: checkInt(o.validateEvery ?? 1, op, "validateEvery", 1),
    loss: o.loss,
    optimizer: o.optimizer,
    epochs,
    scheduler: o.scheduler,
    perBatch: interval === "batch",
    clip: o.clipGradNorm === undefined
      ? undefined
      : checkNumber(o.clipGradNorm ?? 0, op, "clipGradNorm", 0),
    callbacks: o.callbacks ?? [],
    onNonFinite: checkOneOf(o.onNonFiniteLoss ?? "error", op, "onNonFiniteLoss", [
      "error",
      "skip",
      "restore",
    ]),
  };
}

function batchCount(src: BatchSource): number | undefined {
  const n = (src as { length?: unknown }).length;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Trains `model` and returns the {@link History} of the epochs run. Each epoch logs `loss` (the
 * mean training loss, weighted by batch size, with the model in training mode), each metric,
 * their validation values (`valLoss`, `valAccuracy`, …) when `validation` is given (on the
 * epochs `validateEvery` picks), the learning rate `lr` of the first parameter group at the
 * epoch's start, and `seconds` (training plus validation). Training stops after `epochs` epochs (a callback may change that number through
 * `state.epochs`), or earlier when a callback sets `state.stopTraining` (see {@link EarlyStopping}).
 *
 * @example
 * ```ts
 * import { EarlyStopping, fit } from "@nnc/train";
 * import { mlp } from "@nnc/models/mlp";
 * import { crossEntropy } from "@nnc/layers";
 * import { Adam } from "@nnc/optim";
 * import { DataLoader, TensorDataset, twoMoons } from "@nnc/datasets";
 * import { Rng } from "@nnc/tensor";
 * const rng = new Rng(0);
 * const train = twoMoons({ n: 256, noise: 0.1, seed: 1 }), val = twoMoons({ n: 128, noise: 0.1, seed: 2 });
 * const model = mlp([2, 16, 2], { rng });
 * const history = await fit(model, {
 *   train: new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 32, shuffle: true, seed: 0 }),
 *   validation: [[val.x, val.y]],
 *   loss: crossEntropy,
 *   optimizer: new Adam(model.parameters(), { lr: 0.02 }),
 *   epochs: 20,
 *   metrics: ["accuracy"],
 *   callbacks: [new EarlyStopping({ patience: 3, restoreBest: true })],
 *   progress: "none",
 * });
 * console.assert(history.best("valAccuracy").value > 0.8);
 * ```
 */
export async function fit(model: Model, options: FitOptions): Promise<History> {
  const op = "fit";
  checkModel(model, op);
  const p = plan(options, op);
  const metrics = resolveMetrics(options.metrics, op);
  const progress = new Progress({ mode: options.progress, writer: options.writer });
  const history = options.history ?? new History();
  const first = (history.last()?.epoch ?? 0) + 1;
  const state: TrainingState = {
    model,
    optimizer: p.optimizer,
    history,
    epochs: first - 1 + p.epochs,
    epoch: first - 1,
    stopTraining: false,
    validated: p.validation === undefined ? undefined : false,
    log: (message: string) => progress.message(message),
  };
  const params = model.parameters();
  for (const c of p.callbacks) await c.onTrainBegin?.(state);
  for (let epoch = first; epoch <= lastEpoch(state, op) && !state.stopTraining; epoch++) {
    state.epoch = epoch;
    if (p.validation !== undefined) state.validated = false;
    for (const c of p.callbacks) await c.onEpochBegin?.(epoch, state);
    const t0 = performance.now();
    const lr = p.optimizer.paramGroups[0]?.lr ?? NaN;
    progress.epochBegin(epoch, state.epochs, batchCount(p.train));
    model.train();
    for (const m of metrics) m.reset();
    let sum = 0, count = 0, index = 0, skipped = 0;
    for await (const batch of iterate(p.train)) {
      const { x, y, n } = unpack(batch, op, index++);
      p.optimizer.zeroGrad();
      const out = model.forward(x);
      const loss = p.loss(out, y);
      const value = loss.item();
      if (!Number.isFinite(value)) {
        await nonFiniteLoss(p, model, state, value, epoch, index);
        skipped++;
        continue;
      }
      loss.backward();
      if (p.clip !== undefined) clipGradNorm(params, p.clip);
      p.optimizer.step();
      if (p.perBatch) (p.scheduler as LRScheduler).step();
      sum += value * n;
      count += n;
      for (const m of metrics) m.update(out.data, y.data);
      const running: Record<string, number> = { loss: sum / count };
      for (const c of p.callbacks) {
        if (c.onBatchEnd) await c.onBatchEnd(index, { loss: value }, state);
      }
      progress.batch(index, running);
      if (state.stopTraining) break;
    }
    if (count === 0 && skipped > 0) {
      throw new NonFiniteLossError(
        NaN,
        epoch,
        index,
        `every batch of epoch ${epoch} had a non-finite loss: training cannot go on`,
      );
    }
    if (count === 0) {
      throw new RangeError(
        `${op}: train yielded no batches in epoch ${epoch} (a generator can be iterated only once: pass a DataLoader or an array of batches)`,
      );
    }
    const log: EpochLog = { epoch, loss: sum / count };
    if (p.onNonFinite !== "error") log.skipped = skipped;
    for (const m of metrics) log[m.name] = m.compute();
    if (p.validation !== undefined) {
      state.validated = (epoch - first) % p.validateEvery === 0 ||
        epoch >= lastEpoch(state, op) || state.stopTraining;
    }
    if (p.validation !== undefined && state.validated) {
      for (const c of p.callbacks) await c.onValidationBegin?.(epoch, state);
      try {
        const v = await runEvaluation(model, p.validation, p.loss, metrics, `${op}: validation`);
        for (const [k, value] of Object.entries(v)) log[valKey(k)] = value;
      } finally {
        // Also after a failed pass: a callback that swapped weights in must swap them back.
        for (const c of p.callbacks) await c.onValidationEnd?.(epoch, state);
      }
    }
    log.lr = lr;
    if (p.scheduler !== undefined && !p.perBatch) {
      if (!(p.scheduler instanceof ReduceLROnPlateau)) p.scheduler.step();
      // On the validation loss when there is validation data: not on an epoch that skipped it.
      else if (p.validation === undefined) p.scheduler.step(log.loss);
      else if (state.validated) p.scheduler.step(log.valLoss ?? log.loss);
    }
    log.seconds = (performance.now() - t0) / 1000;
    history.record(log);
    progress.epochEnd(log, log.seconds);
    for (const c of p.callbacks) await c.onEpochEnd?.(epoch, log, state);
  }
  for (const c of p.callbacks) await c.onTrainEnd?.(state);
  return history;
}

/** `state.epochs`, which a callback may have moved, checked. */
function lastEpoch(state: TrainingState, op: string): number {
  const e = state.epochs;
  if (typeof e !== "number" || !Number.isInteger(e)) {
    throw new TypeError(`${op}: state.epochs must be an integer, got ${describe(e)}`);
  }
  return e;
}

/** Handles a NaN or infinite batch loss as `onNonFiniteLoss` says (returns when it is skipped). */
async function nonFiniteLoss(
  p: Plan,
  model: Model,
  state: TrainingState,
  value: number,
  epoch: number,
  batch: number,
): Promise<void> {
  if (p.onNonFinite === "error") throw new NonFiniteLossError(value, epoch, batch);
  p.optimizer.zeroGrad();
  let action = "batch skipped";
  if (p.onNonFinite === "restore") {
    const ckpt = p.callbacks.filter((c) => c instanceof ModelCheckpoint).at(-1);
    if (ckpt === undefined) {
      throw new NonFiniteLossError(
        value,
        epoch,
        batch,
        'onNonFiniteLoss: "restore" needs a ModelCheckpoint among the callbacks',
      );
    }
    const path = await ckpt.restore(model);
    if (path === null) {
      throw new NonFiniteLossError(value, epoch, batch, "no checkpoint has been saved to restore");
    }
    p.optimizer.state.clear();
    action = `restored ${path} and cleared the optimiser state; batch skipped`;
  }
  state.log(`fit: loss is ${value} in epoch ${epoch}, batch ${batch}: ${action}`);
}
