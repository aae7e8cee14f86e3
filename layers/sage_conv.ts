/**
 * {@link SAGEConv}: the GraphSAGE layer of Hamilton et al. (2017).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type Aggregation, MessagePassing } from "./message_passing.ts";
import { type LayerOptions, Linear } from "./linear.ts";
import { type EdgeIndexLike, nodeFeatures } from "./_graph.ts";
import { checkAllocation, checkRng } from "./_util.ts";

/** Options of {@link SAGEConv}. */
export interface SAGEConvOptions extends LayerOptions {
  /** How neighbour features combine. Default `"mean"`. */
  aggr?: Aggregation;
  /** Scale each output row to unit L2 norm. Default false. */
  normalize?: boolean;
  /** Add the node's own transformed features (`lin_r`). Default true. */
  rootWeight?: boolean;
  /** Learn an additive bias (in `lin_l`). Default true. */
  bias?: boolean;
}

/**
 * GraphSAGE layer (PyTorch Geometric's `SAGEConv`): `x_i' = W₁ x_i + W₂ mean_{j → i} x_j + b`
 * (other aggregations by option), optionally L2-normalised. Parameters as in PyTorch Geometric:
 * `lin_l.weight`, `lin_l.bias` (neighbours) and `lin_r.weight` (root).
 *
 * @example
 * ```ts
 * import { SAGEConv } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const conv = new SAGEConv(1, 1, { bias: false });
 * conv.loadStateDict({ "lin_l.weight": tensor([[1]]).data, "lin_r.weight": tensor([[100]]).data });
 * const y = conv.forward(tensor([[1], [2], [4]]), [[1, 2], [0, 0]]);
 * console.assert(y.toArray().toString() === "103,200,400");
 * ```
 */
export class SAGEConv extends MessagePassing<[Tensor, EdgeIndexLike], Tensor> {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Whether outputs are scaled to unit norm. */
  readonly normalize: boolean;
  /** Applied to the aggregated neighbours (with the bias). */
  linL: Linear;
  /** Applied to the node itself, or null without root weight. */
  linR: Linear | null;

  /** A layer from `inChannels` to `outChannels` features per node. */
  constructor(inChannels: number, outChannels: number, options: SAGEConvOptions = {}) {
    const op = "SAGEConv";
    const o = nd.checkOptions(options, op);
    super(o.aggr ?? "mean");
    this.inChannels = nd.checkInt(inChannels, op, "inChannels", 1);
    this.outChannels = nd.checkInt(outChannels, op, "outChannels", 1);
    this.normalize = nd.checkBool(o.normalize ?? false, op, "normalize");
    const bias = nd.checkBool(o.bias ?? true, op, "bias");
    nd.checkFloatDType(o.dtype ?? "float32", op);
    checkRng(o.rng, op);
    checkAllocation([outChannels, inChannels], op, "lin_l.weight");
    this.linL = this.registerModule(
      "lin_l",
      new Linear(inChannels, outChannels, { bias, dtype: o.dtype, rng: o.rng }),
    );
    this.linR = nd.checkBool(o.rootWeight ?? true, op, "rootWeight")
      ? this.registerModule(
        "lin_r",
        new Linear(inChannels, outChannels, { bias: false, dtype: o.dtype, rng: o.rng }),
      )
      : null;
  }

  /** `x` `[N, in]`, `edgeIndex` `[2, E]` → `[N, out]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    const input = nodeFeatures(
      x,
      `SAGEConv(${this.inChannels}→${this.outChannels})`,
      this.inChannels,
    );
    let out = this.linL.forward(this.propagate(input, edgeIndex));
    if (this.linR !== null) out = out.add(this.linR.forward(input));
    if (!this.normalize) return out;
    // F.normalize: divide by max(‖row‖, 1e-12).
    const norm = out.square().sum({ axis: 1, keepDims: true }).sqrt().clamp(1e-12);
    return out.div(norm);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, aggr=${this.aggr}`;
  }
}
