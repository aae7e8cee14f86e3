/**
 * Zachary's karate club (W. W. Zachary, "An information flow model for conflict and fission in
 * small groups", Journal of Anthropological Research 33(4), 1977): 34 members, 78 friendships,
 * and the two clubs the members joined when the club split.
 *
 * @module
 */
import { NDArray } from "@nnc/tensor";
import { Graph } from "./graph.ts";

/** The karate club network. */
export interface KarateClubData {
  /** 34 nodes (0-based: node 0 is the instructor "Mr. Hi", node 33 the administrator), 78 edges. */
  graph: Graph;
  /** int32 `[34]`: 0 for Mr. Hi's club, 1 for the Officer's. */
  labels: NDArray;
  /** `["Mr. Hi", "Officer"]`. */
  classes: string[];
  /** float32 `[78]`: Zachary's interaction counts per edge, in the order of `graph.edges`. */
  weights: NDArray;
}

// Zachary's edge list, 0-based, with his weights (contexts of interaction), as distributed with NetworkX.
// deno-fmt-ignore
const EDGES: readonly number[] = [
  0, 1, 4, 0, 2, 5, 0, 3, 3, 0, 4, 3, 0, 5, 3, 0, 6, 3, 0, 7, 2, 0, 8, 2, 0, 10, 2, 0, 11, 3, 0, 12, 1,
  0, 13, 3, 0, 17, 2, 0, 19, 2, 0, 21, 2, 0, 31, 2,
  1, 2, 6, 1, 3, 3, 1, 7, 4, 1, 13, 5, 1, 17, 1, 1, 19, 2, 1, 21, 2, 1, 30, 2,
  2, 3, 3, 2, 7, 4, 2, 8, 5, 2, 9, 1, 2, 13, 3, 2, 27, 2, 2, 28, 2, 2, 32, 2,
  3, 7, 3, 3, 12, 3, 3, 13, 3,
  4, 6, 2, 4, 10, 3,
  5, 6, 5, 5, 10, 3, 5, 16, 3,
  6, 16, 3,
  8, 30, 3, 8, 32, 3, 8, 33, 4,
  9, 33, 2,
  13, 33, 3,
  14, 32, 3, 14, 33, 2,
  15, 32, 3, 15, 33, 4,
  18, 32, 1, 18, 33, 2,
  19, 33, 1,
  20, 32, 3, 20, 33, 1,
  22, 32, 2, 22, 33, 3,
  23, 25, 5, 23, 27, 4, 23, 29, 3, 23, 32, 5, 23, 33, 4,
  24, 25, 2, 24, 27, 3, 24, 31, 2,
  25, 31, 7,
  26, 29, 4, 26, 33, 2,
  27, 33, 4,
  28, 31, 2, 28, 33, 2,
  29, 32, 4, 29, 33, 2,
  30, 32, 3, 30, 33, 3,
  31, 32, 4, 31, 33, 4,
  32, 33, 5,
];

// Members of the Officer's club after the split (everyone else joined Mr. Hi's).
const OFFICER: readonly number[] = [
  9,
  14,
  15,
  18,
  20,
  22,
  23,
  24,
  25,
  26,
  27,
  28,
  29,
  30,
  31,
  32,
  33,
];

/**
 * Zachary's karate club network with the two factions. Node 33 (34 in Zachary's 1-based
 * numbering) has degree 17, node 0 degree 16.
 *
 * @example
 * ```ts
 * import { karateClub } from "@nnc/datasets";
 * const { graph, labels } = karateClub();
 * console.assert(graph.numNodes === 34 && graph.numEdges === 78);
 * console.assert(graph.degrees().get(33) === 17 && graph.degrees().get(0) === 16);
 * console.assert(labels.sum().item() === 17);
 * ```
 */
export function karateClub(): KarateClubData {
  const m = EDGES.length / 3;
  const edges = new Int32Array(2 * m);
  const weights = new Float32Array(m);
  for (let e = 0; e < m; e++) {
    edges[2 * e] = EDGES[3 * e];
    edges[2 * e + 1] = EDGES[3 * e + 1];
    weights[e] = EDGES[3 * e + 2];
  }
  const labels = new Int32Array(34);
  for (const v of OFFICER) labels[v] = 1;
  return {
    graph: new Graph(34, edges),
    labels: NDArray.fromTyped(labels, [34]),
    classes: ["Mr. Hi", "Officer"],
    weights: NDArray.fromTyped(weights, [m]),
  };
}
