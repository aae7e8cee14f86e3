/**
 * {@link GraphTransformerLayer}: a transformer encoder block whose self-attention follows a
 * graph's edges (the mock final's graph transformer).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { type LayerOptions, Linear } from "./linear.ts";
import { LayerNorm } from "./layer_norm.ts";
import { Dropout } from "./dropout.ts";
import { gelu } from "./activations.ts";
import { GraphMultiheadAttention } from "./graph_attention.ts";
import type { EdgeIndexLike } from "./_graph.ts";
import { nodeFeatures } from "./_graph.ts";
import { checkAllocation, checkRng } from "./_util.ts";

/** Options of {@link GraphTransformerLayer}. */
export interface GraphTransformerLayerOptions extends LayerOptions {
  /** Hidden size of the feed-forward network. Default 2048 (PyTorch's). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward network. Default 0.1. */
  dropout?: number;
  /** Activation of the feed-forward network. Default `"relu"`. */
  activation?: "relu" | "gelu";
  /** ε of both layer norms. Default 1e-5. */
  layerNormEps?: number;
  /** Pre-LN (normalise before attention and feed-forward) instead of post-LN. Default false. */
  normFirst?: boolean;
  /** Let every node attend to itself. Default false (only the graph's own self-loops). */
  addSelfLoops?: boolean;
}

/**
 * Transformer encoder layer on a graph (the mock final's block): self-attention restricted to
 * the edges ({@link GraphMultiheadAttention}), then add & LayerNorm, a position-wise feed-forward
 * network `W₂ ReLU(W₁ s + b₁) + b₂`, add & LayerNorm (post-LN, as in the notes; pre-LN by option).
 * Stacking L layers gives each node an L-hop receptive field. Parameter names and layouts are
 * PyTorch's `nn.TransformerEncoderLayer` (`self_attn.*`, `linear1`, `linear2`, `norm1`, `norm2`),
 * so with a complete graph (self-loops included) it computes that layer.
 *
 * @example
 * ```ts
 * import { GraphTransformerLayer } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const layer = new GraphTransformerLayer(8, 2, { dimFeedforward: 16, addSelfLoops: true, rng: new Rng(0) });
 * const y = layer.forward(randn([4, 8]), [[0, 1, 2], [1, 2, 3]]);
 * console.assert(y.shape.join() === "4,8");
 * ```
 */
export class GraphTransformerLayer extends Module<[Tensor, EdgeIndexLike], Tensor> {
  /** Feature size. */
  readonly dModel: number;
  /** Whether normalisation comes first (pre-LN). */
  readonly normFirst: boolean;
  /** Feed-forward activation. */
  readonly activation: "relu" | "gelu";
  /** The graph self-attention. */
  selfAttn: GraphMultiheadAttention;
  /** `W₁`, `[dimFeedforward, dModel]`. */
  linear1: Linear;
  /** Dropout inside the feed-forward network. */
  dropout: Dropout;
  /** `W₂`, `[dModel, dimFeedforward]`. */
  linear2: Linear;
  /** LayerNorm around attention. */
  norm1: LayerNorm;
  /** LayerNorm around the feed-forward network. */
  norm2: LayerNorm;
  /** Dropout of the attention output. */
  dropout1: Dropout;
  /** Dropout of the feed-forward output. */
  dropout2: Dropout;

  /** A layer of width `dModel` with `nHead` attention heads. */
  constructor(dModel: number, nHead: number, options: GraphTransformerLayerOptions = {}) {
    super();
    const op = "GraphTransformerLayer";
    const o = nd.checkOptions(options, op);
    this.dModel = nd.checkInt(dModel, op, "dModel", 1);
    const ff = nd.checkInt(o.dimFeedforward ?? 2048, op, "dimFeedforward", 1);
    const p = nd.checkProbability(o.dropout ?? 0.1, op, "dropout");
    this.activation = nd.checkOneOf(
      o.activation ?? "relu",
      op,
      "activation",
      ["relu", "gelu"] as const,
    );
    this.normFirst = nd.checkBool(o.normFirst ?? false, op, "normFirst");
    const eps = nd.checkNumber(o.layerNormEps ?? 1e-5, op, "layerNormEps", 0);
    nd.checkFloatDType(o.dtype ?? "float32", op);
    checkRng(o.rng, op);
    const heads = nd.checkInt(nHead, op, "nHead", 1);
    if (dModel % heads !== 0) {
      throw new RangeError(`${op}: dModel ${dModel} is not divisible by nHead ${heads}`);
    }
    checkAllocation([3 * dModel, dModel], op, "self_attn.in_proj_weight");
    checkAllocation([ff, dModel], op, "linear1.weight");
    const common = { dtype: o.dtype, rng: o.rng };
    this.selfAttn = this.registerModule(
      "self_attn",
      new GraphMultiheadAttention(dModel, nHead, {
        ...common,
        dropout: p,
        addSelfLoops: o.addSelfLoops ?? false,
      }),
    );
    this.linear1 = new Linear(dModel, ff, common);
    this.dropout = new Dropout(p, { rng: o.rng });
    this.linear2 = new Linear(ff, dModel, common);
    this.norm1 = new LayerNorm(dModel, { eps, dtype: o.dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype: o.dtype });
    this.dropout1 = new Dropout(p, { rng: o.rng });
    this.dropout2 = new Dropout(p, { rng: o.rng });
  }

  /** `x` `[N, dModel]`, `edgeIndex` `[2, E]` → `[N, dModel]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    const input = nodeFeatures(x, `GraphTransformerLayer(${this.dModel})`, this.dModel);
    const attend = (t: Tensor) => this.dropout1.forward(this.selfAttn.forward(t, edgeIndex));
    if (this.normFirst) {
      const s = input.add(attend(this.norm1.forward(input)));
      return s.add(this.#feedForward(this.norm2.forward(s)));
    }
    const s = this.norm1.forward(input.add(attend(input)));
    return this.norm2.forward(s.add(this.#feedForward(s)));
  }

  #feedForward(s: Tensor): Tensor {
    const hidden = this.linear1.forward(s);
    const act = this.activation === "relu" ? hidden.relu() : gelu(hidden);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(act)));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.dModel}${this.normFirst ? ", normFirst" : ""}`;
  }
}
