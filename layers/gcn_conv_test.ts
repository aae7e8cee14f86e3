import assert from "node:assert/strict";
import { array, assertClose, linalg, NDArray, Rng } from "@nnc/tensor";
import { gradcheck, Tensor, tensor } from "@nnc/autograd";
import { GCNConv } from "./gcn_conv.ts";
import { gcnNorm, normalizedAdjacency } from "./gcn_norm.ts";
import { decode } from "./_testing.ts";
import { functionalCall } from "./functional_call.ts";
import { assertEquivariant, gnnFixture, stateOf } from "./_graph_testing.ts";

const fx = gnnFixture();
const x = decode(fx.x);

Deno.test("GCNConv equals D^-1/2 Â D^-1/2 X Wᵀ + b on fixed weights (NumPy closed form, 1e-9)", () => {
  for (const c of fx.gcn) {
    const conv = new GCNConv(4, 3, { ...c.options, dtype: "float64" });
    conv.loadStateDict(stateOf(c.state));
    const w = c.edgeWeight === null ? null : decode(c.edgeWeight);
    const y = conv.forward(new Tensor(x), fx.edgeIndex, w);
    assertClose(y.data, decode(c.output), { rtol: 1e-9, atol: 1e-9 });
    // The same layer reads an int32 edge index, and cached gives the same on every call.
    const cached = new GCNConv(4, 3, { ...c.options, cached: true, dtype: "float64" });
    cached.loadStateDict(stateOf(c.state));
    const ei = array(fx.edgeIndex, { dtype: "int32" });
    for (let i = 0; i < 2; i++) {
      assertClose(cached.forward(new Tensor(x), ei, w).data, decode(c.output), {
        rtol: 1e-9,
        atol: 1e-9,
      });
    }
    if (c.options.normalize) {
      const adj = normalizedAdjacency(fx.edgeIndex, fx.numNodes, {
        edgeWeight: w,
        addSelfLoops: c.options.addSelfLoops,
        fillValue: c.options.improved ? 2 : 1,
        dtype: "float64",
      });
      assertClose(adj.toDense(), decode(c.adjacency), { rtol: 1e-12, atol: 1e-15 });
    }
  }
});

Deno.test("cached GCN layers over one edge-index object share its matrix and stay exact", () => {
  const c = fx.gcn[0];
  const ei = array(fx.edgeIndex, { dtype: "int32" });
  const first = new GCNConv(4, 3, { cached: true, dtype: "float64" });
  const second = new GCNConv(4, 3, { cached: true, dtype: "float64" });
  first.loadStateDict(stateOf(c.state));
  second.loadStateDict(stateOf(c.state));
  first.forward(new Tensor(x), ei);
  // The second layer takes the first one's matrix: same result as the closed form.
  assertClose(second.forward(new Tensor(x), ei).data, decode(c.output), { rtol: 1e-9, atol: 1e-9 });
  // Other settings on the same edges build their own matrix.
  const improved = new GCNConv(4, 3, { cached: true, improved: true, dtype: "float64" });
  improved.loadStateDict(stateOf(fx.gcn[2].state));
  assertClose(improved.forward(new Tensor(x), ei).data, decode(fx.gcn[2].output), {
    rtol: 1e-9,
    atol: 1e-9,
  });
});

Deno.test("notes' graph A1: c_uv = 1/√(deg u · deg v) on its six edges (no self-loops)", () => {
  // A1 (1-based): 1-2, 2-3, 2-4, 2-5, 3-4, 4-5; degrees (1, 4, 2, 3, 2).
  const pairs = [[1, 2], [2, 3], [2, 4], [2, 5], [3, 4], [4, 5]].map(([u, v]) => [u - 1, v - 1]);
  const src = pairs.flatMap(([u, v]) => [u, v]), dst = pairs.flatMap(([u, v]) => [v, u]);
  const { weight } = gcnNorm([src, dst], 5, { addSelfLoops: false, dtype: "float64" });
  // spec: 000-003/3.13
  const table = [0.5, 0.353553, 0.288675, 0.353553, 0.408248, 0.408248];
  table.forEach((c, e) => {
    assert.ok(Math.abs(weight.get(2 * e) - c) < 5e-7, `edge ${e}: ${weight.get(2 * e)} vs ${c}`);
    assert.equal(weight.get(2 * e + 1), weight.get(2 * e)); // symmetric
  });
});

Deno.test("notes' graphs A1 and A2: exactly two permutations map one onto the other; GCN follows them", () => {
  const adj = (pairs: number[][]) => {
    const a = new Float64Array(25);
    for (const [u, v] of pairs) a[(u - 1) * 5 + v - 1] = a[(v - 1) * 5 + u - 1] = 1;
    return NDArray.fromTyped(a, [5, 5]);
  };
  const a1 = adj([[1, 2], [2, 3], [2, 4], [2, 5], [3, 4], [4, 5]]);
  const a2 = adj([[1, 2], [1, 3], [2, 3], [2, 4], [2, 5], [3, 4]]);
  const perms: number[][] = [];
  const search = (prefix: number[]) => {
    if (prefix.length === 5) {
      // P[j][i] = 1 for i ↦ j: (P A1 Pᵀ)[p(i)][p(j)] = A1[i][j] must equal A2.
      const ok = [0, 1, 2, 3, 4].every((i) =>
        [0, 1, 2, 3, 4].every((j) => a1.get(i, j) === a2.get(prefix[i], prefix[j]))
      );
      if (ok) perms.push(prefix.map((v) => v + 1));
      return;
    }
    for (let v = 0; v < 5; v++) if (!prefix.includes(v)) search([...prefix, v]);
  };
  search([]);
  // spec: 000-003/3.13
  assert.deepEqual(perms, [[5, 2, 1, 3, 4], [5, 2, 4, 3, 1]]);
  // The degrees (1, 4, 2, 3, 2) and (2, 4, 3, 2, 1) are permuted alike, and a GCN's outputs too.
  assert.deepEqual(a1.sum({ axis: 1 }).toArray(), [1, 4, 2, 3, 2]);
  assert.deepEqual(a2.sum({ axis: 1 }).toArray(), [2, 4, 3, 2, 1]);
  const edges = (a: NDArray) => {
    const e: number[][] = [[], []];
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) if (a.get(i, j)) e[0].push(j), e[1].push(i);
    }
    return e;
  };
  const conv = new GCNConv(2, 3, { dtype: "float64", rng: new Rng(9) });
  const x1 = array([[1, 0], [0.5, 2], [-1, 1], [3, -2], [0, 0.25]], { dtype: "float64" });
  const p = perms[0].map((v) => v - 1);
  const x2 = NDArray.fromTyped(new Float64Array(10), [5, 2]);
  p.forEach((j, i) => x2.data.set(x1.data.subarray(2 * i, 2 * i + 2), 2 * j));
  const y1 = conv.forward(new Tensor(x1), edges(a1)).data,
    y2 = conv.forward(new Tensor(x2), edges(a2)).data;
  p.forEach((j, i) => assertClose(y2.slice(j), y1.slice(i), { atol: 1e-12 }));
});

Deno.test("path graph 0–1–2: Q = D̃^-1/2 (A+I) D̃^-1/2 and its eigenvalues {−1/6, 1/2, 1}", () => {
  const q = normalizedAdjacency([[0, 1, 1, 2], [1, 0, 2, 1]], 3, { dtype: "float64" }).toDense();
  const s6 = 1 / Math.sqrt(6);
  // spec: 001-004/A3.gcn-path
  assertClose(q, array([[1 / 2, s6, 0], [s6, 1 / 3, s6], [0, s6, 1 / 2]], { dtype: "float64" }), {
    atol: 1e-15,
  });
  assertClose(linalg.eigh(q).values, array([-1 / 6, 1 / 2, 1], { dtype: "float64" }), {
    atol: 1e-12,
  });
  // Without the renormalisation trick, I + D^-1/2 A D^-1/2 has eigenvalues {0, 1, 2}.
  const plain = normalizedAdjacency([[0, 1, 1, 2], [1, 0, 2, 1]], 3, {
    dtype: "float64",
    addSelfLoops: false,
  }).toDense();
  const eye = array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], { dtype: "float64" });
  assertClose(linalg.eigh(plain.add(eye)).values, array([0, 1, 2], { dtype: "float64" }), {
    atol: 1e-12,
  });
});

Deno.test("normalisations: random-walk rows sum to 1; an isolated node gets 0, not NaN", () => {
  const rw = normalizedAdjacency([[0, 2, 1], [1, 1, 2]], 4, {
    normalization: "rw",
    addSelfLoops: false,
    dtype: "float64",
  }).toDense();
  assert.deepEqual(rw.sum({ axis: 1 }).toArray(), [0, 1, 1, 0]);
  const sym = normalizedAdjacency([[0], [1]], 3, { addSelfLoops: false, dtype: "float64" });
  assert.deepEqual(sym.toDense().toArray(), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.ok(!Number.isNaN(sym.values!.data[0]));
});

Deno.test("GCNConv: gradcheck in x, the weights, the bias and the edge weights (both modes)", () => {
  const rng = new Rng(3);
  const conv = new GCNConv(3, 2, { dtype: "float64", rng });
  const xs = new Tensor(NDArray.fromTyped(new Float64Array(4 * 3).map(() => rng.normal()), [4, 3]));
  const ei = [[0, 1, 2, 3, 3], [1, 2, 3, 0, 3]];
  const w = tensor([0.5, 1, 2, 1.5, 0.8], { dtype: "float64" });
  const b = tensor([0.1, -0.2], { dtype: "float64" });
  gradcheck(
    (xi, wi, lw, bi) => {
      const y = functionalCall(conv, { "lin.weight": lw, bias: bi }, xi, ei, wi);
      return y.mul(y); // second order in every input, so an error in either factor shows
    },
    [xs, w, new Tensor(conv.lin.weight.data), b],
    { mode: "both" },
  );
});

Deno.test("GCNConv is permutation-equivariant on random graphs (with repeated edges and loops)", () => {
  const conv = new GCNConv(3, 2, { dtype: "float64", rng: new Rng(5) });
  conv.loadStateDict({ bias: array([0.3, -0.1], { dtype: "float64" }) }, { strict: false });
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertEquivariant(3, (xi, edges) => conv.forward(xi, edges));
  assertEquivariant(3, (xi, edges, weights) => conv.forward(xi, edges, weights));
  const improved = new GCNConv(3, 2, { dtype: "float64", improved: true, rng: new Rng(6) });
  assertEquivariant(3, (xi, edges, weights) => improved.forward(xi, edges, weights));
});

Deno.test("GCNConv names itself and the offending index or shape", () => {
  const conv = new GCNConv(2, 2);
  const x2 = new Tensor(array([[1, 2], [3, 4], [5, 6]]));
  assert.throws(
    () => conv.forward(x2, [[0, 3], [1, 1]]),
    /GCNConv\(2→2\): edgeIndex\[0\]\[1\] = 3 is outside 0\.\.2 \(x has 3 rows\)/,
  );
  assert.throws(() => conv.forward(x2, [[0, 1], [1, -1]]), /edgeIndex\[1\]\[1\] = -1 is outside/);
  assert.throws(
    () => conv.forward(x2, [[0, 1.5], [1, 1]]),
    /GCNConv\(2→2\): edgeIndex\[0\]\[1\] = 1\.5 is not an integer/,
  );
  assert.throws(
    () => conv.forward(x2, array([[0.5, 1], [1, 2]])),
    /edgeIndex\[0\]\[0\] = 0\.5 is not an integer/,
  );
  assert.throws(
    () => conv.forward(x2, array([0, 1], { dtype: "int32" })),
    /edgeIndex must be \[2, numEdges\], got \[2\]/,
  );
  assert.throws(() => conv.forward(x2, [[0, 1], [1]]), /edgeIndex rows differ in length/);
  assert.throws(
    () => conv.forward(new Tensor(array([[1, 2, 3]])), [[0], [0]]),
    /GCNConv\(2→2\): x must have 2 channels, got \[1, 3\]/,
  );
  assert.throws(
    () => conv.forward(new Tensor(array([1, 2])), [[0], [0]]),
    /x must be 2-d \[numNodes, 2\], got \[2\]/,
  );
  assert.throws(
    () => conv.forward(new Tensor(array([[1, 2]]).slice({ stop: 0 })), [[], []]),
    /the graph is empty \(x has 0 rows\)/,
  );
  assert.throws(
    () => conv.forward(x2, [[0, 1], [1, 2]], array([1, 2, 3])),
    /edgeWeight must be \[numEdges\] = \[2\], got \[3\]/,
  );
  assert.throws(() => new GCNConv(0, 2), /GCNConv: inChannels must be an integer >= 1, got 0/);
  const cached = new GCNConv(2, 2, { cached: true });
  cached.forward(x2, [[0], [1]]);
  assert.throws(
    () => cached.forward(new Tensor(array([[1, 2]])), [[0], [0]]),
    /cached for a graph of 3 nodes, got x with 1 rows/,
  );
  // A graph with nodes but no edges is fine: every node keeps only its self-loop.
  assert.deepEqual(conv.forward(x2, [[], []]).shape, [3, 2]);
});
