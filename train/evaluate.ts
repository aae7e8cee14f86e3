/**
 * Running a trained model over data without gradients: {@link evaluate} (mean loss and metrics),
 * {@link predict} (outputs for an array of inputs, in batches) and {@link predictBatches}
 * (outputs and targets of a whole data set, e.g. for a confusion matrix).
 *
 * @module
 */
import { checkInt, checkOptions, concat, describe, type NDArray } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import type { Module } from "@nnc/layers";
import { type MetricSpec, resolveMetrics } from "./metrics.ts";
import { toNd } from "./_train_util.ts";
import type { ArrayInput } from "./metrics.ts";
import { checkModel, checkSource, iterate, runEvaluation, unpack } from "./_batches.ts";

/**
 * A batch: inputs and targets (a DataLoader over a `TensorDataset(x, y)` yields these).
 *
 * @example
 * ```ts
 * import type { BatchPair } from "@nnc/train";
 * import { array } from "@nnc/tensor";
 * const b: BatchPair = [array([[0, 1]]), array([1], { dtype: "int32" })];
 * ```
 */
export type BatchPair = readonly [ArrayInput, ArrayInput] | readonly ArrayInput[];

/**
 * Batches to train or evaluate on: a `DataLoader`, an array of batches, or any (async) iterable of
 * them. Training iterates it once per epoch, so it must be re-iterable (a generator object is not).
 *
 * @example
 * ```ts
 * import type { BatchSource } from "@nnc/train";
 * import { DataLoader, TensorDataset } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const ds = new TensorDataset(array([[0], [1]]), array([0, 1], { dtype: "int32" }));
 * const data: BatchSource = new DataLoader(ds, { batchSize: 2 });
 * ```
 */
export type BatchSource = Iterable<BatchPair> | AsyncIterable<BatchPair>;

/**
 * A loss: model outputs and targets to a scalar Tensor, averaged over the batch (so that
 * {@link fit} and {@link evaluate} can weight batches by their size). `crossEntropy`, `mseLoss`
 * and `bceLoss` of `@nnc/layers` are losses.
 *
 * @example
 * ```ts
 * import type { LossFunction } from "@nnc/train";
 * import { crossEntropy } from "@nnc/layers";
 * const smoothed: LossFunction = (out, y) => crossEntropy(out, y, { labelSmoothing: 0.1 });
 * ```
 */
export type LossFunction = (output: Tensor, target: Tensor) => Tensor;

/**
 * A model {@link fit} and {@link evaluate} can run: a module from one Tensor to one Tensor.
 *
 * @example
 * ```ts
 * import type { Model } from "@nnc/train";
 * import { Linear } from "@nnc/layers";
 * const m: Model = new Linear(4, 2);
 * ```
 */
export type Model = Module<[Tensor], Tensor>;

/**
 * Options of {@link evaluate}.
 *
 * @example
 * ```ts
 * import type { EvaluateOptions } from "@nnc/train";
 * import { crossEntropy } from "@nnc/layers";
 * const o: EvaluateOptions = { loss: crossEntropy, metrics: ["accuracy"] };
 * ```
 */
export interface EvaluateOptions {
  /** Loss to average (logged as `loss`). */
  loss?: LossFunction;
  /** Metrics to compute. */
  metrics?: readonly MetricSpec[];
}

/**
 * The mean loss (weighted by batch size) and the metrics of `model` over `data`, computed in
 * evaluation mode (dropout off, batch norm on running statistics) without gradients; the model's
 * mode is restored afterwards.
 *
 * @example
 * ```ts
 * import { evaluate } from "@nnc/train";
 * import { Linear, mseLoss } from "@nnc/layers";
 * import { array } from "@nnc/tensor";
 * const model = new Linear(1, 1, { bias: false });
 * model.weight.data = array([[2]]);
 * const data = [[array([[1], [2]]), array([[2], [5]])]] as const;
 * const r = await evaluate(model, data, { loss: mseLoss });
 * console.assert(r.loss === 0.5); // errors 0 and 1
 * ```
 */
export async function evaluate(
  model: Model,
  data: BatchSource,
  options: EvaluateOptions = {},
): Promise<Record<string, number>> {
  const op = "evaluate";
  checkModel(model, op);
  checkSource(data, op, "data");
  const o = checkOptions(options, op);
  if (o.loss !== undefined && typeof o.loss !== "function") {
    throw new TypeError(`${op}: loss must be a function, got ${describe(o.loss)}`);
  }
  const metrics = resolveMetrics(o.metrics, op);
  if (o.loss === undefined && metrics.length === 0) {
    throw new TypeError(`${op}: nothing to compute: give a loss or metrics`);
  }
  return await runEvaluation(model, data, o.loss, metrics, op);
}

/**
 * The model's outputs for `inputs` (rows), computed `batchSize` rows at a time in evaluation mode
 * without gradients, concatenated into one array.
 *
 * @example
 * ```ts
 * import { predict } from "@nnc/train";
 * import { Linear } from "@nnc/layers";
 * import { arange } from "@nnc/tensor";
 * const out = predict(new Linear(3, 2), arange(30).reshape(10, 3), { batchSize: 4 });
 * console.assert(out.shape.join() === "10,2");
 * ```
 */
export function predict(
  model: Model,
  inputs: ArrayInput,
  options: { batchSize?: number } = {},
): NDArray {
  const op = "predict";
  checkModel(model, op);
  const x = toNd(inputs, op, "inputs");
  if (x.ndim === 0) throw new RangeError(`${op}: inputs must have a row dimension, got a scalar`);
  const bs = checkInt(checkOptions(options, op).batchSize ?? 256, op, "batchSize", 1);
  const wasTraining = model.training;
  model.eval();
  try {
    const parts: NDArray[] = [];
    for (let i = 0; i < x.shape[0]; i += bs) {
      const xb = x.slice({ start: i, stop: Math.min(i + bs, x.shape[0]) });
      parts.push(noGrad(() => model.forward(new Tensor(xb))).data);
    }
    if (parts.length === 0) throw new RangeError(`${op}: inputs have no rows`);
    return parts.length === 1 ? parts[0] : concat(parts, 0);
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The outputs and targets of every batch of `data`, concatenated (evaluation mode, no
 * gradients): what a confusion matrix or a plot of errors needs.
 *
 * @example
 * ```ts
 * import { confusionMatrix, predictBatches } from "@nnc/train";
 * import { Linear } from "@nnc/layers";
 * import { array } from "@nnc/tensor";
 * const model = new Linear(2, 2);
 * const data = [[array([[1, 0], [0, 1]]), array([0, 1], { dtype: "int32" })]] as const;
 * const { outputs, targets } = await predictBatches(model, data);
 * console.assert(confusionMatrix(outputs, targets, { numClasses: 2 }).sum().item() === 2);
 * ```
 */
export async function predictBatches(
  model: Model,
  data: BatchSource,
): Promise<{ outputs: NDArray; targets: NDArray }> {
  const op = "predictBatches";
  checkModel(model, op);
  checkSource(data, op, "data");
  const wasTraining = model.training;
  model.eval();
  try {
    const outs: NDArray[] = [], targets: NDArray[] = [];
    let index = 0;
    for await (const batch of iterate(data)) {
      const { x, y } = unpack(batch, op, index++);
      outs.push(noGrad(() => model.forward(x)).data);
      targets.push(y.data);
    }
    if (outs.length === 0) throw new RangeError(`${op}: the data yielded no batches`);
    return {
      outputs: outs.length === 1 ? outs[0] : concat(outs, 0),
      targets: targets.length === 1 ? targets[0] : concat(targets, 0),
    };
  } finally {
    model.train(wasTraining);
  }
}
