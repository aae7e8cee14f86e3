/**
 * {@link MessagePassing}: the generic graph layer `x_i' = update(⊕_{j → i} message(x_i, x_j, e_ji), x_i)`
 * (PyTorch Geometric's `MessagePassing`), and {@link EdgeConv}, a layer defined by its message.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import { concat, gatherRows, segmentReduce, spmm, Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import {
  type EdgeIndexLike,
  edgesOf,
  edgeWeightOf,
  isDifferentiable,
  nodeFeatures,
  targetCsr,
} from "./_graph.ts";
import { describe, fmtShape } from "@nnc/tensor";
import { asInput } from "./_util.ts";

/**
 * How the messages arriving at a node combine; every choice is permutation-invariant. `"add"`
 * is PyTorch Geometric's name for `"sum"`.
 *
 * @example
 * ```ts
 * import type { Aggregation } from "@nnc/layers";
 * const aggr: Aggregation = "max";
 * ```
 */
export type Aggregation = "sum" | "add" | "mean" | "max" | "min";

const AGGREGATIONS: readonly Aggregation[] = ["sum", "add", "mean", "max", "min"];

/**
 * What a message sees: the edges and, computed on first use, the features at both ends of each.
 *
 * @example
 * ```ts
 * import type { MessageContext } from "@nnc/layers";
 * const diff = (ctx: MessageContext) => ctx.xJ().sub(ctx.xI());
 * ```
 */
export interface MessageContext {
  /** int32 `[E]`: the source `j` of each edge. */
  readonly source: NDArray;
  /** int32 `[E]`: the target `i` of each edge (where the message is aggregated). */
  readonly target: NDArray;
  /** Number of nodes. */
  readonly numNodes: number;
  /** The node features passed to `propagate`. */
  readonly x: Tensor;
  /** Per-edge attributes passed to `propagate` (`[E]` weights or `[E, D]` features), or null. */
  readonly edgeAttr: Tensor | null;
  /** `x_j`: the source features of every edge, `[E, ...]`. */
  xJ(): Tensor;
  /** `x_i`: the target features of every edge, `[E, ...]`. */
  xI(): Tensor;
}

/** Options of {@link MessagePassing.propagate}. */
export interface PropagateOptions {
  /** Per-edge weights `[E]` or attributes `[E, D]`, handed to `message` as `edgeAttr`. */
  edgeAttr?: Tensor | NDArray | null;
}

/**
 * Base class of message-passing layers (PyTorch Geometric's `MessagePassing`): node `i` gets
 * `update(⊕_{j → i} message(…), x_i)` with `⊕` the layer's {@link Aggregation}, the notes'
 * `x_v = φ(x_v, ⊕_u ψ(x_v, x_u))`. A subclass overrides `message` (default: `x_j`, scaled by the
 * edge weight when `edgeAttr` is 1-d), and may override `aggregate` and `update`; its `forward`
 * calls `propagate`. With the default message and sum or mean aggregation, messages are never
 * materialised: aggregation is one sparse product.
 *
 * @example
 * ```ts
 * import { type MessageContext, MessagePassing } from "@nnc/layers";
 * import { Tensor, tensor } from "@nnc/autograd";
 * // x_i' = max over in-neighbours j of (x_j − x_i).
 * class MaxDifference extends MessagePassing<[Tensor, number[][]]> {
 *   constructor() {
 *     super("max");
 *   }
 *   override message(ctx: MessageContext): Tensor {
 *     return ctx.xJ().sub(ctx.xI());
 *   }
 *   forward(x: Tensor, edgeIndex: number[][]): Tensor {
 *     return this.propagate(x, edgeIndex);
 *   }
 * }
 * const y = new MaxDifference().forward(tensor([[1], [5], [2]]), [[1, 2, 0], [0, 0, 1]]);
 * console.assert(y.toArray().toString() === "4,-4,0");
 * ```
 */
export abstract class MessagePassing<I extends unknown[] = [Tensor, EdgeIndexLike], O = Tensor>
  extends Module<I, O> {
  /** How messages combine at their target. */
  readonly aggr: Aggregation;

  /** A layer aggregating with `aggr` (default `"sum"`). */
  constructor(aggr: Aggregation = "sum") {
    super();
    this.aggr = nd.checkOneOf(aggr, this.constructor.name, "aggr", AGGREGATIONS);
  }

  /** The message along each edge, `[E, ...]` (default: `x_j`, times the weight for 1-d `edgeAttr`). */
  message(ctx: MessageContext): Tensor {
    const op = `${this.constructor.name}.message`;
    if (ctx === null || typeof ctx !== "object" || typeof ctx.xJ !== "function") {
      throw new TypeError(`${op}: ctx must be a MessageContext, got ${describe(ctx)}`);
    }
    const xj = ctx.xJ();
    const w = ctx.edgeAttr ?? null;
    if (w === null) return xj;
    if (!(w instanceof Tensor)) {
      throw new TypeError(`${op}: ctx.edgeAttr must be a Tensor or null, got ${describe(w)}`);
    }
    if (w.ndim !== 1) {
      throw new RangeError(
        `${this.constructor.name}: the default message takes 1-d edge weights, got edgeAttr ${
          fmtShape(w.shape)
        }; override message() to use edge features`,
      );
    }
    return xj.mul(w.reshape([w.shape[0], ...xj.shape.slice(1).map(() => 1)]));
  }

  /** Combines the messages `[E, ...]` at their targets into `[numNodes, ...]`. */
  aggregate(messages: Tensor, target: NDArray, numNodes: number): Tensor {
    const op = `${this.constructor.name}.aggregate`;
    const m = asInput(messages, op, "messages");
    const n = nd.checkInt(numNodes, op, "numNodes", 0, 2 ** 31 - 1);
    if (m.ndim < 1) throw new RangeError(`${op}: messages must be at least 1-d, got a 0-d tensor`);
    const raw: unknown = target instanceof Tensor ? target.data : target;
    const index = nd.checkIndexList(raw, n, op, "target");
    if (index.size !== m.shape[0]) {
      throw new RangeError(
        `${op}: target has ${index.size} entries but messages has ${m.shape[0]} rows`,
      );
    }
    const aggr = this.aggr === "add" ? "sum" : this.aggr;
    return segmentReduce(m, index, n, aggr);
  }

  /** The new node features from the aggregated messages (default: the aggregate itself). */
  update(aggregated: Tensor, _x: Tensor): Tensor {
    return aggregated;
  }

  /**
   * Runs message → aggregate → update over the edges `edgeIndex` `[2, E]` (row 0 sources, row 1
   * targets) of a graph whose nodes carry `x` `[N, ...]`. Checks every edge against `N`.
   */
  propagate(x: Tensor, edgeIndex: EdgeIndexLike, options: PropagateOptions = {}): Tensor {
    const op = this.constructor.name;
    const input = x instanceof Tensor ? x : nodeFeatures(x, op);
    if (input.ndim < 1 || input.shape[0] === 0) {
      throw new RangeError(
        `${op}: the graph is empty (x has shape ${
          fmtShape(input.shape)
        }); a graph needs at least one node`,
      );
    }
    const n = input.shape[0];
    const edges = edgesOf(edgeIndex, n, op);
    const e = edges.source.size;
    const attr = edgeAttrOf(options.edgeAttr, e, input.dtype, op);
    let aggregated: Tensor;
    if (
      this.message === MessagePassing.prototype.message &&
      this.aggregate === MessagePassing.prototype.aggregate &&
      (this.aggr === "sum" || this.aggr === "add" || this.aggr === "mean") &&
      (attr === null || attr.ndim === 1)
    ) {
      aggregated = fusedSum(input, edges.source, edges.target, n, attr, this.aggr === "mean");
    } else {
      let xj: Tensor | null = null, xi: Tensor | null = null;
      const ctx: MessageContext = {
        source: edges.source,
        target: edges.target,
        numNodes: n,
        x: input,
        edgeAttr: attr,
        xJ: () => (xj ??= gatherRows(input, edges.source)),
        xI: () => (xi ??= gatherRows(input, edges.target)),
      };
      const messages = this.message(ctx);
      if (!(messages instanceof Tensor) || messages.ndim < 1 || messages.shape[0] !== e) {
        throw new RangeError(
          `${op}: message() must return one row per edge ([${e}, ...]), got ${describe(messages)}`,
        );
      }
      aggregated = this.aggregate(messages, edges.target, n);
    }
    return this.update(aggregated, input);
  }
}

/** `edgeAttr` as a Tensor with one row per edge, or null. */
function edgeAttrOf(attr: unknown, e: number, dtype: nd.DType, op: string): Tensor | null {
  if (attr === undefined || attr === null) return null;
  if (attr instanceof Tensor || attr instanceof nd.NDArray) {
    const t = attr instanceof Tensor ? attr : new Tensor(attr);
    if (t.ndim === 1) return edgeWeightOf(t, e, dtype, op);
    if (t.ndim >= 2 && t.shape[0] === e) return t;
  }
  throw new RangeError(
    `${op}: edgeAttr must be [numEdges] or [numEdges, D] with numEdges = ${e}, got ${
      describe(attr)
    }`,
  );
}

/** Σ (or mean) of `w_e · x_j` at each target, as one sparse product. */
function fusedSum(
  x: Tensor,
  source: NDArray,
  target: NDArray,
  n: number,
  weight: Tensor | null,
  mean: boolean,
): Tensor {
  const { matrix, order } = targetCsr({ source, target, numNodes: n });
  const flat = x.reshape([n, -1]);
  let out: Tensor;
  if (weight !== null && isDifferentiable(weight)) {
    out = spmm(matrix, flat, gatherRows(weight, order));
  } else if (weight !== null) {
    out = spmm(matrix.withValues(nd.indexSelect(weight.data, 0, order)), flat);
  } else out = spmm(matrix, flat);
  if (mean) {
    const counts = nd.segmentCount(target, n);
    const inv = nd.zeros([n, 1], { dtype: x.dtype });
    for (let i = 0; i < n; i++) inv.data[i] = 1 / Math.max(1, counts.data[i]);
    out = out.mul(new Tensor(inv));
  }
  return out.reshape(x.shape);
}

/**
 * EdgeConv (Wang et al., "Dynamic graph CNN", 2019; PyTorch Geometric's `EdgeConv`):
 * `x_i' = ⊕_{j → i} h(x_i ‖ x_j − x_i)` with `h` any module mapping `[E, 2F]` to `[E, F']`
 * (default aggregation max). A message-passing layer whose message is a network.
 *
 * @example
 * ```ts
 * import { EdgeConv, Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const conv = new EdgeConv(new Linear(4, 3, { rng: new Rng(0) }));
 * const y = conv.forward(tensor([[1, 0], [0, 1], [1, 1]]), [[0, 1, 2], [1, 2, 0]]);
 * console.assert(y.shape.join() === "3,3" && Object.keys(conv.stateDict()).join() === "nn.weight,nn.bias");
 * ```
 */
export class EdgeConv extends MessagePassing<[Tensor, EdgeIndexLike], Tensor> {
  /** `h`, applied to `[x_i, x_j − x_i]`. */
  nn: AnyModule;

  /** EdgeConv with network `nn` and aggregation `aggr` (default `"max"`). */
  constructor(nn: AnyModule, aggr: Aggregation = "max") {
    super(aggr);
    if (!(nn instanceof Module)) {
      throw new TypeError(`EdgeConv: nn must be a Module, got ${describe(nn)}`);
    }
    this.nn = nn;
  }

  /** `h(x_i ‖ x_j − x_i)` along every edge. */
  override message(ctx: MessageContext): Tensor {
    if (
      ctx === null || typeof ctx !== "object" || typeof ctx.xI !== "function" ||
      typeof ctx.xJ !== "function"
    ) {
      throw new TypeError(`EdgeConv.message: ctx must be a MessageContext, got ${describe(ctx)}`);
    }
    const xi = ctx.xI();
    return (this.nn as unknown as Module<[Tensor], Tensor>).forward(
      concat([xi, ctx.xJ().sub(xi)], 1),
    );
  }

  /** `x` `[N, F]`, `edgeIndex` `[2, E]` → `[N, F']`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    return this.propagate(nodeFeatures(x, "EdgeConv"), edgeIndex);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `aggr=${this.aggr}`;
  }
}
