// Batch handling shared by fit and evaluate: argument checks, iteration, unpacking, evaluation.
import { describe, fmtShape } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Module } from "@nnc/layers";
import type { Metric } from "./metrics.ts";
import type { BatchPair, BatchSource, LossFunction, Model } from "./evaluate.ts";
import { toNd } from "./_train_util.ts";
/** Checks the model argument. */
export function checkModel(model: unknown, op: string): Model {
  if (!(model instanceof Module)) {
    throw new TypeError(`${op}: model must be a Module, got ${describe(model)}`);
  }
  return model as Model;
}

/** Checks a batch source argument. */
export function checkSource(src: unknown, op: string, name: string): BatchSource {
  if (
    src === null || typeof src !== "object" ||
    (typeof (src as Iterable<unknown>)[Symbol.iterator] !== "function" &&
      typeof (src as AsyncIterable<unknown>)[Symbol.asyncIterator] !== "function")
  ) {
    throw new TypeError(
      `${op}: ${name} must be a DataLoader or an iterable of [inputs, targets] batches, got ${
        describe(src)
      }`,
    );
  }
  return src as BatchSource;
}

/** The batches of a source, one epoch; sync sources are iterated synchronously. */
export async function* iterate(src: BatchSource): AsyncGenerator<BatchPair> {
  if (typeof (src as Iterable<BatchPair>)[Symbol.iterator] === "function") {
    yield* src as Iterable<BatchPair>;
  } else yield* src as AsyncIterable<BatchPair>;
}

/** Splits and checks one batch into input and target Tensors and its row count. */
export function unpack(
  batch: BatchPair,
  op: string,
  index: number,
): { x: Tensor; y: Tensor; n: number } {
  if (!Array.isArray(batch) || batch.length < 2) {
    throw new TypeError(`${op}: batch ${index} must be [inputs, targets], got ${describe(batch)}`);
  }
  const xa = batch[0], ya = batch[1];
  const x = xa instanceof Tensor ? xa : new Tensor(toNd(xa, op, `batch ${index} inputs`));
  const y = ya instanceof Tensor ? ya : new Tensor(toNd(ya, op, `batch ${index} targets`));
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(
      `${op}: batch ${index} has inputs ${fmtShape(x.shape)} and targets ${
        fmtShape(y.shape)
      }; both need the same number of rows`,
    );
  }
  return { x, y, n: x.shape[0] };
}

/** Runs `model` over `data` in evaluation mode without gradients; the loss is batch-size weighted. */
export async function runEvaluation(
  model: Model,
  data: BatchSource,
  loss: LossFunction | undefined,
  metrics: readonly Metric[],
  op: string,
): Promise<Record<string, number>> {
  const wasTraining = model.training;
  model.eval();
  try {
    for (const m of metrics) m.reset();
    let sum = 0, count = 0, index = 0;
    for await (const batch of iterate(data)) {
      const { x, y, n } = unpack(batch, op, index++);
      const out = noGrad(() => model.forward(x));
      if (loss) sum += noGrad(() => loss(out, y)).item() * n;
      for (const m of metrics) m.update(out.data, y.data);
      count += n;
    }
    if (count === 0) throw new RangeError(`${op}: the data yielded no samples`);
    const logs: Record<string, number> = {};
    if (loss) logs.loss = sum / count;
    for (const m of metrics) logs[m.name] = m.compute();
    return logs;
  } finally {
    model.train(wasTraining);
  }
}
