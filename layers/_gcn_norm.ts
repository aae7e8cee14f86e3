// The body of gcnNorm, with errors named after the layer that calls it.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import { gatherRows, segmentReduce, Tensor } from "@nnc/autograd";
import { type EdgeIndexLike, edgesOf, edgeWeightOf, withSelfLoops } from "./_graph.ts";
import type { GcnNormOptions, NormalizedEdges } from "./gcn_norm.ts";

/** {@link gcnNorm} with errors named after `op` (the layer that called it). */
export function gcnNormFor(
  op: string,
  edgeIndex: EdgeIndexLike,
  numNodes: number,
  options: GcnNormOptions,
): NormalizedEdges {
  const o = nd.checkOptions(options, op);
  nd.checkInt(numNodes, op, "numNodes", 1, 2 ** 31 - 1);
  const dtype = o.dtype === undefined
    ? (o.edgeWeight instanceof Tensor || o.edgeWeight instanceof nd.NDArray) &&
        nd.isFloat(o.edgeWeight.dtype)
      ? o.edgeWeight.dtype
      : "float32"
    : nd.checkFloatDType(o.dtype, op);
  const normalization = nd.checkOneOf(
    o.normalization ?? "sym",
    op,
    "normalization",
    [
      "sym",
      "rw",
      "none",
    ] as const,
  );
  const loops = nd.checkBool(o.addSelfLoops ?? true, op, "addSelfLoops");
  const fill = nd.checkNumber(o.fillValue ?? 1, op, "fillValue");
  let edges = edgesOf(edgeIndex, numNodes, op);
  let weight = edgeWeightOf(o.edgeWeight, edges.source.size, dtype, op);
  if (loops) ({ edges, weight } = withSelfLoops(edges, weight, fill, true, dtype));
  const w = weight ?? new Tensor(nd.ones([edges.source.size], { dtype }));
  return { ...edges, weight: normalize(w, edges.source, edges.target, numNodes, normalization) };
}

/** Applies the degree normalisation to weights `w` of edges `source → target`. */
function normalize(
  w: Tensor,
  source: NDArray,
  target: NDArray,
  n: number,
  kind: "sym" | "rw" | "none",
): Tensor {
  if (kind === "none") return w;
  const deg = segmentReduce(w, target, n, "sum");
  // Zero-degree nodes: 1/√d and 1/d would be infinite; such nodes get 0 (and finite gradients).
  const empty = nd.eq(deg.data, 0); // 1 where the degree is 0, in deg's dtype
  const safe = deg.add(new Tensor(empty));
  const keep = new Tensor(nd.sub(1, empty));
  if (kind === "rw") return w.mul(gatherRows(safe.reciprocal().mul(keep), target));
  const inv = safe.rsqrt().mul(keep);
  return gatherRows(inv, source).mul(w).mul(gatherRows(inv, target));
}
