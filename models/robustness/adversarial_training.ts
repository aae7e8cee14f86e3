/**
 * {@link AdversarialTraining}: training on adversarial examples as a batch transform that `fit`
 * (or any training loop) uses unchanged, with the notes' mixed loss
 * `αL(θ, x, y) + (1 − α)L(θ, x_adv, y)` (003:L739–763).
 *
 * @module
 */
import {
  asNDArray,
  checkBool,
  checkFunction,
  checkNumber,
  checkOptions,
  describe,
  type NDArray,
} from "@nnc/tensor";
import { concat, Tensor } from "@nnc/autograd";
import { Module } from "@nnc/layers";
import type { Classifier } from "./classifier.ts";
import { inputBatch, labelBatch } from "./_attack.ts";

/**
 * An attack used for training: adversarial inputs for the batch `x` with labels `y`.
 *
 * @example
 * ```ts
 * import { type TrainingAttack, pgd } from "@nnc/models/robustness";
 * const pgd7: TrainingAttack = (m, x, y) => pgd(m, x, y, { eps: 0.1, alpha: 0.025, steps: 7, randomStart: true });
 * console.assert(typeof pgd7 === "function");
 * ```
 */
export type TrainingAttack = (model: Classifier, x: Tensor, y: Tensor) => Tensor;

/**
 * Options of {@link AdversarialTraining}.
 *
 * @example
 * ```ts
 * import { type AdversarialTrainingOptions, fgsm } from "@nnc/models/robustness";
 * const goodfellow: AdversarialTrainingOptions = {
 *   attack: (m, x, y) => fgsm(m, x, y, { eps: 0.1 }),
 *   alpha: 0.5,
 * };
 * ```
 */
export interface AdversarialTrainingOptions {
  /** Makes the adversarial inputs of a batch. Required. */
  attack: TrainingAttack;
  /**
   * Weight α of the clean loss in `αL(x) + (1 − α)L(x_adv)`. Default 0.5 (Goodfellow et al.);
   * 0 trains on adversarial inputs only (Madry et al.'s PGD training).
   */
  alpha?: number;
  /**
   * Attack a `Module` in evaluation mode (dropout off, batch-norm running statistics), restoring
   * its mode afterwards. Default true.
   */
  evalMode?: boolean;
}

/**
 * A batch as `fit` reads it: inputs and targets (NDArrays or Tensors).
 *
 * @example
 * ```ts
 * import type { BatchLike } from "@nnc/models/robustness";
 * import { zeros } from "@nnc/tensor";
 * const b: BatchLike = [zeros([2, 3]), zeros([2], { dtype: "int32" })];
 * ```
 */
export type BatchLike = readonly unknown[];

/**
 * What {@link AdversarialTraining.batches} yields: adversarial batches `[x, y]` as Tensors,
 * synchronously or not, as its source.
 *
 * @example
 * ```ts
 * import type { AdversarialBatches } from "@nnc/models/robustness";
 * const none: AdversarialBatches = [];
 * ```
 */
export type AdversarialBatches = Iterable<[Tensor, Tensor]> | AsyncIterable<[Tensor, Tensor]>;

/**
 * Adversarial training as a batch transform. {@link AdversarialTraining.transform} replaces a
 * batch `(x, y)` by `(x ‖ x_adv, y ‖ y)` — clean rows first, then their adversarial copies, made by
 * the attack against the current model and treated as constants (no gradient flows through the
 * attack) — or by `(x_adv, y)` when α = 0; {@link AdversarialTraining.batches} applies it to every
 * batch of a data source; {@link AdversarialTraining.loss} weighs the halves by α and 1 − α.
 *
 * @example
 * ```ts
 * import { AdversarialTraining, fgsm } from "@nnc/models/robustness";
 * import { crossEntropy, Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const model = new Linear(2, 2);
 * const adv = new AdversarialTraining(model, { attack: (m, x, y) => fgsm(m, x, y, { eps: 0.1 }), alpha: 0.3 });
 * const [x2, y2] = adv.transform(tensor([[0.2, 0.8]]), tensor([1], { dtype: "int32" }));
 * console.assert(x2.shape.join() === "2,2" && y2.shape.join() === "2");
 * const loss = adv.loss(crossEntropy)(model.forward(x2), y2); // 0.3 L(x) + 0.7 L(x_adv)
 * console.assert(loss.size === 1);
 * // with fit: fit(model, { train: adv.batches(loader), loss: adv.loss(crossEntropy), ... })
 * ```
 */
export class AdversarialTraining {
  /** The model the attack runs against (the one being trained). */
  readonly model: Classifier;
  /** Weight of the clean loss. */
  readonly alpha: number;
  readonly #attack: TrainingAttack;
  readonly #evalMode: boolean;

  /** Adversarial training of `model`. */
  constructor(model: Classifier, options: AdversarialTrainingOptions) {
    const op = "AdversarialTraining";
    if (!(model instanceof Module) && typeof model !== "function") {
      throw new TypeError(`${op}: model must be a Module or a function, got ${describe(model)}`);
    }
    const o = checkOptions(options, op);
    this.model = model;
    this.#attack = checkFunction<TrainingAttack>(o.attack, op, "attack");
    this.alpha = checkNumber(o.alpha ?? 0.5, op, "alpha", 0, 1);
    this.#evalMode = checkBool(o.evalMode ?? true, op, "evalMode");
  }

  /** The batch to train on instead of `(x, y)`. */
  transform(x: Tensor | NDArray, y: Tensor | NDArray): [Tensor, Tensor] {
    const op = "AdversarialTraining.transform";
    const xs = new Tensor(inputBatch(x, op));
    const ys = new Tensor(labelBatch(y, xs.shape[0], op));
    if (this.alpha === 1) return [xs, ys];
    const m = this.model;
    const wasTraining = m instanceof Module && m.training;
    if (wasTraining && this.#evalMode) (m as Module).eval();
    let adv: Tensor;
    try {
      adv = this.#attack(m, xs, ys);
    } finally {
      if (wasTraining && this.#evalMode) (m as Module).train();
    }
    if (!(adv instanceof Tensor) || adv.shape.join() !== xs.shape.join()) {
      throw new TypeError(
        `${op}: the attack must return a Tensor shaped like x [${xs.shape.join(", ")}], got ${
          describe(adv)
        }`,
      );
    }
    adv = adv.detach();
    return this.alpha === 0 ? [adv, ys] : [concat([xs, adv], 0), concat([ys, ys], 0)];
  }

  /** Every batch of `source` (a DataLoader or any iterable of `[x, y]`) transformed, each epoch. */
  batches(source: Iterable<BatchLike> | AsyncIterable<BatchLike>): AdversarialBatches {
    const op = "AdversarialTraining.batches";
    const t = (b: BatchLike, i: number): [Tensor, Tensor] => {
      if (!Array.isArray(b) || b.length < 2) {
        throw new TypeError(`${op}: batch ${i} must be [inputs, targets], got ${describe(b)}`);
      }
      return this.transform(toTensor(b[0], op), toTensor(b[1], op));
    };
    if (source !== null && typeof source === "object" && Symbol.iterator in source) {
      const src = source as Iterable<BatchLike>;
      return {
        *[Symbol.iterator]() {
          let i = 0;
          for (const b of src) yield t(b, i++);
        },
      };
    }
    if (source !== null && typeof source === "object" && Symbol.asyncIterator in source) {
      const src = source as AsyncIterable<BatchLike>;
      return {
        async *[Symbol.asyncIterator]() {
          let i = 0;
          for await (const b of src) yield t(b, i++);
        },
      };
    }
    throw new TypeError(
      `${op}: source must be an iterable of [x, y] batches, got ${describe(source)}`,
    );
  }

  /**
   * The training loss for transformed batches: `α·base(clean rows) + (1 − α)·base(adversarial
   * rows)`; `base` itself when α is 0 or 1 (one kind of row only).
   */
  loss(
    base: (output: Tensor, target: Tensor) => Tensor,
  ): (output: Tensor, target: Tensor) => Tensor {
    const op = "AdversarialTraining.loss";
    checkFunction(base, op, "base");
    const a = this.alpha;
    if (a === 0 || a === 1) return base;
    return (out, y) => {
      const rows = out.shape[0];
      if (rows % 2 !== 0) {
        throw new RangeError(
          `${op}: a transformed batch has an even number of rows (clean, then adversarial), got ${rows}`,
        );
      }
      const n = rows / 2;
      const clean = base(out.slice({ start: 0, stop: n }), y.slice({ start: 0, stop: n }));
      const adv = base(out.slice({ start: n, stop: rows }), y.slice({ start: n, stop: rows }));
      return clean.mul(a).add(adv.mul(1 - a));
    };
  }
}

function toTensor(v: unknown, op: string): Tensor {
  return v instanceof Tensor ? v : new Tensor(asNDArray(v, op, "a batch entry"));
}
