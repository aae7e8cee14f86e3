/**
 * {@link Graph}: a simple undirected graph (no self-loops, no repeated edges) as an edge list,
 * with the views graph networks need: adjacency matrix, degrees, PyG-style edge index.
 *
 * @module
 */
import { describe, NDArray } from "@nnc/tensor";

/**
 * A simple undirected graph on nodes `0..numNodes-1`. Each edge is stored once, as `(u, v)` with
 * `u < v`, in the order given.
 *
 * @example
 * ```ts
 * import { Graph } from "@nnc/datasets";
 * const g = new Graph(3, [[0, 1], [2, 1]]);
 * console.assert(g.numEdges === 2 && g.degrees().toArray().toString() === "1,2,1");
 * console.assert(g.adjacency().toArray().toString() === "0,1,0,1,0,1,0,1,0");
 * console.assert(g.edgeIndex().shape.join() === "2,4");
 * ```
 */
export class Graph {
  /** Number of nodes. */
  readonly numNodes: number;
  /** Edges as pairs `u0, v0, u1, v1, …` with `u < v`. */
  readonly edges: Int32Array;

  /** A graph from an edge list (pairs of node indices, either order). */
  constructor(numNodes: number, edges: Iterable<readonly [number, number]> | Int32Array) {
    if (!Number.isInteger(numNodes) || numNodes < 0 || numNodes > 2 ** 31 - 1) {
      throw new RangeError(
        `Graph: numNodes must be a non-negative integer, got ${describe(numNodes)}`,
      );
    }
    const flat = edges instanceof Int32Array ? edges : Int32Array.from(flattenPairs(edges));
    if (flat.length % 2 !== 0) {
      throw new RangeError(`Graph: edge array has odd length ${flat.length}`);
    }
    const out = new Int32Array(flat.length);
    const seen = new Set<number>();
    for (let e = 0; e < flat.length; e += 2) {
      const a = flat[e], b = flat[e + 1];
      if (a < 0 || b < 0 || a >= numNodes || b >= numNodes) {
        throw new RangeError(
          `Graph: edge ${e / 2} (${a}, ${b}) names a node outside 0..${numNodes - 1}`,
        );
      }
      if (a === b) throw new RangeError(`Graph: edge ${e / 2} is a self-loop on node ${a}`);
      const u = Math.min(a, b), v = Math.max(a, b);
      const key = u * numNodes + v;
      if (seen.has(key)) throw new RangeError(`Graph: edge ${e / 2} (${a}, ${b}) is repeated`);
      seen.add(key);
      out[e] = u;
      out[e + 1] = v;
    }
    this.numNodes = numNodes;
    this.edges = out;
  }

  /** Number of edges. */
  get numEdges(): number {
    return this.edges.length / 2;
  }

  /** The edges as int32 `[E, 2]`, each once with `u < v`. */
  edgeList(): NDArray {
    return NDArray.fromTyped(this.edges.slice(), [this.numEdges, 2]);
  }

  /** int32 `[2, 2E]`: sources and targets, each edge in both directions (PyTorch Geometric's `edge_index`). */
  edgeIndex(): NDArray {
    const e = this.numEdges;
    const out = new Int32Array(4 * e);
    for (let i = 0; i < e; i++) {
      const u = this.edges[2 * i], v = this.edges[2 * i + 1];
      out[i] = u; // sources: every u, then every v
      out[e + i] = v;
      out[2 * e + i] = v; // targets: the other end of each
      out[3 * e + i] = u;
    }
    return NDArray.fromTyped(out, [2, 2 * e]);
  }

  /** Dense symmetric 0/1 adjacency matrix, float32 `[n, n]`; with `selfLoops`, plus the identity (`A + I`). */
  adjacency(options: { selfLoops?: boolean } = {}): NDArray {
    const n = this.numNodes;
    const a = new Float32Array(n * n);
    for (let i = 0; i < this.edges.length; i += 2) {
      const u = this.edges[i], v = this.edges[i + 1];
      a[u * n + v] = 1;
      a[v * n + u] = 1;
    }
    if (options.selfLoops) { for (let i = 0; i < n; i++) a[i * n + i] = 1; }
    return NDArray.fromTyped(a, [n, n]);
  }

  /** Number of neighbours of each node, int32 `[n]`. */
  degrees(): NDArray {
    const d = new Int32Array(this.numNodes);
    for (let i = 0; i < this.edges.length; i++) d[this.edges[i]]++;
    return NDArray.fromTyped(d, [this.numNodes]);
  }

  /** The neighbours of a node, ascending. */
  neighbors(node: number): number[] {
    if (!Number.isInteger(node) || node < 0 || node >= this.numNodes) {
      throw new RangeError(
        `Graph.neighbors: node ${describe(node)} is outside 0..${this.numNodes - 1}`,
      );
    }
    const out: number[] = [];
    for (let i = 0; i < this.edges.length; i += 2) {
      if (this.edges[i] === node) out.push(this.edges[i + 1]);
      else if (this.edges[i + 1] === node) out.push(this.edges[i]);
    }
    return out.sort((a, b) => a - b);
  }
}

function* flattenPairs(edges: Iterable<readonly [number, number]>): Generator<number> {
  if (
    edges === null || edges === undefined ||
    typeof (edges as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `Graph: edges must be an iterable of [u, v] pairs or an Int32Array, got ${describe(edges)}`,
    );
  }
  let i = 0;
  for (const pair of edges) {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v))) {
      throw new TypeError(
        `Graph: edge ${i} must be a pair of integer node indices, got ${describe(pair)}`,
      );
    }
    yield pair[0];
    yield pair[1];
    i++;
  }
}
