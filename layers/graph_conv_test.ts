import assert from "node:assert/strict";
import { array, assertClose, matmul, NDArray, Rng } from "@nnc/tensor";
import { gradcheck, Tensor } from "@nnc/autograd";
import { GraphConv } from "./graph_conv.ts";
import { functionalCall } from "./functional_call.ts";
import { assertEquivariant, gnnFixture } from "./_graph_testing.ts";
import { decode } from "./_testing.ts";

const fx = gnnFixture();
const x = decode(fx.x);

/** Dense A with A[i, j] = Σ weights of the edges j → i. */
function dense(weights: readonly number[] | null): NDArray {
  const a = new Float64Array(fx.numNodes ** 2);
  fx.edgeIndex[0].forEach((j, e) => (a[fx.edgeIndex[1][e] * fx.numNodes + j] += weights?.[e] ?? 1));
  return NDArray.fromTyped(a, [fx.numNodes, fx.numNodes]);
}

Deno.test("GraphConv equals W₁x + W₂(A x) + b (sum) and W₂ of the neighbour mean (mean)", () => {
  const conv = new GraphConv(4, 3, { dtype: "float64", rng: new Rng(1) });
  const w1 = conv.linRoot.weight.data, w2 = conv.linRel.weight.data, b = conv.linRel.bias!.data;
  const weights = [0.5, 1.5, 2, 0.7, 1, 0.25, 3, 1.2, 0.8, 0.6];
  const a = dense(weights);
  const want = matmul(x, w1.T).add(matmul(matmul(a, x), w2.T)).add(b);
  assertClose(
    conv.forward(new Tensor(x), fx.edgeIndex, array(weights, { dtype: "float64" })).data,
    want,
    { rtol: 1e-12, atol: 1e-12 },
  );
  const mean = new GraphConv(4, 3, { aggr: "mean", dtype: "float64", rng: new Rng(1) });
  const counts = dense(null).sum({ axis: 1, keepDims: true }).maximum(1);
  const wantMean = matmul(x, w1.T).add(matmul(matmul(dense(null), x).div(counts), w2.T)).add(b);
  assertClose(mean.forward(new Tensor(x), fx.edgeIndex).data, wantMean, {
    rtol: 1e-12,
    atol: 1e-12,
  });
  assert.deepEqual(Object.keys(conv.stateDict()), [
    "lin_rel.weight",
    "lin_rel.bias",
    "lin_root.weight",
  ]);
});

Deno.test("GraphConv: gradcheck (both modes) and permutation equivariance", () => {
  const conv = new GraphConv(4, 2, { dtype: "float64", rng: new Rng(2) });
  const names = conv.namedParameters().map(([k]) => k);
  gradcheck(
    (xi, w, ...ps) =>
      functionalCall(
        conv,
        Object.fromEntries(names.map((k, i) => [k, ps[i]])),
        xi,
        fx.edgeIndex,
        w,
      ),
    [
      new Tensor(x),
      new Tensor(array([0.5, 1.5, 2, 0.7, 1, 0.25, 3, 1.2, 0.8, 0.6], { dtype: "float64" })),
      ...conv.parameters().map((p) => new Tensor(p.data)),
    ],
    { mode: "both" },
  );
  const small = new GraphConv(3, 2, { aggr: "max", dtype: "float64", rng: new Rng(3) });
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertEquivariant(3, (xi, edges, w) => conv.forward(xi.pad([0, 1]), edges, w));
  assertEquivariant(3, (xi, edges, w) => small.forward(xi, edges, w));
});

Deno.test("the notes' molecule: swapping atoms 3 and 4 is P M Pᵀ, and a GraphConv over it follows P", () => {
  // Atoms on the diagonal (H = 1, C = 6, O = 8), bond orders off it; order (H, H, C, O).
  const before = [[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 6, 2], [0, 0, 2, 8]];
  const after = [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 8, 2], [1, 1, 2, 6]];
  const p = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]];
  const pmp = matmul(matmul(array(p), array(before)), array(p).T);
  // spec: 000-003/3.14
  assert.deepEqual(pmp.toArray(), after);
  // As a graph: atom types are node features, bond orders edge weights.
  const graph = (m: number[][]) => {
    const x = array(m.map((row, i) => [row[i]]), { dtype: "float64" });
    const src: number[] = [], dst: number[] = [], w: number[] = [];
    m.forEach((row, i) =>
      row.forEach((v, j) => i !== j && v !== 0 && (src.push(j), dst.push(i), w.push(v)))
    );
    return { x: new Tensor(x), edges: [src, dst], w: array(w, { dtype: "float64" }) };
  };
  const conv = new GraphConv(1, 2, { dtype: "float64", rng: new Rng(4) });
  const g1 = graph(before), g2 = graph(after);
  const y1 = conv.forward(g1.x, g1.edges, g1.w).data, y2 = conv.forward(g2.x, g2.edges, g2.w).data;
  assertClose(y2, matmul(array(p, { dtype: "float64" }), y1), { atol: 1e-12 });
});

Deno.test("GraphConv names itself and the offending shape", () => {
  const conv = new GraphConv(4, 3);
  assert.throws(
    () => conv.forward(new Tensor(array([[1, 2]])), [[0], [0]]),
    /GraphConv\(4→3\): x must have 4 channels, got \[1, 2\]/,
  );
  assert.throws(
    () => conv.forward(new Tensor(x.astype("float32")), [[0, 7], [1, 2]]),
    /GraphConv: edgeIndex\[0\]\[1\] = 7 is outside 0\.\.5 \(x has 6 rows\)/,
  );
});
