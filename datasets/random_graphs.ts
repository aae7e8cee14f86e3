/**
 * A graph-classification task: tell Erdős–Rényi graphs from two-community graphs of the same
 * expected density, so that only structure, not edge count, separates the classes.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray } from "@nnc/tensor";
import type { Graph } from "./graph.ts";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { sampleBlocks } from "./_sample_blocks.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link randomGraphs}. */
export interface RandomGraphsOptions extends RandomSource {
  /** Number of graphs, alternating between the classes. Default 100. */
  n?: number;
  /** Fewest nodes per graph. Default 10. */
  minNodes?: number;
  /** Most nodes per graph. Default 20. */
  maxNodes?: number;
  /** Edge probability inside a community (class 1). Default 0.6. */
  pIn?: number;
  /** Edge probability between the communities (class 1). Default 0.05. */
  pOut?: number;
}

/** Graphs with one label each. */
export interface GraphClassificationData {
  /** The graphs. */
  graphs: Graph[];
  /** int32 `[n]`: 0 Erdős–Rényi, 1 two communities. */
  labels: NDArray;
  /** `["erdos-renyi", "two-communities"]`. */
  classes: string[];
}

/**
 * Random graphs for graph classification. Graph `i` has a uniform number of nodes `m` in
 * `[minNodes, maxNodes]` and label `i % 2`: label 1 splits the nodes into two halves linked with
 * `pIn` inside and `pOut` across; label 0 links every pair with the single probability that gives
 * the same expected number of edges.
 *
 * @example
 * ```ts
 * import { randomGraphs } from "@nnc/datasets";
 * const { graphs, labels } = randomGraphs({ n: 10, seed: 0 });
 * console.assert(graphs.length === 10 && labels.sum().item() === 5);
 * console.assert(graphs.every((g) => g.numNodes >= 10 && g.numNodes <= 20));
 * ```
 */
export function randomGraphs(options?: RandomGraphsOptions): GraphClassificationData {
  const op = "randomGraphs";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 100, op, "n", 0, MAX_INT32);
  const minNodes = checkInt(o.minNodes ?? 10, op, "minNodes", 2, MAX_INT32);
  const maxNodes = checkInt(
    o.maxNodes ?? Math.max(20, minNodes),
    op,
    "maxNodes",
    minNodes,
    MAX_INT32,
  );
  const pIn = checkNumber(o.pIn ?? 0.6, op, "pIn", 0, 1);
  const pOut = checkNumber(o.pOut ?? 0.05, op, "pOut", 0, 1);
  const rng = resolveRng(o, op);
  const graphs: Graph[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const m = rng.int(minNodes, maxNodes + 1);
    const a = Math.floor(m / 2), b = m - a;
    const blocks = new Int32Array(m).fill(1, a);
    labels[i] = i % 2;
    if (labels[i] === 1) {
      graphs.push(sampleBlocks(blocks, [[pIn, pOut], [pOut, pIn]], rng));
    } else {
      const expected = pIn * (a * (a - 1) / 2 + b * (b - 1) / 2) + pOut * a * b;
      const p = expected / (m * (m - 1) / 2);
      graphs.push(sampleBlocks(new Int32Array(m), [[p]], rng));
    }
  }
  return {
    graphs,
    labels: NDArray.fromTyped(labels, [n]),
    classes: ["erdos-renyi", "two-communities"],
  };
}
