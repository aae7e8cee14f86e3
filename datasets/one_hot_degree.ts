/**
 * {@link oneHotDegree}: node features from the graph's structure alone.
 *
 * @module
 */
import { checkIndexList, checkInt, describe, type NDArray, zeros } from "@nnc/tensor";

/**
 * One-hot in-degree features (PyTorch Geometric's `OneHotDegree` transform): float32
 * `[numNodes, maxDegree + 1]` with a 1 at column `min(deg, maxDegree)`, `deg` the number of edges
 * into each node (for an undirected graph given in both directions, its degree). For graphs
 * without node features: a GNN on constant features cannot even count neighbours after one layer
 * with mean aggregation.
 *
 * @example
 * ```ts
 * import { oneHotDegree } from "@nnc/datasets";
 * const x = oneHotDegree([[0, 1, 1, 2], [1, 0, 2, 1]], 3, 2);
 * console.assert(x.toArray().toString() === "0,1,0,0,0,1,0,1,0");
 * ```
 */
export function oneHotDegree(
  edgeIndex: NDArray | readonly (readonly number[])[],
  numNodes: number,
  maxDegree: number,
): NDArray {
  const op = "oneHotDegree";
  checkInt(numNodes, op, "numNodes", 1, 2 ** 31 - 1);
  checkInt(maxDegree, op, "maxDegree", 0, 2 ** 20);
  let targets: unknown;
  if (Array.isArray(edgeIndex) && edgeIndex.length === 2) targets = edgeIndex[1];
  else if ((edgeIndex as NDArray)?.ndim === 2 && (edgeIndex as NDArray).shape[0] === 2) {
    targets = (edgeIndex as NDArray).slice(1);
  } else {
    throw new TypeError(`${op}: edgeIndex must be [2, E], got ${describe(edgeIndex)}`);
  }
  const t = checkIndexList(targets, numNodes, op, "edgeIndex[1]");
  const deg = new Int32Array(numNodes);
  for (let e = 0; e < t.size; e++) deg[t.data[t.offset + e]]++;
  const x = zeros([numNodes, maxDegree + 1]);
  for (let v = 0; v < numNodes; v++) x.data[v * (maxDegree + 1) + Math.min(deg[v], maxDegree)] = 1;
  return x;
}
