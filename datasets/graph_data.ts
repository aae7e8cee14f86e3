/**
 * {@link GraphData}: a graph as graph networks take it (PyTorch Geometric's `Data`): node features,
 * a COO edge index in both directions, edge attributes and labels; {@link batchGraphs} packs many
 * graphs into one disjoint graph ({@link GraphBatch}) with a `batch` vector, and
 * {@link GraphDataLoader} yields such batches.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { checkInt, describe, NDArray, type Rng } from "@nnc/tensor";
import type { Graph } from "./graph.ts";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** What a {@link GraphData} is made from. */
export interface GraphDataInit {
  /** Node features `[numNodes, F]`, or null. */
  x?: NDArray | null;
  /** `[2, E]`: sources (row 0) and targets (row 1), as an int32 NDArray or two lists. */
  edgeIndex: NDArray | readonly (readonly number[])[];
  /** Per-edge weights `[E]` or features `[E, D]`, or null. */
  edgeAttr?: NDArray | null;
  /** Labels: per node `[numNodes]`, or per graph (a number or `[1, ...]`), or null. */
  y?: NDArray | number | null;
  /** Number of nodes (default: the rows of `x`). */
  numNodes?: number;
}

/**
 * One graph with its features and labels. Every array is checked against the node and edge
 * counts when the graph is made, with messages that name the offending entry.
 *
 * @example
 * ```ts
 * import { GraphData } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const g = new GraphData({ x: array([[1], [2], [3]]), edgeIndex: [[0, 1], [1, 2]], y: 1 });
 * console.assert(g.numNodes === 3 && g.numEdges === 2 && g.y?.item() === 1);
 * ```
 */
export class GraphData {
  /** Node features `[numNodes, F]`, or null. */
  readonly x: NDArray | null;
  /** int32 `[2, E]`: sources, then targets. */
  readonly edgeIndex: NDArray;
  /** `[E]` or `[E, D]`, or null. */
  readonly edgeAttr: NDArray | null;
  /** Labels, or null. */
  readonly y: NDArray | null;
  /** Number of nodes. */
  readonly numNodes: number;

  /** A graph from its parts (see {@link GraphDataInit}); `op` names the caller in error messages. */
  constructor(init: GraphDataInit, op = "GraphData") {
    if (typeof op !== "string" || op === "") {
      throw new TypeError(`GraphData: op must be a non-empty string, got ${describe(op)}`);
    }
    if (init === null || typeof init !== "object") {
      throw new TypeError(`${op}: expected { x, edgeIndex, … }, got ${describe(init)}`);
    }
    const x = init.x ?? null;
    if (x !== null && (!(x instanceof NDArray) || x.ndim < 1)) {
      throw new TypeError(`${op}: x must be an NDArray [numNodes, F], got ${describe(x)}`);
    }
    const n = init.numNodes ?? (x === null ? undefined : x.shape[0]);
    if (n === undefined) throw new TypeError(`${op}: give x or numNodes`);
    if (n === 0) {
      throw new RangeError(`${op}: the graph is empty (0 nodes); a graph needs at least one node`);
    }
    checkInt(n ?? 0, op, "numNodes", 1, MAX_INT32);
    if (x !== null && x.shape[0] !== n) {
      throw new RangeError(`${op}: x has ${x.shape[0]} rows but the graph has ${n} nodes`);
    }
    this.numNodes = n;
    this.x = x;
    this.edgeIndex = edgeIndexOf(init.edgeIndex, n, op);
    const e = this.edgeIndex.shape[1];
    const attr = init.edgeAttr ?? null;
    if (attr !== null && (!(attr instanceof NDArray) || attr.ndim < 1 || attr.shape[0] !== e)) {
      throw new RangeError(
        `${op}: edgeAttr must have one row per edge (${e}), got ${describe(attr)}`,
      );
    }
    this.edgeAttr = attr;
    const y = init.y ?? null;
    if (typeof y === "number") {
      this.y = nd.array([y], { dtype: Number.isInteger(y) ? "int32" : "float32" });
    } else if (y === null || y instanceof NDArray) this.y = y;
    else throw new TypeError(`${op}: y must be a number, an NDArray or null, got ${describe(y)}`);
  }

  /** Number of edges (each direction of an undirected edge counts). */
  get numEdges(): number {
    return this.edgeIndex.shape[1];
  }

  /**
   * A {@link Graph} (undirected) as graph data: every edge in both directions (the first half
   * `u → v`, the second `v → u`), with `edgeAttr` given once per undirected edge (in
   * `graph.edges` order) and repeated for both directions.
   *
   * @example
   * ```ts
   * import { Graph, GraphData } from "@nnc/datasets";
   * const g = GraphData.fromGraph(new Graph(3, [[0, 1], [1, 2]]), { y: 0 });
   * console.assert(g.numEdges === 4 && g.x === null && g.numNodes === 3);
   * ```
   */
  static fromGraph(
    graph: Graph,
    options: { x?: NDArray | null; y?: NDArray | number | null; edgeAttr?: NDArray | null } = {},
  ): GraphData {
    const attr = options.edgeAttr ?? null;
    if (attr !== null && (!(attr instanceof NDArray) || attr.shape[0] !== graph.numEdges)) {
      throw new RangeError(
        `GraphData.fromGraph: edgeAttr must have one row per edge of the graph (${graph.numEdges}), got ${
          describe(attr)
        }`,
      );
    }
    return new GraphData({
      x: options.x ?? null,
      edgeIndex: graph.edgeIndex(),
      edgeAttr: attr === null ? null : nd.concat([attr, attr], 0),
      y: options.y ?? null,
      numNodes: graph.numNodes,
    }, "GraphData.fromGraph");
  }
}

function edgeIndexOf(value: unknown, n: number, op: string): NDArray {
  let rows: [unknown, unknown];
  if (value instanceof NDArray) {
    if (value.ndim !== 2 || value.shape[0] !== 2) {
      throw new RangeError(`${op}: edgeIndex must be [2, numEdges], got ${describe(value)}`);
    }
    rows = [value.slice(0), value.slice(1)];
  } else if (Array.isArray(value) && value.length === 2 && value.every(Array.isArray)) {
    if (value[0].length !== value[1].length) {
      throw new RangeError(
        `${op}: edgeIndex rows differ in length (${value[0].length} and ${value[1].length})`,
      );
    }
    rows = [value[0], value[1]];
  } else {
    throw new TypeError(
      `${op}: edgeIndex must be an int32 [2, E] array or two lists, got ${describe(value)}`,
    );
  }
  const what = `0..${n - 1} (${n} nodes)`;
  const src = nd.checkIndexList(rows[0], n, op, "edgeIndex[0]", what);
  const dst = nd.checkIndexList(rows[1], n, op, "edgeIndex[1]", what);
  const out = new Int32Array(2 * src.size);
  for (let e = 0; e < src.size; e++) {
    out[e] = src.data[src.offset + e];
    out[src.size + e] = dst.data[dst.offset + e];
  }
  return NDArray.fromTyped(out, [2, src.size]);
}

/**
 * Many graphs as one disjoint graph: nodes numbered graph after graph, edges shifted to match,
 * features, edge attributes and labels concatenated, and `batch[i]` the graph of node `i`.
 *
 * @example
 * ```ts
 * import { batchGraphs, GraphData } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const a = new GraphData({ x: array([[1], [2]]), edgeIndex: [[0], [1]], y: 0 });
 * const b = new GraphData({ x: array([[3]]), edgeIndex: [[0], [0]], y: 1 });
 * const batch = batchGraphs([a, b]);
 * console.assert(batch.edgeIndex.toArray().toString() === "0,2,1,2");
 * console.assert(batch.batch.toArray().toString() === "0,0,1" && batch.y?.toArray().toString() === "0,1");
 * ```
 */
export class GraphBatch extends GraphData {
  /** int32 `[numNodes]`: the graph each node belongs to. */
  readonly batch: NDArray;
  /** int32 `[numGraphs + 1]`: where each graph's nodes start, then the total. */
  readonly ptr: NDArray;
  /** Number of graphs. */
  readonly numGraphs: number;

  /** The batch of `graphs` (see {@link batchGraphs}). */
  constructor(graphs: readonly GraphData[]) {
    const op = "GraphBatch";
    checkGraphs(graphs, op);
    const has = (k: "x" | "edgeAttr" | "y") => {
      const n = graphs.filter((g) => g[k] !== null).length;
      if (n !== 0 && n !== graphs.length) {
        throw new TypeError(
          `${op}: ${k} is set on ${n} of ${graphs.length} graphs; set it on all or none`,
        );
      }
      return n > 0;
    };
    const ptr = new Int32Array(graphs.length + 1);
    graphs.forEach((g, i) => (ptr[i + 1] = ptr[i] + g.numNodes));
    const total = ptr[graphs.length];
    const edges = graphs.reduce((s, g) => s + g.numEdges, 0);
    const index = new Int32Array(2 * edges), batch = new Int32Array(total);
    let at = 0;
    graphs.forEach((g, i) => {
      const e = g.numEdges, d = g.edgeIndex.data;
      for (let k = 0; k < e; k++) {
        index[at + k] = d[k] + ptr[i];
        index[edges + at + k] = d[e + k] + ptr[i];
      }
      at += e;
      batch.fill(i, ptr[i], ptr[i + 1]);
    });
    const cat = (k: "x" | "edgeAttr" | "y") =>
      has(k) ? nd.concat(graphs.map((g) => g[k]!), 0) : null;
    super({
      x: cat("x"),
      edgeIndex: NDArray.fromTyped(index, [2, edges]),
      edgeAttr: cat("edgeAttr"),
      y: cat("y"),
      numNodes: total,
    }, op);
    this.batch = NDArray.fromTyped(batch, [total]);
    this.ptr = NDArray.fromTyped(ptr, [graphs.length + 1]);
    this.numGraphs = graphs.length;
  }
}

/**
 * {@link GraphBatch} of `graphs`.
 *
 * @example
 * ```ts
 * import { batchGraphs, GraphData } from "@nnc/datasets";
 * const g = new GraphData({ numNodes: 2, edgeIndex: [[0], [1]] });
 * console.assert(batchGraphs([g, g, g]).numNodes === 6);
 * ```
 */
export function batchGraphs(graphs: readonly GraphData[]): GraphBatch {
  checkGraphs(graphs, "batchGraphs");
  return new GraphBatch(graphs);
}

function checkGraphs(graphs: unknown, op: string): asserts graphs is readonly GraphData[] {
  if (
    !Array.isArray(graphs) || graphs.length === 0 || !graphs.every((g) => g instanceof GraphData)
  ) {
    throw new TypeError(`${op}: expected a non-empty array of GraphData, got ${describe(graphs)}`);
  }
}

/** Options of {@link GraphDataLoader}. */
export interface GraphDataLoaderOptions extends RandomSource {
  /** Graphs per batch. Default 1. */
  batchSize?: number;
  /** A new random order every epoch. Default false. */
  shuffle?: boolean;
  /** Leave out a last batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

/**
 * Batches of graphs ({@link GraphBatch}) for `for...of`; each loop over the loader is one epoch,
 * reshuffled from the loader's generator when `shuffle` is set.
 *
 * @example
 * ```ts
 * import { GraphData, GraphDataLoader } from "@nnc/datasets";
 * const graphs = [1, 2, 3].map((n) => new GraphData({ numNodes: n, edgeIndex: [[], []], y: n }));
 * const loader = new GraphDataLoader(graphs, { batchSize: 2, shuffle: true, seed: 0 });
 * let nodes = 0;
 * for (const b of loader) nodes += b.numNodes;
 * console.assert(nodes === 6 && loader.length === 2);
 * ```
 */
export class GraphDataLoader implements Iterable<GraphBatch> {
  /** The graphs. */
  readonly graphs: readonly GraphData[];
  /** Graphs per batch. */
  readonly batchSize: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  readonly #rng: Rng;

  /** A loader over `graphs`. */
  constructor(graphs: readonly GraphData[], options: GraphDataLoaderOptions = {}) {
    const op = "GraphDataLoader";
    if (!Array.isArray(graphs) || !graphs.every((g) => g instanceof GraphData)) {
      throw new TypeError(`${op}: graphs must be an array of GraphData, got ${describe(graphs)}`);
    }
    const o = nd.checkOptions(options, op);
    this.graphs = graphs;
    this.batchSize = checkInt(o.batchSize ?? 1, op, "batchSize", 1, MAX_INT32);
    this.shuffle = nd.checkBool(o.shuffle ?? false, op, "shuffle");
    this.dropLast = nd.checkBool(o.dropLast ?? false, op, "dropLast");
    this.#rng = resolveRng(o, op);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.graphs.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch. */
  *[Symbol.iterator](): Generator<GraphBatch, void, undefined> {
    const n = this.graphs.length;
    const order = this.shuffle
      ? this.#rng.permutation(n)
      : Int32Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      const part: GraphData[] = [];
      for (let i = b * this.batchSize; i < Math.min(n, (b + 1) * this.batchSize); i++) {
        part.push(this.graphs[order[i]]);
      }
      yield new GraphBatch(part);
    }
  }
}
