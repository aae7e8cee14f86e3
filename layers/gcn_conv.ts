/**
 * {@link GCNConv}: the graph convolution of Kipf & Welling (2017).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { CsrMatrix } from "@nnc/tensor";
import { gatherRows, spmm, spmmLinear, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { Linear } from "./linear.ts";
import type { LayerOptions } from "./linear.ts";
import { xavierUniform, zeros } from "./init.ts";
import { gcnNormFor } from "./_gcn_norm.ts";
import {
  type EdgeIndexLike,
  edgesOf,
  type EdgeWeightLike,
  edgeWeightOf,
  isDifferentiable,
  nodeFeatures,
  targetCsr,
} from "./_graph.ts";
import { checkAllocation, checkRng } from "./_util.ts";

// Normalised adjacencies of cached layers by edge-index object, so that the layers of one network
// over one fixed graph build (and hold) a single matrix.
const SHARED = new WeakMap<object, Map<string, CsrMatrix>>();

/** Options of {@link GCNConv}. */
export interface GCNConvOptions extends LayerOptions {
  /** Self-loops of weight 2 (`Â = A + 2I`). Default false. */
  improved?: boolean;
  /**
   * Compute the normalised adjacency on the first call and reuse it on every later call, whatever
   * edges are passed (for one fixed graph; edge weights are then constants). Cached layers given
   * the same edge-index object (and no edge weights) share one matrix. Default false.
   */
  cached?: boolean;
  /** Add self-loops. Default true. */
  addSelfLoops?: boolean;
  /**
   * Normalise symmetrically (`D̃^-1/2 Â D̃^-1/2`); false propagates the raw weights of `A`, without
   * self-loops (as PyTorch Geometric does). Default true.
   */
  normalize?: boolean;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * Graph convolution (PyTorch Geometric's `GCNConv`): `X' = D̃^-1/2 Â D̃^-1/2 X Wᵀ + b` with
 * `Â = A + I` and `d̃_i = Σ_j Â_ij`; node `i` receives `Σ_{j → i} x_j W / √(d̃_i d̃_j)` over its
 * incoming edges and itself. This is the notes' convolutional layer with sum aggregation and
 * `c_uv = 1/√(deg u · deg v)`, and the lectures' `X^{l+1} = W X^l Q` with `Q = D̃^-1/2 Ã D̃^-1/2`
 * (there with one column per node; here one row per node). Edge weights, when given, replace the
 * 1s of A and are differentiable. Parameters as in PyTorch Geometric: `lin.weight` `[out, in]`
 * (Glorot-initialised, no bias of its own) and `bias` `[out]` (zeros).
 *
 * @example
 * ```ts
 * import { GCNConv } from "@nnc/layers";
 * import { randn } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const conv = new GCNConv(4, 2, { rng: new Rng(0) });
 * const y = conv.forward(randn([3, 4]), [[0, 1, 1, 2], [1, 0, 2, 1]]);
 * console.assert(y.shape.join() === "3,2");
 * console.assert(Object.keys(conv.stateDict()).join() === "bias,lin.weight");
 * ```
 */
export class GCNConv extends Module<[Tensor, EdgeIndexLike, (EdgeWeightLike | null)?], Tensor> {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Self-loops weigh 2. */
  readonly improved: boolean;
  /** Whether the normalised adjacency is computed once and reused. */
  readonly cached: boolean;
  /** Whether self-loops are added. */
  readonly addSelfLoops: boolean;
  /** Whether the adjacency is normalised. */
  readonly normalize: boolean;
  /** `[out]`, or null. */
  bias: Parameter | null;
  /** The linear map, `lin.weight` `[out, in]`, without bias. */
  lin: Linear;
  #cache: CsrMatrix | null = null;

  /** A layer from `inChannels` to `outChannels` features per node. */
  constructor(inChannels: number, outChannels: number, options: GCNConvOptions = {}) {
    super();
    const op = "GCNConv";
    const o = nd.checkOptions(options, op);
    this.inChannels = nd.checkInt(inChannels, op, "inChannels", 1);
    this.outChannels = nd.checkInt(outChannels, op, "outChannels", 1);
    this.improved = nd.checkBool(o.improved ?? false, op, "improved");
    this.cached = nd.checkBool(o.cached ?? false, op, "cached");
    this.addSelfLoops = nd.checkBool(o.addSelfLoops ?? true, op, "addSelfLoops");
    this.normalize = nd.checkBool(o.normalize ?? true, op, "normalize");
    const dtype = nd.checkFloatDType(o.dtype ?? "float32", op);
    const rng = checkRng(o.rng, op);
    checkAllocation([outChannels, inChannels], op, "lin.weight");
    this.bias = nd.checkBool(o.bias ?? true, op, "bias")
      ? new Parameter(nd.zeros([outChannels], { dtype }))
      : null;
    this.lin = new Linear(inChannels, outChannels, { bias: false, dtype, rng });
    this.resetParameters(rng);
  }

  /** Glorot-uniform weight and zero bias, as PyTorch Geometric initialises them. */
  resetParameters(rng?: nd.Rng): void {
    checkRng(rng, "resetParameters");
    xavierUniform(this.lin.weight, { rng });
    if (this.bias !== null) zeros(this.bias);
    this.#cache = null;
  }

  /**
   * `x` `[N, in]`, `edgeIndex` `[2, E]` (sources, targets), optional `edgeWeight` `[E]` →
   * `[N, out]`.
   */
  forward(x: Tensor, edgeIndex: EdgeIndexLike, edgeWeight: EdgeWeightLike | null = null): Tensor {
    const op = `GCNConv(${this.inChannels}→${this.outChannels})`;
    const input = nodeFeatures(x, op, this.inChannels);
    const dtype = nd.promoteTypes(input.dtype, this.lin.weight.dtype);
    const { matrix, values } = this.#adjacency(input.shape[0], dtype, edgeIndex, edgeWeight, op);
    // With constant edge weights, transform and propagation are one node, whose [N, out]
    // intermediate goes straight back to the storage pool; the bias is added by the sparse product
    // itself either way (one [N, out] array instead of two).
    if (values === null && input.dtype === dtype) {
      return spmmLinear(matrix, input, this.lin.weight, this.bias);
    }
    return spmm(matrix, this.lin.forward(input), values, this.bias);
  }

  /** The normalised adjacency: a constant matrix, or a pattern with differentiable `values`. */
  #adjacency(
    n: number,
    dtype: nd.DType,
    edgeIndex: EdgeIndexLike,
    edgeWeight: EdgeWeightLike | null,
    op: string,
  ): { matrix: CsrMatrix; values: Tensor | null } {
    if (this.cached && this.#cache !== null) {
      if (this.#cache.rows !== n) {
        throw new RangeError(
          `${op}: cached for a graph of ${this.#cache.rows} nodes, got x with ${n} rows`,
        );
      }
      return { matrix: this.#cache, values: null };
    }
    const shareKey = `${n} ${this.improved} ${this.addSelfLoops} ${this.normalize} ${dtype}`;
    const sharable = this.cached && edgeWeight === null;
    const shared = sharable ? SHARED.get(edgeIndex)?.get(shareKey) : undefined;
    if (shared !== undefined) {
      this.#cache = shared;
      return { matrix: shared, values: null };
    }
    let source, target, weight: Tensor | null;
    if (this.normalize) {
      ({ source, target, weight } = gcnNormFor(op, edgeIndex, n, {
        edgeWeight,
        addSelfLoops: this.addSelfLoops,
        fillValue: this.improved ? 2 : 1,
        dtype,
      }));
    } else {
      ({ source, target } = edgesOf(edgeIndex, n, op));
      weight = edgeWeightOf(edgeWeight, source.size, dtype, op);
    }
    const { matrix, order } = targetCsr({ source, target, numNodes: n });
    if (weight !== null && isDifferentiable(weight) && !this.cached) {
      return { matrix, values: gatherRows(weight, order) };
    }
    const constant = weight === null
      ? matrix
      : matrix.withValues(nd.indexSelect(weight.data, 0, order));
    if (this.cached) {
      this.#cache = constant;
      if (sharable) {
        if (!SHARED.has(edgeIndex)) SHARED.set(edgeIndex, new Map());
        SHARED.get(edgeIndex)!.set(shareKey, constant);
      }
    }
    return { matrix: constant, values: null };
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}${this.improved ? ", improved" : ""}${
      this.cached ? ", cached" : ""
    }`;
  }
}
