/**
 * {@link GATConv}: the graph attention layer of Veličković et al. (2018).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { NDArray } from "@nnc/tensor";
import { dropout, gatherRows, segmentSoftmax, spmm, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { type LayerOptions, Linear } from "./linear.ts";
import { uniform, xavierUniform, zeros } from "./init.ts";
import { leakyRelu } from "./activations.ts";
import {
  type EdgeIndexLike,
  edgesOf,
  nodeFeatures,
  targetCsr,
  withOneSelfLoopEach,
} from "./_graph.ts";
import { checkAllocation, checkRng } from "./_util.ts";

/** Options of {@link GATConv}. */
export interface GATConvOptions extends LayerOptions {
  /** Number of attention heads. Default 1. */
  heads?: number;
  /** Concatenate the heads (`[N, heads·out]`); false averages them (`[N, out]`). Default true. */
  concat?: boolean;
  /** Slope of the LeakyReLU on the scores. Default 0.2. */
  negativeSlope?: number;
  /** Drop probability of each attention coefficient in training. Default 0. */
  dropout?: number;
  /** Let every node attend to itself (existing self-loops are replaced by one each). Default true. */
  addSelfLoops?: boolean;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/** The attention a {@link GATConv} paid. */
export interface GATAttention {
  /** int32 `[2, E']`: the edges attended over (sources, targets), self-loops included. */
  edgeIndex: NDArray;
  /** `[E', heads]`: the coefficient of each edge and head; they sum to 1 over each target. */
  alpha: Tensor;
}

/**
 * Graph attention (PyTorch Geometric's `GATConv`): with `h_j = W x_j` split into heads,
 * `e_ij = LeakyReLU(a_srcᵀ h_j + a_dstᵀ h_i)`, `α_ij = softmax_{j → i}(e_ij)` over the in-neighbours
 * of `i` and `i` itself, `x_i' = ‖_heads Σ_j α_ij h_j + b` (or the mean over heads). The notes'
 * attentional layer `x_v = φ(x_v, ⊕ a(x_v, x_u) ψ(x_u))` with a learned, softmax-normalised `a`.
 * Parameters as in PyTorch Geometric: `lin.weight` `[heads·out, in]`, `att_src` and `att_dst`
 * `[1, heads, out]` (all Glorot), `bias` (zeros).
 *
 * @example
 * ```ts
 * import { GATConv } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const gat = new GATConv(4, 8, { heads: 2, rng: new Rng(0) });
 * const { out, attention } = gat.forwardWithAttention(randn([3, 4]), [[0, 1], [1, 2]]);
 * console.assert(out.shape.join() === "3,16" && attention.alpha.shape.join() === "5,2");
 * console.assert(Object.keys(gat.stateDict()).join() === "att_src,att_dst,bias,lin.weight");
 * ```
 */
export class GATConv extends Module<[Tensor, EdgeIndexLike], Tensor> {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels per head. */
  readonly outChannels: number;
  /** Number of heads. */
  readonly heads: number;
  /** Whether heads are concatenated (else averaged). */
  readonly concat: boolean;
  /** LeakyReLU slope. */
  readonly negativeSlope: number;
  /** Attention dropout probability. */
  readonly dropout: number;
  /** Whether self-loops are added. */
  readonly addSelfLoops: boolean;
  /** `a_src`, `[1, heads, out]`. */
  attSrc: Parameter;
  /** `a_dst`, `[1, heads, out]`. */
  attDst: Parameter;
  /** `[heads·out]` (concat) or `[out]`, or null. */
  bias: Parameter | null;
  /** `W`, `lin.weight` `[heads·out, in]`, without bias. */
  lin: Linear;
  #rng: nd.Rng | undefined;

  /** A layer from `inChannels` to `outChannels` per head. */
  constructor(inChannels: number, outChannels: number, options: GATConvOptions = {}) {
    super();
    const op = "GATConv";
    const o = nd.checkOptions(options, op);
    this.inChannels = nd.checkInt(inChannels, op, "inChannels", 1);
    this.outChannels = nd.checkInt(outChannels, op, "outChannels", 1);
    this.heads = nd.checkInt(o.heads ?? 1, op, "heads", 1);
    this.concat = nd.checkBool(o.concat ?? true, op, "concat");
    this.negativeSlope = nd.checkNumber(o.negativeSlope ?? 0.2, op, "negativeSlope", 0);
    this.dropout = nd.checkProbability(o.dropout ?? 0, op, "dropout");
    this.addSelfLoops = nd.checkBool(o.addSelfLoops ?? true, op, "addSelfLoops");
    const dtype = nd.checkFloatDType(o.dtype ?? "float32", op);
    const h = this.heads, c = outChannels;
    const rng = checkRng(o.rng, op);
    checkAllocation([1, h, c], op, "att_src");
    checkAllocation([h * c, inChannels], op, "lin.weight");
    this.attSrc = this.registerParameter("att_src", new Parameter(nd.zeros([1, h, c], { dtype })));
    this.attDst = this.registerParameter("att_dst", new Parameter(nd.zeros([1, h, c], { dtype })));
    this.bias = nd.checkBool(o.bias ?? true, op, "bias")
      ? new Parameter(nd.zeros([this.concat ? h * c : c], { dtype }))
      : null;
    this.lin = new Linear(inChannels, h * c, { bias: false, dtype, rng });
    this.#rng = rng;
    this.resetParameters(rng);
  }

  /** Glorot weights and attention vectors, zero bias (PyTorch Geometric's initialisation). */
  resetParameters(rng?: nd.Rng): void {
    checkRng(rng, "resetParameters");
    xavierUniform(this.lin.weight, { rng });
    // PyTorch Geometric's glorot on [1, heads, out]: bound √(6 / (heads + out)).
    const bound = Math.sqrt(6 / (this.heads + this.outChannels));
    uniform(this.attSrc, -bound, bound, { rng });
    uniform(this.attDst, -bound, bound, { rng });
    if (this.bias !== null) zeros(this.bias);
  }

  /** `x` `[N, in]`, `edgeIndex` `[2, E]` → `[N, heads·out]` (concat) or `[N, out]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    return this.forwardWithAttention(x, edgeIndex).out;
  }

  /** The output and the attention coefficients (after dropout, when training). */
  forwardWithAttention(
    x: Tensor,
    edgeIndex: EdgeIndexLike,
  ): { out: Tensor; attention: GATAttention } {
    const op = `GATConv(${this.inChannels}→${this.heads}×${this.outChannels})`;
    const input = nodeFeatures(x, op, this.inChannels);
    const n = input.shape[0], h = this.heads, c = this.outChannels;
    let edges = edgesOf(edgeIndex, n, op);
    if (this.addSelfLoops) edges = withOneSelfLoopEach(edges);
    const { matrix } = targetCsr(edges);
    const rows = matrix.rowIndex(), cols = matrix.colIndex;
    const feats = this.lin.forward(input).reshape([n, h, c]);
    const aSrc = feats.mul(this.attSrc).sum({ axis: -1 });
    const aDst = feats.mul(this.attDst).sum({ axis: -1 });
    const scores = leakyRelu(
      gatherRows(aSrc, cols).add(gatherRows(aDst, rows)),
      this.negativeSlope,
    );
    let alpha = segmentSoftmax(scores, rows, n);
    if (this.dropout > 0 && this.training) {
      alpha = dropout(alpha, { p: this.dropout, training: true, rng: this.#rng });
    }
    const mixed = spmm(matrix, feats, alpha);
    let out = this.concat ? mixed.reshape([n, h * c]) : mixed.mean({ axis: 1 });
    if (this.bias !== null) out = out.add(this.bias);
    const index = new Int32Array(2 * cols.size);
    index.set(cols.data as Int32Array, 0);
    index.set(rows.data as Int32Array, cols.size);
    return {
      out,
      attention: { edgeIndex: NDArray.fromTyped(index, [2, cols.size]), alpha },
    };
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, heads=${this.heads}${
      this.concat ? "" : ", concat=false"
    }`;
  }
}
