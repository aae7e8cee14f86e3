/**
 * Readouts: one vector per graph from the features of its nodes, invariant to the order of the
 * nodes. {@link globalAddPool}, {@link globalMeanPool}, {@link globalMaxPool} and the learned
 * {@link AttentionalAggregation}. Graphs batched into one disjoint graph are told apart by
 * `batch`, the graph index of each node (PyTorch Geometric's convention).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import { segmentReduce, segmentSoftmax, Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { describe, fmtShape } from "@nnc/tensor";

/** The graph of each node: int32 `[N]` (an NDArray, Tensor or list), or null for one graph. */
export type BatchLike = NDArray | Tensor | readonly number[] | null;

interface Pooled {
  x: Tensor;
  batch: NDArray;
  size: number;
}

function pooled(
  op: string,
  x: unknown,
  batch: BatchLike | undefined,
  size: number | undefined,
): Pooled {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: x must be a Tensor, got ${describe(x)}`);
  if (x.ndim < 1) {
    throw new RangeError(`${op}: x must be [numNodes, ...], got ${fmtShape(x.shape)}`);
  }
  const n = x.shape[0];
  if (batch === undefined || batch === null) {
    if (size !== undefined && size !== 1) {
      throw new RangeError(`${op}: without batch there is one graph, got size ${describe(size)}`);
    }
    return { x, batch: nd.zeros([n], { dtype: "int32" }), size: 1 };
  }
  const raw = batch instanceof Tensor ? batch.data : batch;
  let count = size;
  if (count === undefined) {
    // The number of graphs: one more than the largest graph index.
    const probe = nd.checkIndexList(raw, 2 ** 31 - 1, op, "batch", "0..2^31-2");
    count = 0;
    for (let i = 0; i < probe.size; i++) count = Math.max(count, probe.data[probe.offset + i] + 1);
  }
  nd.checkInt(count, op, "size", 0, 2 ** 31 - 1);
  const idx = nd.checkIndexList(raw, count, op, "batch", `0..${count - 1} (${count} graphs)`);
  if (idx.size !== n) {
    throw new RangeError(`${op}: batch has ${idx.size} entries but x has ${n} nodes`);
  }
  return { x, batch: idx, size: count };
}

/**
 * The sum of each graph's node features, `[numGraphs, ...F]` (PyTorch Geometric's
 * `global_add_pool`); `size` is the number of graphs (default: the largest index in `batch` + 1).
 *
 * @example
 * ```ts
 * import { globalAddPool } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(globalAddPool(tensor([[1], [2], [4]]), [0, 1, 1]).toArray().toString() === "1,6");
 * ```
 */
export function globalAddPool(x: Tensor, batch: BatchLike = null, size?: number): Tensor {
  const p = pooled("globalAddPool", x, batch, size);
  return segmentReduce(p.x, p.batch, p.size, "sum");
}

/**
 * The mean of each graph's node features, `[numGraphs, ...F]` (PyTorch Geometric's
 * `global_mean_pool`); a graph without nodes gives 0.
 *
 * @example
 * ```ts
 * import { globalMeanPool } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(globalMeanPool(tensor([[1], [2], [4]]), [0, 1, 1]).toArray().toString() === "1,3");
 * ```
 */
export function globalMeanPool(x: Tensor, batch: BatchLike = null, size?: number): Tensor {
  const p = pooled("globalMeanPool", x, batch, size);
  if (!nd.isFloat(p.x.dtype)) {
    throw new TypeError(
      `globalMeanPool: x must be float32 or float64 to average, got ${p.x.dtype}`,
    );
  }
  return segmentReduce(p.x, p.batch, p.size, "mean");
}

/**
 * The elementwise maximum over each graph's nodes, `[numGraphs, ...F]` (PyTorch Geometric's
 * `global_max_pool`); a graph without nodes gives 0.
 *
 * @example
 * ```ts
 * import { globalMaxPool } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(globalMaxPool(tensor([[1, 5], [2, 0], [4, 1]]), [0, 1, 1]).toArray().toString() === "1,5,4,1");
 * ```
 */
export function globalMaxPool(x: Tensor, batch: BatchLike = null, size?: number): Tensor {
  const p = pooled("globalMaxPool", x, batch, size);
  return segmentReduce(p.x, p.batch, p.size, "max");
}

/**
 * Attention pooling (Li et al., 2016; PyTorch Geometric's `AttentionalAggregation`):
 * `r_g = Σ_{i ∈ g} softmax_g(gate(x_i)) · h(x_i)`, with `gate` mapping each node to one score
 * (`[N, 1]`, or one per feature `[N, F']`) and `h` (default: identity) transforming the features.
 * Parameters under `gate_nn.*` and `nn.*`.
 *
 * @example
 * ```ts
 * import { AttentionalAggregation, Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const gate = new Linear(2, 1, { bias: false });
 * gate.loadStateDict({ weight: tensor([[0, 0]]).data }); // equal scores: a mean
 * const pool = new AttentionalAggregation(gate);
 * console.assert(pool.forward(tensor([[1, 2], [3, 4]]), [0, 0]).toArray().toString() === "2,3");
 * ```
 */
export class AttentionalAggregation extends Module<[Tensor, BatchLike?, number?], Tensor> {
  /** Scores each node. */
  gateNN: AnyModule;
  /** Transforms each node's features before weighting, or null for the identity. */
  nn: AnyModule | null;

  /** Pooling with `gateNN` for the scores and `nn` (optional) for the features. */
  constructor(gateNN: AnyModule, nn: AnyModule | null = null) {
    super();
    const op = "AttentionalAggregation";
    if (!(gateNN instanceof Module)) {
      throw new TypeError(`${op}: gateNN must be a Module, got ${describe(gateNN)}`);
    }
    if (nn !== null && !(nn instanceof Module)) {
      throw new TypeError(`${op}: nn must be a Module or null, got ${describe(nn)}`);
    }
    this.gateNN = this.registerModule("gate_nn", gateNN);
    this.nn = nn === null ? null : this.registerModule("nn", nn);
  }

  /** `x` `[N, F]` and the graph of each node → `[numGraphs, F']`. */
  forward(x: Tensor, batch: BatchLike = null, size?: number): Tensor {
    const op = "AttentionalAggregation";
    const p = pooled(op, x, batch, size);
    if (p.x.ndim !== 2) {
      throw new RangeError(`${op}: x must be [numNodes, features], got ${fmtShape(p.x.shape)}`);
    }
    const gate = (this.gateNN as unknown as Module<[Tensor], Tensor>).forward(p.x);
    const h = this.nn === null
      ? p.x
      : (this.nn as unknown as Module<[Tensor], Tensor>).forward(p.x);
    if (
      gate.ndim !== 2 || gate.shape[0] !== p.x.shape[0] ||
      (gate.shape[1] !== 1 && gate.shape[1] !== h.shape[1])
    ) {
      throw new RangeError(
        `${op}: gateNN must give [${p.x.shape[0]}, 1] or [${p.x.shape[0]}, ${h.shape[1]}], got ${
          fmtShape(gate.shape)
        }`,
      );
    }
    const weights = segmentSoftmax(gate, p.batch, p.size);
    return segmentReduce(h.mul(weights), p.batch, p.size, "sum");
  }
}
