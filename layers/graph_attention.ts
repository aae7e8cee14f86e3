/**
 * {@link GraphMultiheadAttention}: scaled dot-product self-attention restricted to a graph's edges.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { NDArray } from "@nnc/tensor";
import { dropout, matmul, sddmm, segmentSoftmax, spmm, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { type LayerOptions, Linear } from "./linear.ts";
import { xavierUniform, zeros } from "./init.ts";
import {
  type EdgeIndexLike,
  edgesOf,
  nodeFeatures,
  targetCsr,
  withOneSelfLoopEach,
} from "./_graph.ts";
import type { GATAttention } from "./gat_conv.ts";
import { checkAllocation, checkRng } from "./_util.ts";

/** Options of {@link GraphMultiheadAttention}. */
export interface GraphMultiheadAttentionOptions extends LayerOptions {
  /** Drop probability of each attention coefficient in training. Default 0. */
  dropout?: number;
  /** Learn the biases of the projections. Default true. */
  bias?: boolean;
  /** Let every node attend to itself (existing self-loops are replaced by one each). Default false. */
  addSelfLoops?: boolean;
}

/**
 * Multi-head self-attention over a graph (the mock final's graph self-attention): node `i` attends
 * to the sources `j` of its incoming edges `j → i` only. Per head `h` with `d_k = embedDim/heads`:
 * `q_i = W^Q x_i`, `k_j = W^K x_j`, `v_j = W^V x_j`,
 * `α_ij = exp(q_iᵀk_j/√d_k) / Σ_{j' → i} exp(q_iᵀk_{j'}/√d_k)`, `s_i = Σ_{j → i} α_ij v_j`;
 * the heads are concatenated and projected by `W^O`. The notes' expanded form drops the `1/√d_k`;
 * here it is always applied. In the notes' notation `(v, v') ∈ E` (v attends to v') is the edge
 * `v' → v`, column `[v', v]` of `edgeIndex`. A node attends to itself only through a self-loop
 * (`addSelfLoops`); a node with no incoming edge gets `W^O 0 + b`. Parameters as PyTorch's
 * `nn.MultiheadAttention` (`in_proj_weight` `[3E, E]`, `in_proj_bias`, `out_proj.weight`,
 * `out_proj.bias`), so on a complete graph with self-loops it equals that layer.
 *
 * @example
 * ```ts
 * import { GraphMultiheadAttention } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const attn = new GraphMultiheadAttention(8, 2, { addSelfLoops: true, rng: new Rng(0) });
 * const { out, attention } = attn.forwardWithAttention(randn([3, 8]), [[0, 1], [1, 2]]);
 * console.assert(out.shape.join() === "3,8" && attention.alpha.shape.join() === "5,2");
 * ```
 */
export class GraphMultiheadAttention extends Module<[Tensor, EdgeIndexLike], Tensor> {
  /** Feature size E. */
  readonly embedDim: number;
  /** Number of heads. */
  readonly numHeads: number;
  /** Attention dropout probability. */
  readonly dropout: number;
  /** Whether self-loops are added. */
  readonly addSelfLoops: boolean;
  /** `[W^Q; W^K; W^V]`, `[3E, E]`. */
  inProjWeight: Parameter;
  /** `[3E]`, or null. */
  inProjBias: Parameter | null;
  /** `W^O` and its bias. */
  outProj: Linear;
  #rng: nd.Rng | undefined;

  /** Attention over `embedDim` features split into `numHeads` heads. */
  constructor(embedDim: number, numHeads: number, options: GraphMultiheadAttentionOptions = {}) {
    super();
    const op = "GraphMultiheadAttention";
    const o = nd.checkOptions(options, op);
    this.embedDim = nd.checkInt(embedDim, op, "embedDim", 1);
    this.numHeads = nd.checkInt(numHeads, op, "numHeads", 1);
    if (embedDim % numHeads !== 0) {
      throw new RangeError(`${op}: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`);
    }
    this.dropout = nd.checkProbability(o.dropout ?? 0, op, "dropout");
    this.addSelfLoops = nd.checkBool(o.addSelfLoops ?? false, op, "addSelfLoops");
    const bias = nd.checkBool(o.bias ?? true, op, "bias");
    const dtype = nd.checkFloatDType(o.dtype ?? "float32", op);
    const rng = checkRng(o.rng, op);
    const shape = checkAllocation([3 * embedDim, embedDim], op, "in_proj_weight");
    this.inProjWeight = this.registerParameter(
      "in_proj_weight",
      new Parameter(nd.zeros(shape, { dtype })),
    );
    this.inProjBias = bias
      ? this.registerParameter("in_proj_bias", new Parameter(nd.zeros([3 * embedDim], { dtype })))
      : null;
    this.outProj = this.registerModule(
      "out_proj",
      new Linear(embedDim, embedDim, { bias, dtype, rng }),
    );
    this.#rng = rng;
    xavierUniform(this.inProjWeight, { rng });
    if (this.outProj.bias !== null) zeros(this.outProj.bias);
  }

  /** `x` `[N, E]`, `edgeIndex` `[2, edges]` → `[N, E]`. */
  forward(x: Tensor, edgeIndex: EdgeIndexLike): Tensor {
    return this.forwardWithAttention(x, edgeIndex).out;
  }

  /** The output and the attention coefficients per edge and head. */
  forwardWithAttention(
    x: Tensor,
    edgeIndex: EdgeIndexLike,
  ): { out: Tensor; attention: GATAttention } {
    const op = `GraphMultiheadAttention(${this.embedDim}, heads=${this.numHeads})`;
    const input = nodeFeatures(x, op, this.embedDim);
    const n = input.shape[0], h = this.numHeads, dk = this.embedDim / h;
    let edges = edgesOf(edgeIndex, n, op);
    if (this.addSelfLoops) edges = withOneSelfLoopEach(edges);
    const { matrix } = targetCsr(edges);
    let qkv = matmul(input, this.inProjWeight.T);
    if (this.inProjBias !== null) qkv = qkv.add(this.inProjBias);
    const [q, k, v] = qkv.split(this.embedDim, 1).map((t) => t.reshape([n, h, dk]));
    const scores = sddmm(matrix, q.mul(1 / Math.sqrt(dk)), k);
    let alpha = segmentSoftmax(scores, matrix.rowIndex(), n);
    if (this.dropout > 0 && this.training) {
      alpha = dropout(alpha, { p: this.dropout, training: true, rng: this.#rng });
    }
    const mixed = spmm(matrix, v, alpha).reshape([n, this.embedDim]);
    const cols = matrix.colIndex, rows = matrix.rowIndex();
    const index = new Int32Array(2 * cols.size);
    index.set(cols.data as Int32Array, 0);
    index.set(rows.data as Int32Array, cols.size);
    return {
      out: this.outProj.forward(mixed),
      attention: { edgeIndex: NDArray.fromTyped(index, [2, cols.size]), alpha },
    };
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.embedDim}, heads=${this.numHeads}${this.addSelfLoops ? ", selfLoops" : ""}`;
  }
}
