/**
 * A graph-classification task by motif (after the BA-2Motifs benchmark of GNN explanation work):
 * random trees grown by preferential attachment, each with one small motif (a house, a cycle, …)
 * attached; the class is the motif.
 *
 * @module
 */
import { checkInt, checkOptions, describe, NDArray, type Rng } from "@nnc/tensor";
import { Graph } from "./graph.ts";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** The motifs {@link motifGraphs} can attach. */
export type Motif = "house" | "cycle" | "clique" | "star" | "grid";

/** Edges of each motif on its own nodes `0..k-1`. */
const MOTIFS: Record<Motif, { nodes: number; edges: readonly [number, number][] }> = {
  // A square 0-1-2-3 with a roof 4 on 0 and 1.
  house: { nodes: 5, edges: [[0, 1], [1, 2], [2, 3], [3, 0], [0, 4], [1, 4]] },
  cycle: { nodes: 5, edges: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]] },
  clique: { nodes: 4, edges: [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] },
  star: { nodes: 5, edges: [[0, 1], [0, 2], [0, 3], [0, 4]] },
  // A 2 × 3 grid.
  grid: { nodes: 6, edges: [[0, 1], [1, 2], [3, 4], [4, 5], [0, 3], [1, 4], [2, 5]] },
};

/** Graphs labelled by the motif they contain. */
export interface MotifGraphsData {
  /** The graphs. */
  graphs: Graph[];
  /** int32 `[n]`: index into `classes`. */
  labels: NDArray;
  /** The motifs, in label order. */
  classes: Motif[];
}

/** Options of {@link motifGraphs}. */
export interface MotifGraphsOptions extends RandomSource {
  /** Number of graphs, cycling through the motifs. Default 200. */
  n?: number;
  /** Fewest nodes of the tree. Default 10. */
  minBase?: number;
  /** Most nodes of the tree. Default 20. */
  maxBase?: number;
  /** The motifs, in label order. Default `["house", "cycle"]` (BA-2Motifs). */
  motifs?: readonly Motif[];
}

/**
 * Random graphs with one motif each. Graph `i` is a tree of `b` nodes (`b` uniform in
 * `[minBase, maxBase]`) grown by preferential attachment (each new node links to an existing one
 * with probability proportional to its degree, a Barabási–Albert graph with m = 1), plus motif
 * `i % k` whose node 0 is linked to a random tree node; node order is then shuffled so that
 * position gives nothing away. Label = the motif's index.
 *
 * @example
 * ```ts
 * import { motifGraphs } from "@nnc/datasets";
 * const { graphs, labels, classes } = motifGraphs({ n: 4, seed: 0 });
 * console.assert(classes.join() === "house,cycle" && labels.toArray().toString() === "0,1,0,1");
 * // A tree of b nodes has b − 1 edges; the house adds 6 + 1, the cycle 5 + 1.
 * console.assert(graphs[0].numEdges - graphs[0].numNodes === 1 && graphs[1].numEdges === graphs[1].numNodes);
 * ```
 */
export function motifGraphs(options?: MotifGraphsOptions): MotifGraphsData {
  const op = "motifGraphs";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 200, op, "n", 0, MAX_INT32);
  const minBase = checkInt(o.minBase ?? 10, op, "minBase", 1, MAX_INT32);
  const maxBase = checkInt(o.maxBase ?? Math.max(20, minBase), op, "maxBase", minBase, MAX_INT32);
  const motifs = o.motifs === undefined
    ? ["house", "cycle"] as Motif[]
    : Array.isArray(o.motifs)
    ? [...o.motifs] as Motif[]
    : []; // not a list: reported below, as an empty one
  if (
    motifs.length === 0 ||
    !motifs.every((m) => typeof m === "string" && Object.hasOwn(MOTIFS, m)) ||
    new Set(motifs).size !== motifs.length
  ) {
    throw new TypeError(
      `${op}: motifs must be distinct names among ${Object.keys(MOTIFS).join(", ")}, got ${
        describe(o.motifs)
      }`,
    );
  }
  const rng = resolveRng(o, op);
  const graphs: Graph[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % motifs.length;
    graphs.push(withMotif(rng.int(minBase, maxBase + 1), MOTIFS[motifs[labels[i]]], rng));
  }
  return { graphs, labels: NDArray.fromTyped(labels, [n]), classes: motifs };
}

function withMotif(
  base: number,
  motif: { nodes: number; edges: readonly [number, number][] },
  rng: Rng,
): Graph {
  const edges: number[] = [];
  // Preferential attachment: a node appears in `ends` once per incident edge, so a uniform pick
  // from it is a pick proportional to degree (node 0 starts the list).
  const ends: number[] = [0];
  for (let v = 1; v < base; v++) {
    const u = ends[rng.int(0, ends.length)];
    edges.push(u, v);
    ends.push(u, v);
  }
  for (const [a, b] of motif.edges) edges.push(base + a, base + b);
  edges.push(rng.int(0, base), base);
  const total = base + motif.nodes;
  const perm = rng.permutation(total);
  return new Graph(total, Int32Array.from(edges, (v) => perm[v]));
}
