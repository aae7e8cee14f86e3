/**
 * {@link updateBatchNorm}: batch norm's running statistics recomputed for a model's current
 * weights by one pass over training data (PyTorch's `torch.optim.swa_utils.update_bn`).
 *
 * @module
 */
import { describe, type NDArray } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { type AnyModule, BatchNormNd, Module } from "@nnc/layers";
import { checkSource, iterate } from "./_batches.ts";
import type { BatchSource } from "./evaluate.ts";
import { toNd } from "./_train_util.ts";

/** The inputs of one batch: `[inputs, targets]` (the targets unused), `[inputs]` or the inputs alone. */
function inputsOf(batch: unknown, index: number): Tensor {
  const x = Array.isArray(batch) ? batch[0] : batch;
  return x instanceof Tensor ? x : new Tensor(toNd(x, "updateBatchNorm", `batch ${index} inputs`));
}

/**
 * Recomputes the running mean and variance of every batch norm in `model` as the plain average
 * over one pass of `data` (each layer's statistics reset, its momentum set to null for the pass
 * and restored after, as are the model's training modes). Weights averaged after training
 * ({@link WeightAverage} with `buffers: "model"`, or stochastic weight averaging) were never run
 * with the statistics they need; this pass gives them. The forward passes run without a graph.
 * Returns the number of samples seen (0, and nothing changed, when the model has no batch norm
 * with running statistics).
 *
 * @example
 * ```ts
 * import { updateBatchNorm } from "@nnc/train";
 * import { BatchNorm1d, Linear, Sequential } from "@nnc/layers";
 * import { array } from "@nnc/tensor";
 *
 * const model = new Sequential(new Linear(1, 1), new BatchNorm1d(1));
 * const seen = await updateBatchNorm(model, [array([[1], [2]]), array([[3], [4]])]);
 * const bn = model.at(1) as BatchNorm1d;
 * console.log(seen, bn.momentum, bn.numBatchesTracked!.item()); // 4 0.1 2
 * ```
 */
export async function updateBatchNorm(
  model: AnyModule,
  data: BatchSource | Iterable<NDArray | Tensor> | AsyncIterable<NDArray | Tensor>,
): Promise<number> {
  const op = "updateBatchNorm";
  if (!(model instanceof Module)) {
    throw new TypeError(`${op}: model must be a Module, got ${describe(model)}`);
  }
  checkSource(data, op, "data");
  const norms = model.modules().filter((m): m is BatchNormNd =>
    m instanceof BatchNormNd && m.trackRunningStats
  );
  if (norms.length === 0) return 0;
  const modes = model.modules().map((m) => [m, m.training] as const);
  const momenta = norms.map((bn) => bn.momentum);
  let seen = 0, index = 0;
  try {
    for (const bn of norms) {
      bn.resetRunningStats();
      bn.momentum = null;
    }
    model.train();
    for await (const batch of iterate(data as BatchSource) as AsyncGenerator<unknown>) {
      const x = inputsOf(batch, ++index);
      noGrad(() => (model as unknown as Module<[Tensor], unknown>).forward(x));
      seen += x.shape[0] ?? 1;
    }
  } finally {
    norms.forEach((bn, i) => bn.momentum = momenta[i]);
    for (const [m, training] of modes) m.training = training;
  }
  return seen;
}
