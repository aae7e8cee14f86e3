/**
 * Stochastic block model graphs: nodes in blocks, each pair linked independently with a
 * probability that depends only on the two blocks.
 *
 * @module
 */
import { checkNumber, checkOptions, describe, NDArray } from "@nnc/tensor";
import type { Graph } from "./graph.ts";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { sampleBlocks } from "./_sample_blocks.ts";

/** Options of {@link stochasticBlockModel}. */
export interface StochasticBlockModelOptions extends RandomSource {
  /** Number of nodes in each block. */
  sizes: readonly number[];
  /** Symmetric matrix of edge probabilities between blocks; or give `pIn` and `pOut`. */
  p?: readonly (readonly number[])[];
  /** Edge probability within a block (when `p` is not given). */
  pIn?: number;
  /** Edge probability between blocks (when `p` is not given). */
  pOut?: number;
}

/** A graph with a community label per node. */
export interface LabeledGraph {
  /** The graph. */
  graph: Graph;
  /** int32 `[numNodes]`: each node's block. */
  labels: NDArray;
}

/**
 * A random graph from the stochastic block model. Nodes are numbered block by block; every pair
 * `(u, v)` is an edge with probability `p[block(u)][block(v)]`, independently.
 *
 * @example
 * ```ts
 * import { stochasticBlockModel } from "@nnc/datasets";
 * const { graph, labels } = stochasticBlockModel({ sizes: [20, 30], pIn: 1, pOut: 0, seed: 0 });
 * console.assert(graph.numEdges === 190 + 435 && labels.sum().item() === 30);
 * ```
 */
export function stochasticBlockModel(options: StochasticBlockModelOptions): LabeledGraph {
  const op = "stochasticBlockModel";
  const o = checkOptions(options, op);
  const sizes = checkSizes(o.sizes, op);
  const p = probabilities(o, sizes.length, op);
  const rng = resolveRng(o, op);
  const labels = new Int32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  sizes.forEach((s, b) => labels.fill(b, at, at += s));
  return {
    graph: sampleBlocks(labels, p, rng),
    labels: NDArray.fromTyped(labels, [labels.length]),
  };
}

function checkSizes(sizes: unknown, op: string): number[] {
  if (
    !Array.isArray(sizes) || sizes.length === 0 ||
    !sizes.every((s) => Number.isInteger(s) && s >= 0)
  ) {
    throw new TypeError(
      `${op}: sizes must be a non-empty array of non-negative integers, got ${describe(sizes)}`,
    );
  }
  return sizes;
}

function probabilities(o: StochasticBlockModelOptions, k: number, op: string): number[][] {
  if (o.p !== undefined) {
    if (o.pIn !== undefined || o.pOut !== undefined) {
      throw new TypeError(`${op}: give p or pIn/pOut, not both`);
    }
    const p = o.p;
    if (
      !Array.isArray(p) || p.length !== k || !p.every((r) => Array.isArray(r) && r.length === k)
    ) {
      throw new RangeError(
        `${op}: p must be a ${k}×${k} matrix for ${k} blocks, got ${describe(p)}`,
      );
    }
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        checkNumber(p[a][b] ?? 0, op, `p[${a}][${b}]`, 0, 1);
        if (p[a][b] !== p[b][a]) {
          throw new RangeError(
            `${op}: p must be symmetric, but p[${a}][${b}] = ${p[a][b]} and p[${b}][${a}] = ${
              p[b][a]
            }`,
          );
        }
      }
    }
    return p.map((r) => [...r]);
  }
  if (o.pIn === undefined || o.pOut === undefined) {
    throw new TypeError(`${op}: give p, or both pIn and pOut`);
  }
  const pIn = checkNumber(o.pIn ?? 0, op, "pIn", 0, 1),
    pOut = checkNumber(o.pOut ?? 0, op, "pOut", 0, 1);
  return Array.from(
    { length: k },
    (_, a) => Array.from({ length: k }, (_, b) => (a === b ? pIn : pOut)),
  );
}
