// Permutation invariance and equivariance of graph networks (the notes' E18 demo). Renaming the
// nodes of a graph (x → P x, A → P A Pᵀ) must permute node outputs the same way (equivariance) and
// leave graph outputs unchanged (invariance). Shown on
//   - the notes' two isomorphic 5-node graphs A1 and A2 (exactly two permutations map one onto the
//     other, and a GCN gives the same graph-level output on both);
//   - the notes' formaldehyde-like molecule matrix, before and after swapping atoms 3 and 4;
//   - every graph layer of @nnc/layers on a random graph and a random permutation.
//
//   deno run -A examples/gnn/permutation_invariance.ts        (seconds; --quick is the same run)
// → out/gnn/permutation_invariance.summary.json (the errors, per layer and readout)
import { array, matmul, type NDArray, Rng, zeros } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import {
  AttentionalAggregation,
  EdgeConv,
  GATConv,
  GCNConv,
  GINConv,
  globalAddPool,
  globalMaxPool,
  globalMeanPool,
  GraphConv,
  GraphTransformerLayer,
  Linear,
  SAGEConv,
} from "@nnc/layers";
import { ExampleReport } from "../_lib/report.ts";

const report = new ExampleReport("gnn", "permutation_invariance");
const rng = new Rng(0);

/** Dense symmetric adjacency of 1-based undirected edges. */
function adjacency(n: number, edges: [number, number][]): NDArray {
  const a = zeros([n, n]);
  for (const [u, v] of edges) a.data[(u - 1) * n + v - 1] = a.data[(v - 1) * n + u - 1] = 1;
  return a;
}
/** P with P[j][i] = 1 for i ↦ j, so that (P A Pᵀ) renames node i as perm[i]. */
function permutationMatrix(perm: readonly number[]): NDArray {
  const p = zeros([perm.length, perm.length]);
  perm.forEach((j, i) => (p.data[j * perm.length + i] = 1));
  return p;
}
function* permutations(n: number): Generator<number[]> {
  if (n === 1) {
    yield [0];
    return;
  }
  for (const p of permutations(n - 1)) {
    for (let k = 0; k < n; k++) yield [...p.slice(0, k), n - 1, ...p.slice(k)];
  }
}
const maxAbs = (a: NDArray) => Math.max(...Array.from(a.abs().data));

// 1. The notes' isomorphic graphs.
const a1 = adjacency(5, [[1, 2], [2, 3], [2, 4], [2, 5], [3, 4], [4, 5]]);
const a2 = adjacency(5, [[1, 2], [1, 3], [2, 3], [2, 4], [2, 5], [3, 4]]);
const isomorphisms = [...permutations(5)].filter((perm) => {
  const p = permutationMatrix(perm);
  return maxAbs(matmul(matmul(p, a1), p.T).sub(a2)) === 0;
});
for (const perm of isomorphisms) {
  report.note(`A1 → A2: ${perm.map((j, i) => `${i + 1}→${j + 1}`).join(", ")}`);
}
report.metric("permutations P with P A1 Pᵀ = A2", isomorphisms.length, { min: 2, max: 2 });

const edgesOf = (a: NDArray): number[][] => {
  const src: number[] = [], dst: number[] = [];
  for (let i = 0; i < a.shape[0]; i++) {
    for (let j = 0; j < a.shape[1]; j++) if (a.get(i, j) !== 0) src.push(j), dst.push(i);
  }
  return [src, dst];
};
const x1 = new Tensor(
  array(Array.from({ length: 5 }, () => [rng.normal(), rng.normal(), rng.normal()])),
);
const p = permutationMatrix(isomorphisms[0]);
const x2 = new Tensor(matmul(p, x1.data));
const gcn = new GCNConv(3, 4, { rng });
const h1 = noGrad(() => gcn.forward(x1, edgesOf(a1))).data;
const h2 = noGrad(() => gcn.forward(x2, edgesOf(a2))).data;
report.metric("GCN on A2 minus P·(GCN on A1), max |·|", maxAbs(h2.sub(matmul(p, h1))), {
  max: 1e-5,
});
report.metric(
  "sum readout on A2 minus on A1, max |·|",
  maxAbs(globalAddPool(new Tensor(h2)).data.sub(globalAddPool(new Tensor(h1)).data)),
  { max: 1e-5 },
);

// 2. The molecule: atoms on the diagonal (H = 1, C = 6, O = 8), bond orders off it.
const before = array([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 6, 2], [0, 0, 2, 8]]);
const after = array([[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 8, 2], [1, 1, 2, 6]]);
const swap = permutationMatrix([0, 1, 3, 2]);
report.metric(
  "molecule: P M Pᵀ minus the swapped matrix, max |·|",
  maxAbs(matmul(matmul(swap, before), swap.T).sub(after)),
  {
    max: 0,
  },
);

// 3. Every layer and readout on a random graph, under a random permutation.
const n = 30, f = 8, e = 90;
const src = Array.from({ length: e }, () => rng.int(0, n)),
  dst = Array.from({ length: e }, () => rng.int(0, n));
const x = new Tensor(
  array(Array.from({ length: n }, () => Array.from({ length: f }, () => rng.normal()))),
);
const perm = [...rng.permutation(n)];
const pm = permutationMatrix(perm);
const px = new Tensor(matmul(pm, x.data));
const permuted = [src.map((v) => perm[v]), dst.map((v) => perm[v])];
const layers: Record<string, (x: Tensor, edges: number[][]) => Tensor> = {
  GCNConv: (t, ei) => new GCNConv(f, 4, { rng: new Rng(1) }).forward(t, ei),
  GATConv: (t, ei) => new GATConv(f, 4, { heads: 2, rng: new Rng(1) }).forward(t, ei),
  GINConv: (t, ei) => new GINConv(new Linear(f, 4, { rng: new Rng(1) })).forward(t, ei),
  SAGEConv: (t, ei) => new SAGEConv(f, 4, { rng: new Rng(1) }).forward(t, ei),
  GraphConv: (t, ei) => new GraphConv(f, 4, { aggr: "max", rng: new Rng(1) }).forward(t, ei),
  EdgeConv: (t, ei) => new EdgeConv(new Linear(2 * f, 4, { rng: new Rng(1) })).forward(t, ei),
  GraphTransformerLayer: (t, ei) =>
    new GraphTransformerLayer(f, 2, {
      dimFeedforward: 16,
      dropout: 0,
      addSelfLoops: true,
      rng: new Rng(1),
    })
      .forward(t, ei),
};
const errors: number[] = [];
for (const [name, layer] of Object.entries(layers)) {
  const y = noGrad(() => layer(x, [src, dst])).data;
  const yp = noGrad(() => layer(px, permuted)).data;
  const err = maxAbs(yp.sub(matmul(pm, y)));
  errors.push(err);
  report.note(`${name}: max |layer(Px, PAPᵀ) − P layer(x, A)| = ${err.toExponential(2)}`);
}
report.metric("largest equivariance error over the layers", Math.max(...errors), { max: 1e-5 });
const gate = new Linear(f, 1, { rng: new Rng(2) });
const readouts: Record<string, (t: Tensor) => Tensor> = {
  sum: (t) => globalAddPool(t),
  mean: (t) => globalMeanPool(t),
  max: (t) => globalMaxPool(t),
  attention: (t) => new AttentionalAggregation(gate).forward(t),
};
const invariance = Object.values(readouts).map((r) => maxAbs(noGrad(() => r(px).sub(r(x))).data));
report.metric("largest invariance error over the readouts", Math.max(...invariance), { max: 1e-5 });
await report.write();
