import assert from "node:assert/strict";
import { assertClose, matmul, NDArray, Rng } from "@nnc/tensor";
import { gradcheck, Tensor } from "@nnc/autograd";
import { SAGEConv } from "./sage_conv.ts";
import { functionalCall } from "./functional_call.ts";
import { assertEquivariant, gnnFixture } from "./_graph_testing.ts";
import { decode } from "./_testing.ts";

const fx = gnnFixture();
const x = decode(fx.x);

function adjacency(): NDArray {
  const a = new Float64Array(fx.numNodes ** 2);
  fx.edgeIndex[0].forEach((j, e) => (a[fx.edgeIndex[1][e] * fx.numNodes + j] += 1));
  return NDArray.fromTyped(a, [fx.numNodes, fx.numNodes]);
}

Deno.test("SAGEConv equals W₂ mean_j x_j + b + W₁ x, and unit rows with normalize", () => {
  const conv = new SAGEConv(4, 3, { dtype: "float64", rng: new Rng(6) });
  const a = adjacency();
  const mean = matmul(a, x).div(a.sum({ axis: 1, keepDims: true }).maximum(1));
  const want = matmul(mean, conv.linL.weight.data.T).add(conv.linL.bias!.data).add(
    matmul(x, conv.linR!.weight.data.T),
  );
  assertClose(conv.forward(new Tensor(x), fx.edgeIndex).data, want, { rtol: 1e-12, atol: 1e-12 });
  assert.deepEqual(Object.keys(conv.stateDict()), ["lin_l.weight", "lin_l.bias", "lin_r.weight"]);
  const unit = new SAGEConv(4, 3, {
    normalize: true,
    rootWeight: false,
    dtype: "float64",
    rng: new Rng(6),
  });
  const y = unit.forward(new Tensor(x), fx.edgeIndex).data;
  const norms = y.square().sum({ axis: 1 }).sqrt().toArray() as number[];
  // Node 5 receives no message and has no root weight: its row is the bias alone, scaled to 1.
  norms.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-12));
});

Deno.test("SAGEConv: gradcheck (both modes) and permutation equivariance for mean and max", () => {
  const conv = new SAGEConv(4, 2, { normalize: true, dtype: "float64", rng: new Rng(7) });
  const names = conv.namedParameters().map(([k]) => k);
  gradcheck(
    (xi, ...ps) =>
      functionalCall(conv, Object.fromEntries(names.map((k, i) => [k, ps[i]])), xi, fx.edgeIndex),
    [new Tensor(x), ...conv.parameters().map((p) => new Tensor(p.data))],
    { mode: "both" },
  );
  const max = new SAGEConv(3, 2, { aggr: "max", dtype: "float64", rng: new Rng(8) });
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertEquivariant(3, (xi, edges) => max.forward(xi, edges));
  assertEquivariant(4, (xi, edges) => conv.forward(xi, edges));
});

Deno.test("SAGEConv names itself and the offending shape", () => {
  assert.throws(
    () => new SAGEConv(4, 3).forward(new Tensor(x.slice(null, { stop: 2 })), [[0], [0]]),
    /SAGEConv\(4→3\): x must have 4 channels, got \[6, 2\]/,
  );
  assert.throws(
    () => new SAGEConv(4, 3, { aggr: "median" as "mean" }),
    /SAGEConv: aggr must be one of/,
  );
});
