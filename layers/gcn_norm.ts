/**
 * Normalising a graph's edge weights for propagation: {@link gcnNorm} (Kipf & Welling's symmetric
 * `D^-1/2 (A + I) D^-1/2`, the random-walk `D^-1 A`, with or without self-loops) and
 * {@link normalizedAdjacency}, the same as a constant CSR matrix ready for `spmm`.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { CsrMatrix, NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import { type EdgeIndexLike, type EdgeWeightLike, targetCsr } from "./_graph.ts";
import { gcnNormFor } from "./_gcn_norm.ts";

/** Options of {@link gcnNorm}. */
export interface GcnNormOptions {
  /** Per-edge weights `[E]` (default 1); a Tensor keeps them differentiable. */
  edgeWeight?: EdgeWeightLike | null;
  /** Add a self-loop to every node (existing loops keep their weight). Default true. */
  addSelfLoops?: boolean;
  /** Weight of the added self-loops: 1, or 2 for the "improved" GCN (Â = A + 2I). Default 1. */
  fillValue?: number;
  /**
   * `"sym"`: `w_ji / √(d_i d_j)` (D^-1/2 Â D^-1/2); `"rw"`: `w_ji / d_i` (D^-1 Â, a mean over
   * neighbours); `"none"`: the weights unchanged. Degrees are weighted in-degrees at the targets,
   * self-loops included. Default `"sym"`.
   */
  normalization?: "sym" | "rw" | "none";
  /** dtype of the weights when none are given. Default float32. */
  dtype?: nd.DType;
}

/** Edges after {@link gcnNorm}, with their normalised weights. */
export interface NormalizedEdges {
  /** int32 `[E']`: sources (the self-loops, if added, come last). */
  source: NDArray;
  /** int32 `[E']`: targets. */
  target: NDArray;
  /** `[E']`: the normalised weight of each edge. */
  weight: Tensor;
  /** Number of nodes. */
  numNodes: number;
}

/**
 * Normalised edge weights for graph convolution (PyTorch Geometric's `gcn_norm`). With the
 * defaults, edge `j → i` gets `1/√(d̃_i d̃_j)` where `d̃` counts the self-loop: the entries of
 * `D̃^-1/2 (A + I) D̃^-1/2`. Without self-loops these are the notes' `c_uv = 1/√(deg u · deg v)`.
 * A node without edges gets 0, not a division by zero. Differentiable in `edgeWeight`.
 *
 * @example
 * ```ts
 * import { gcnNorm } from "@nnc/layers";
 * // The path 0 – 1 – 2 in both directions, no self-loops: c_01 = 1/√(1·2).
 * const { weight } = gcnNorm([[0, 1, 1, 2], [1, 0, 2, 1]], 3, { addSelfLoops: false });
 * console.assert(Math.abs(weight.get(0) - Math.SQRT1_2) < 1e-7);
 * ```
 */
export function gcnNorm(
  edgeIndex: EdgeIndexLike,
  numNodes: number,
  options: GcnNormOptions = {},
): NormalizedEdges {
  return gcnNormFor("gcnNorm", edgeIndex, numNodes, options);
}

/**
 * The normalised adjacency as a constant CSR matrix whose rows are targets, so that
 * `spmm(matrix, x)` is one step of propagation `Â x` (for `"sym"`, `D̃^-1/2 (A + I) D̃^-1/2 x`).
 * Build it once for a fixed graph and reuse it (its transpose, needed for gradients, is cached).
 *
 * @example
 * ```ts
 * import { normalizedAdjacency } from "@nnc/layers";
 * // The path 0 – 1 – 2: Q = D̃^-1/2 (A + I) D̃^-1/2 has q_00 = 1/2, q_01 = 1/√6, q_11 = 1/3.
 * const q = normalizedAdjacency([[0, 1, 1, 2], [1, 0, 2, 1]], 3, { dtype: "float64" }).toDense();
 * console.assert(Math.abs(q.get(0, 0) - 0.5) < 1e-15 && Math.abs(q.get(0, 1) - 1 / Math.sqrt(6)) < 1e-15);
 * ```
 */
export function normalizedAdjacency(
  edgeIndex: EdgeIndexLike,
  numNodes: number,
  options: GcnNormOptions = {},
): CsrMatrix {
  const { source, target, weight } = gcnNormFor(
    "normalizedAdjacency",
    edgeIndex,
    numNodes,
    options,
  );
  const { matrix, order } = targetCsr({ source, target, numNodes });
  return matrix.withValues(nd.indexSelect(weight.data, 0, order));
}
