/**
 * {@link GraphConv}: the graph convolution of Morris et al. (2019), with separate weights for a
 * node and its neighbours.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type Aggregation, MessagePassing } from "./message_passing.ts";
import { type LayerOptions, Linear } from "./linear.ts";
import { type EdgeIndexLike, type EdgeWeightLike, nodeFeatures } from "./_graph.ts";
import { checkAllocation, checkRng } from "./_util.ts";

/** Options of {@link GraphConv}. */
export interface GraphConvOptions extends LayerOptions {
  /** How neighbour features combine. Default `"sum"`. */
  aggr?: Aggregation;
  /** Learn an additive bias (in `lin_rel`). Default true. */
  bias?: boolean;
}

/**
 * Graph convolution with a root weight (PyTorch Geometric's `GraphConv`):
 * `x_i' = W₁ x_i + W₂ ⊕_{j → i} e_ji x_j + b`, the notes' convolutional layer
 * `φ(x, z) = W x + U z + b` with `z` the aggregated neighbours (sum by default; weights `e_ji`
 * default to 1). Parameters as in PyTorch Geometric: `lin_rel.weight`, `lin_rel.bias` (W₂, b) and
 * `lin_root.weight` (W₁).
 *
 * @example
 * ```ts
 * import { GraphConv } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const conv = new GraphConv(1, 1, { bias: false });
 * conv.loadStateDict({ "lin_rel.weight": tensor([[10]]).data, "lin_root.weight": tensor([[1]]).data });
 * const y = conv.forward(tensor([[1], [2], [3]]), [[1, 2], [0, 0]]);
 * console.assert(y.toArray().toString() === "51,2,3");
 * ```
 */
export class GraphConv
  extends MessagePassing<[Tensor, EdgeIndexLike, (EdgeWeightLike | null)?], Tensor> {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** W₂ and b: applied to the aggregated neighbours. */
  linRel: Linear;
  /** W₁: applied to the node itself. */
  linRoot: Linear;

  /** A layer from `inChannels` to `outChannels` features per node. */
  constructor(inChannels: number, outChannels: number, options: GraphConvOptions = {}) {
    const op = "GraphConv";
    const o = nd.checkOptions(options, op);
    super(o.aggr ?? "sum");
    this.inChannels = nd.checkInt(inChannels, op, "inChannels", 1);
    this.outChannels = nd.checkInt(outChannels, op, "outChannels", 1);
    const bias = nd.checkBool(o.bias ?? true, op, "bias");
    nd.checkFloatDType(o.dtype ?? "float32", op);
    checkRng(o.rng, op);
    checkAllocation([outChannels, inChannels], op, "lin_rel.weight");
    this.linRel = this.registerModule(
      "lin_rel",
      new Linear(inChannels, outChannels, { bias, dtype: o.dtype, rng: o.rng }),
    );
    this.linRoot = this.registerModule(
      "lin_root",
      new Linear(inChannels, outChannels, { bias: false, dtype: o.dtype, rng: o.rng }),
    );
  }

  /** `x` `[N, in]`, `edgeIndex` `[2, E]`, optional `edgeWeight` `[E]` → `[N, out]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike, edgeWeight: EdgeWeightLike | null = null): Tensor {
    const input = nodeFeatures(
      x,
      `GraphConv(${this.inChannels}→${this.outChannels})`,
      this.inChannels,
    );
    const aggregated = this.propagate(input, edgeIndex, { edgeAttr: edgeWeight });
    return this.linRel.forward(aggregated).add(this.linRoot.forward(input));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, aggr=${this.aggr}`;
  }
}
