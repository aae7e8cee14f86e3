// Graph inputs of the graph layers: node features, edge indices and edge weights checked once with
// messages that name the layer and the offending entry, self-loop handling, and the CSR matrix
// (rows = targets) that aggregation runs on.
import * as nd from "@nnc/tensor";
import { CsrMatrix, describe, fmtShape, NDArray } from "@nnc/tensor";
import { concat, gatherRows, segmentReduce, Tensor } from "@nnc/autograd";

/**
 * Edges as PyTorch Geometric's `edge_index`: `[2, E]`, row 0 the sources and row 1 the targets
 * (messages flow from `edgeIndex[0][e]` to `edgeIndex[1][e]`). An int32 NDArray or Tensor, an
 * NDArray of integral floats, or two lists of integers.
 */
export type EdgeIndexLike = NDArray | Tensor | readonly (readonly number[])[];

/** Per-edge weights `[E]`: a Tensor (differentiable) or an NDArray (constant). */
export type EdgeWeightLike = Tensor | NDArray;

/** Checked edges of a graph on `numNodes` nodes. */
export interface Edges {
  /** int32 `[E]`: the source of each edge. */
  source: NDArray;
  /** int32 `[E]`: the target of each edge. */
  target: NDArray;
  /** Number of nodes. */
  numNodes: number;
}

/** Node features `[numNodes, channels]` with at least one node; `channels` checked when given. */
export function nodeFeatures(x: unknown, op: string, channels?: number): Tensor {
  const t = x instanceof Tensor ? x : x instanceof NDArray ? new Tensor(x) : null;
  if (t === null) {
    throw new TypeError(`${op}: x must be a Tensor or an NDArray, got ${describe(x)}`);
  }
  if (t.ndim !== 2) {
    throw new RangeError(
      `${op}: x must be 2-d [numNodes, ${channels ?? "channels"}], got ${fmtShape(t.shape)}`,
    );
  }
  if (t.shape[0] === 0) {
    throw new RangeError(
      `${op}: the graph is empty (x has 0 rows); a graph needs at least one node`,
    );
  }
  if (channels !== undefined && t.shape[1] !== channels) {
    throw new RangeError(
      `${op}: x must have ${channels} channels, got ${fmtShape(t.shape)}`,
    );
  }
  return t;
}

/** The two rows of an edge index, each checked to hold integers in `0..numNodes-1`. */
export function edgesOf(edgeIndex: unknown, numNodes: number, op: string): Edges {
  const raw = edgeIndex instanceof Tensor ? edgeIndex.data : edgeIndex;
  let rows: [unknown, unknown];
  if (raw instanceof NDArray) {
    if (raw.ndim !== 2 || raw.shape[0] !== 2) {
      throw new RangeError(`${op}: edgeIndex must be [2, numEdges], got ${fmtShape(raw.shape)}`);
    }
    rows = [raw.slice(0), raw.slice(1)];
  } else if (Array.isArray(raw) && raw.length === 2 && raw.every(Array.isArray)) {
    if (raw[0].length !== raw[1].length) {
      throw new RangeError(
        `${op}: edgeIndex rows differ in length (${raw[0].length} sources, ${
          raw[1].length
        } targets)`,
      );
    }
    rows = [raw[0], raw[1]];
  } else {
    throw new TypeError(
      `${op}: edgeIndex must be an int32 [2, numEdges] array or two lists of node indices, got ${
        describe(edgeIndex)
      }`,
    );
  }
  const what = `0..${numNodes - 1} (x has ${numNodes} rows)`;
  return {
    source: own(nd.checkIndexList(rows[0], numNodes, op, "edgeIndex[0]", what)),
    target: own(nd.checkIndexList(rows[1], numNodes, op, "edgeIndex[1]", what)),
    numNodes,
  };
}

/** `x` itself when contiguous from offset 0 (what the loops here index), else a copy. */
function own(x: NDArray): NDArray {
  return x.isContiguous && x.offset === 0 ? x : nd.clone(x);
}

/** Edge weights `[E]` as a Tensor of `dtype` (constant for an NDArray), or null. */
export function edgeWeightOf(
  weight: unknown,
  numEdges: number,
  dtype: nd.DType,
  op: string,
): Tensor | null {
  if (weight === undefined || weight === null) return null;
  const t = weight instanceof Tensor
    ? weight
    : weight instanceof NDArray
    ? new Tensor(weight)
    : null;
  if (t === null) {
    throw new TypeError(
      `${op}: edgeWeight must be a Tensor or an NDArray, got ${describe(weight)}`,
    );
  }
  if (t.ndim !== 1 || t.shape[0] !== numEdges) {
    throw new RangeError(
      `${op}: edgeWeight must be [numEdges] = [${numEdges}], got ${fmtShape(t.shape)}`,
    );
  }
  return t.dtype === dtype ? t : t.astype(dtype);
}

/** int32 `[n]` from plain numbers. */
function int32(values: ArrayLike<number>): NDArray {
  return NDArray.fromTyped(Int32Array.from(values), [values.length]);
}

/**
 * One self-loop per node, appended after the other edges (PyTorch Geometric's
 * `add_remaining_self_loops` when `keepLoopWeights`, its `remove_self_loops` + `add_self_loops`
 * otherwise). Existing loops are removed; with `keepLoopWeights` a node that had loops keeps their
 * total weight (PyTorch Geometric keeps the last one: the same for a single loop, and independent
 * of edge order for several), every other node gets `fill`. Weights follow differentiably.
 */
export function withSelfLoops(
  edges: Edges,
  weight: Tensor | null,
  fill: number,
  keepLoopWeights: boolean,
  dtype: nd.DType,
): { edges: Edges; weight: Tensor } {
  const n = edges.numNodes, e = edges.source.size;
  const src = edges.source.data, dst = edges.target.data;
  const keep: number[] = [], loops: number[] = [];
  const base = new Float64Array(n).fill(fill);
  for (let i = 0; i < e; i++) {
    if (src[i] !== dst[i]) keep.push(i);
    else if (keepLoopWeights) {
      loops.push(i);
      base[src[i]] = 0;
    }
  }
  const source = new Int32Array(keep.length + n), target = new Int32Array(keep.length + n);
  keep.forEach((k, i) => {
    source[i] = src[k];
    target[i] = dst[k];
  });
  for (let v = 0; v < n; v++) source[keep.length + v] = target[keep.length + v] = v;
  const w = weight ?? new Tensor(nd.ones([e], { dtype }));
  let loopWeight = new Tensor(nd.astype(NDArray.fromTyped(base, [n]), dtype));
  if (loops.length > 0) {
    const idx = int32(loops);
    const at = int32(loops.map((i) => src[i]));
    loopWeight = loopWeight.add(segmentReduce(gatherRows(w, idx), at, n, "sum"));
  }
  return {
    edges: {
      source: NDArray.fromTyped(source, [source.length]),
      target: NDArray.fromTyped(target, [target.length]),
      numNodes: n,
    },
    weight: concat([gatherRows(w, int32(keep)), loopWeight]),
  };
}

/** The edges with every self-loop removed and one loop per node appended (no weights). */
export function withOneSelfLoopEach(edges: Edges): Edges {
  const n = edges.numNodes, src = edges.source.data, dst = edges.target.data;
  let kept = 0;
  for (let i = 0; i < edges.source.size; i++) if (src[i] !== dst[i]) kept++;
  const source = new Int32Array(kept + n), target = new Int32Array(kept + n);
  let at = 0;
  for (let i = 0; i < edges.source.size; i++) {
    if (src[i] !== dst[i]) {
      source[at] = src[i];
      target[at++] = dst[i];
    }
  }
  for (let v = 0; v < n; v++) source[kept + v] = target[kept + v] = v;
  return {
    source: NDArray.fromTyped(source, [kept + n]),
    target: NDArray.fromTyped(target, [kept + n]),
    numNodes: n,
  };
}

/** Whether gradients or tangents can flow through `t` (so that it must stay in the graph). */
export function isDifferentiable(t: Tensor): boolean {
  return t.requiresGrad || t.tangent !== null;
}

/**
 * The aggregation matrix: rows are targets and columns sources, so that `spmm(matrix, x)` sums
 * each node's incoming messages. `order[k]` is the edge of stored entry `k`.
 */
export function targetCsr(edges: Edges): { matrix: CsrMatrix; order: NDArray } {
  const { matrix, order } = CsrMatrix.fromCooWithOrder(edges.target, edges.source, [
    edges.numNodes,
    edges.numNodes,
  ]);
  return { matrix, order };
}
