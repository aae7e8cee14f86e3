/**
 * {@link WeightAverage}: a running average of a model's weights during training (an exponential
 * moving average, or the equal-weight mean of stochastic weight averaging), evaluated or saved in
 * place of the trained weights.
 *
 * @module
 */
import {
  assign,
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  clone,
  contiguous,
  describe,
  type NDArray,
} from "@nnc/tensor";
import { type AnyModule, Module, type StateDict } from "@nnc/layers";
import type { Callback, TrainingState } from "./callbacks.ts";

/**
 * Options of {@link WeightAverage}.
 *
 * @example
 * ```ts
 * import type { WeightAverageOptions } from "@nnc/train";
 * const ema: WeightAverageOptions = { kind: "ema", decay: 0.998, every: 2 };
 * ```
 */
export interface WeightAverageOptions {
  /**
   * `"ema"` (the default): `average ← decay · average + (1 − decay) · weights` at every update
   * (PyTorch's `AveragedModel` with `get_ema_multi_avg_fn`); `"mean"`: the equal-weight mean of
   * every update's weights (stochastic weight averaging, PyTorch's default `AveragedModel`). The
   * first update copies the weights in either kind.
   */
  kind?: "ema" | "mean";
  /** The exponential average's decay per update, in [0, 1). Default 0.999. `"ema"` only. */
  decay?: number;
  /** As a `fit` callback: training batches between updates. Default 1 (every batch). */
  every?: number;
  /** As a `fit` callback: training batches (counted over the whole run) before the first update. Default 0. */
  start?: number;
  /**
   * Persistent buffers such as batch norm's running statistics: `"average"` (the default) averages
   * their float entries like the parameters and takes integer ones (batch counts) as they are at
   * the update (PyTorch's `use_buffers=True`); `"model"` leaves them out, so the averaged weights
   * run with the model's current buffers (load {@link WeightAverage.stateDict} into the model and
   * run `updateBatchNorm` to give them statistics of their own).
   */
  buffers?: "average" | "model";
  /**
   * As a `fit` callback: `true` runs fit's validation pass with the averaged weights (swapped in
   * for the pass, the trained ones restored after), so that the logged `val…` values and whatever
   * reads them (early stopping, checkpoints, the curves) are the average's. Default false.
   */
  validate?: boolean;
}

/** One averaged entry of the model's state dict. */
interface Entry {
  name: string;
  /** The running average: a contiguous array of its own, of the entry's dtype. */
  average: NDArray;
  /** Integer buffers are copied at every update, not averaged. */
  copyOnly: boolean;
}

/**
 * A running average of a model's parameters (and, by default, its float buffers), kept beside the
 * model: {@link WeightAverage.update} folds the current weights in, {@link WeightAverage.withAverage}
 * runs a function (an evaluation) with the averaged weights swapped into the model and the trained
 * ones restored after, {@link WeightAverage.stateDict} gives them for saving or for another copy of
 * the architecture. Passed to `fit` as a callback, it updates after every `every`-th batch.
 *
 * The average of the weights late in training often generalises better than the last weights
 * (Polyak averaging; Izmailov et al. 2018, "Averaging weights leads to wider optima"). Memory: one
 * copy of the averaged entries.
 *
 * @example
 * ```ts
 * import { evaluate, fit, WeightAverage } from "@nnc/train";
 * import { Linear, mseLoss } from "@nnc/layers";
 * import { SGD } from "@nnc/optim";
 * import { array, manualSeed } from "@nnc/tensor";
 *
 * manualSeed(0);
 * const x = array([[0], [1], [2], [3]]);
 * const y = array([[1], [3], [5], [7]]); // y = 2x + 1
 * const model = new Linear(1, 1);
 * const ema = new WeightAverage(model, { decay: 0.9 });
 * await fit(model, {
 *   train: [[x, y]],
 *   loss: mseLoss,
 *   optimizer: new SGD(model.parameters(), { lr: 0.05 }),
 *   epochs: 300,
 *   progress: "none",
 *   callbacks: [ema],
 * });
 * const averaged = await ema.withAverage(() => evaluate(model, [[x, y]], { loss: mseLoss }));
 * console.log(ema.updates, averaged.loss < 1e-3); // 300 true
 * ```
 */
export class WeightAverage implements Callback {
  /** The model whose weights are averaged. */
  readonly model: AnyModule;
  /** `"ema"` or `"mean"`. */
  readonly kind: "ema" | "mean";
  /** The exponential average's decay per update. */
  readonly decay: number;
  /** Training batches between updates (as a callback). */
  readonly every: number;
  /** Training batches before the first update (as a callback). */
  readonly start: number;
  /** Whether float buffers are averaged (`"average"`) or left to the model (`"model"`). */
  readonly buffers: "average" | "model";
  /** Whether fit's validation passes run with the averaged weights (as a callback). */
  readonly validate: boolean;
  #entries: Entry[];
  #updates = 0;
  #batches = 0;
  #swapped = false;
  #swappedForValidation = false;

  /** Takes the model's state-dict entries to average; nothing is copied until the first update. */
  constructor(model: AnyModule, options: WeightAverageOptions = {}) {
    const op = "WeightAverage";
    if (!(model instanceof Module)) {
      throw new TypeError(`${op}: model must be a Module, got ${describe(model)}`);
    }
    const o = checkOptions(options, op);
    this.model = model;
    this.kind = checkOneOf(o.kind ?? "ema", op, "kind", ["ema", "mean"] as const);
    if (o.decay !== undefined && this.kind === "mean") {
      throw new RangeError(`${op}: decay applies to kind "ema" only, got kind "mean"`);
    }
    this.decay = checkNumber(o.decay ?? 0.999, op, "decay", 0, 1);
    if (this.decay === 1) {
      throw new RangeError(`${op}: decay must be below 1 (the average would never move), got 1`);
    }
    this.every = checkInt(o.every ?? 1, op, "every", 1);
    this.start = checkInt(o.start ?? 0, op, "start", 0);
    this.buffers = checkOneOf(
      o.buffers ?? "average",
      op,
      "buffers",
      [
        "average",
        "model",
      ] as const,
    );
    this.validate = checkBool(o.validate ?? false, op, "validate");
    const params = new Set(model.namedParameters().map(([name]) => name));
    const state = model.stateDict();
    this.#entries = Object.keys(state)
      .filter((name) => params.has(name) || this.buffers === "average")
      .map((name) => ({
        name,
        average: clone(state[name]),
        copyOnly: !params.has(name) && state[name].dtype === "int32",
      }));
  }

  /** How many times the weights have been folded in. */
  get updates(): number {
    return this.#updates;
  }

  /** Whether the averaged weights are in the model now (between two {@link WeightAverage.swap} calls). */
  get swapped(): boolean {
    return this.#swapped;
  }

  /** Folds the model's current weights into the average (the first update copies them). */
  update(): void {
    if (this.#swapped) {
      throw new RangeError(
        "WeightAverage.update: the averaged weights are swapped into the model; swap them back first",
      );
    }
    const state = this.#state("WeightAverage.update");
    const n = ++this.#updates;
    const rate = this.kind === "ema" ? 1 - this.decay : 1 / n;
    for (const e of this.#entries) {
      const current = contiguous(state[e.name]);
      const avg = e.average.data as Float32Array | Float64Array | Int32Array;
      const cur = current.data.subarray(current.offset, current.offset + current.size);
      if (n === 1 || e.copyOnly) {
        avg.set(cur);
        continue;
      }
      // a + rate·(w − a): the EMA's decay·a + (1 − decay)·w, and the running mean's update.
      for (let i = 0; i < avg.length; i++) avg[i] += rate * (cur[i] - avg[i]);
    }
  }

  /**
   * Exchanges the model's weights with the averaged ones; a second call restores them. Prefer
   * {@link WeightAverage.withAverage}, which cannot leave them swapped.
   */
  swap(): void {
    const op = "WeightAverage.swap";
    if (this.#updates === 0) {
      throw new RangeError(`${op}: nothing averaged yet; call update (or train with it) first`);
    }
    const state = this.#state(op);
    for (const e of this.#entries) {
      const held = clone(state[e.name]);
      assign(state[e.name], e.average);
      assign(e.average, held);
    }
    this.#swapped = !this.#swapped;
  }

  /** Runs `fn` with the averaged weights in the model and restores the trained ones after (also when `fn` throws). */
  async withAverage<T>(fn: () => T | Promise<T>): Promise<T> {
    if (typeof fn !== "function") {
      throw new TypeError(`WeightAverage.withAverage: fn must be a function, got ${describe(fn)}`);
    }
    if (this.#swapped) {
      throw new RangeError(
        "WeightAverage.withAverage: the averaged weights are already swapped in",
      );
    }
    this.swap();
    try {
      return await fn();
    } finally {
      this.swap();
    }
  }

  /**
   * The model's state dict with the averaged entries in place of the trained ones (copies): save it,
   * or load it into the model or another instance of its architecture (`loadStateDict`).
   */
  stateDict(): StateDict {
    if (this.#updates === 0) {
      throw new RangeError("WeightAverage.stateDict: nothing averaged yet; call update first");
    }
    const state = this.#state("WeightAverage.stateDict");
    const out: StateDict = {};
    for (const [name, value] of Object.entries(state)) out[name] = clone(value);
    // While swapped, the model holds the averages and the entries the trained weights.
    if (!this.#swapped) { for (const e of this.#entries) out[e.name] = clone(e.average); }
    return out;
  }

  /** As a `fit` callback: an update after every `every`-th batch once `start` batches have passed. */
  onBatchEnd(
    _batch: number,
    _logs: Readonly<Record<string, number>>,
    _state: TrainingState,
  ): void {
    const past = ++this.#batches - this.start;
    if (past > 0 && past % this.every === 0) this.update();
  }

  /** As a `fit` callback with `validate`: the averaged weights in for the validation pass (once one update was made). */
  onValidationBegin(_epoch: number, _state: TrainingState): void {
    if (this.validate && this.#updates > 0 && !this.#swapped) {
      this.swap();
      this.#swappedForValidation = true;
    }
  }

  /** As a `fit` callback: the trained weights back after the validation pass. */
  onValidationEnd(_epoch: number, _state: TrainingState): void {
    if (this.#swappedForValidation) {
      this.#swappedForValidation = false;
      this.swap();
    }
  }

  /** The model's state dict, checked against the entries taken at construction. */
  #state(op: string): StateDict {
    const state = this.model.stateDict();
    for (const e of this.#entries) {
      const value = state[e.name];
      if (
        value === undefined || value.dtype !== e.average.dtype ||
        value.shape.length !== e.average.shape.length ||
        value.shape.some((d, i) => d !== e.average.shape[i])
      ) {
        throw new RangeError(
          `${op}: the model's entry '${e.name}' is ${
            value === undefined ? "gone" : `${value.dtype} [${value.shape.join(", ")}]`
          }, averaged as ${e.average.dtype} [${e.average.shape.join(", ")}]`,
        );
      }
    }
    return state;
  }
}
