// Shared pieces of the graph examples: the backend, accuracy over a subset of nodes or graphs, and
// one epoch of graph-classification training over a loader.
import type { NDArray } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import type { Module } from "@nnc/layers";
import type { Optimizer } from "@nnc/optim";
import { batchGraphs, type GraphBatch, type GraphData, type GraphDataLoader } from "@nnc/datasets";
export { preferNative } from "../_lib/backend.ts";

/** Fraction of `rows` (default all) whose argmax of `logits` equals the label. */
export function accuracy(logits: NDArray, labels: NDArray, rows?: readonly number[]): number {
  const pred = logits.argmax({ axis: 1 });
  const list = rows ?? Array.from({ length: labels.size }, (_, i) => i);
  let ok = 0;
  for (const i of list) if (pred.get(i) === labels.get(i)) ok++;
  return ok / list.length;
}

/** A graph classifier: node features, edges, the graph of each node, the number of graphs. */
export type GraphModel = Module<[Tensor, NDArray, NDArray, number?], Tensor>;

/** One epoch over `loader`; returns the mean loss. */
export function trainEpoch(
  model: GraphModel,
  loader: GraphDataLoader,
  optimizer: Optimizer,
  loss: (out: Tensor, batch: GraphBatch) => Tensor,
): number {
  model.train();
  let total = 0;
  for (const b of loader) {
    optimizer.zeroGrad();
    const l = loss(model.forward(new Tensor(b.x!), b.edgeIndex, b.batch, b.numGraphs), b);
    l.backward();
    optimizer.step();
    total += l.item();
  }
  return total / loader.length;
}

/** The model's outputs for `graphs`, in evaluation mode, batched all at once. */
export function predictGraphs(
  model: GraphModel,
  graphs: readonly GraphData[],
): { out: NDArray; y: NDArray } {
  model.eval();
  const b = batchGraphs(graphs);
  const out = noGrad(() => model.forward(new Tensor(b.x!), b.edgeIndex, b.batch, b.numGraphs)).data;
  return { out, y: b.y! };
}
