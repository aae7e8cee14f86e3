import assert from "node:assert/strict";
import { array, assertClose, Rng } from "@nnc/tensor";
import { gradcheck, Tensor } from "@nnc/autograd";
import { GATConv } from "./gat_conv.ts";
import { functionalCall } from "./functional_call.ts";
import { decode } from "./_testing.ts";
import { assertEquivariant, gnnFixture, stateOf } from "./_graph_testing.ts";

const fx = gnnFixture();
const x = decode(fx.x);

Deno.test("GATConv equals its closed form on fixed weights (NumPy, 1e-9): output and every α_ij", () => {
  for (const c of fx.gat) {
    const gat = new GATConv(4, c.outChannels, {
      heads: c.heads,
      concat: c.concat,
      dtype: "float64",
    });
    gat.loadStateDict(stateOf(c.state));
    const { out, attention } = gat.forwardWithAttention(new Tensor(x), fx.edgeIndex);
    assertClose(out.data, decode(c.output), { rtol: 1e-9, atol: 1e-9 });
    // α[i, j, h] in the fixture is the attention of node i on node j.
    const alpha = decode(c.alpha), ei = attention.edgeIndex;
    const seen = new Set<string>();
    for (let k = 0; k < ei.shape[1]; k++) {
      const j = ei.get(0, k), i = ei.get(1, k);
      seen.add(`${i},${j}`);
      for (let h = 0; h < c.heads; h++) {
        assert.ok(
          Math.abs(attention.alpha.get(k, h) - alpha.get(i, j, h)) < 1e-9,
          `${c.name} α[${i},${j},${h}]`,
        );
      }
    }
    // Every nonzero coefficient of the closed form is an edge the layer attended over.
    for (let i = 0; i < fx.numNodes; i++) {
      for (let j = 0; j < fx.numNodes; j++) {
        assert.equal(seen.has(`${i},${j}`), alpha.get(i, j, 0) > 0);
      }
    }
  }
});

Deno.test("GATConv: gradcheck in x and every parameter (both modes); equivariance", () => {
  const gat = new GATConv(4, 2, { heads: 2, dtype: "float64", rng: new Rng(1) });
  gat.loadStateDict({ bias: array([0.1, 0.2, -0.3, 0.4], { dtype: "float64" }) }, {
    strict: false,
  });
  const names = gat.namedParameters().map(([k]) => k);
  gradcheck(
    (xi, ...ps) =>
      functionalCall(gat, Object.fromEntries(names.map((k, i) => [k, ps[i]])), xi, fx.edgeIndex),
    [new Tensor(x), ...gat.parameters().map((p) => new Tensor(p.data))],
    { mode: "both" },
  );
  const mean = new GATConv(3, 2, { heads: 3, concat: false, dtype: "float64", rng: new Rng(2) });
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertEquivariant(3, (xi, edges) => mean.forward(xi, edges));
});

Deno.test("GATConv attention dropout: training drops and rescales coefficients, eval keeps them", () => {
  const gat = new GATConv(4, 3, { dropout: 0.5, dtype: "float64", rng: new Rng(3) });
  const train = gat.forwardWithAttention(new Tensor(x), fx.edgeIndex).attention.alpha.data;
  const values = [...train.data];
  assert.ok(values.some((v) => v === 0) && values.some((v) => v > 1e-12));
  gat.eval();
  const alpha = gat.forwardWithAttention(new Tensor(x), fx.edgeIndex).attention;
  // Coefficients of each target sum to 1 in eval mode.
  const sums = new Float64Array(fx.numNodes);
  for (let k = 0; k < alpha.edgeIndex.shape[1]; k++) {
    sums[alpha.edgeIndex.get(1, k)] += alpha.alpha.get(k, 0);
  }
  sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-12));
});

Deno.test("GATConv names itself and the offending index or shape", () => {
  const gat = new GATConv(4, 3, { heads: 2 });
  assert.throws(
    () => gat.forward(new Tensor(x.astype("float32")), [[0, 6], [1, 2]]),
    /GATConv\(4→2×3\): edgeIndex\[0\]\[1\] = 6 is outside 0\.\.5 \(x has 6 rows\)/,
  );
  assert.throws(
    () => gat.forward(new Tensor(array([[1, 2, 3]])), [[0], [0]]),
    /GATConv\(4→2×3\): x must have 4 channels, got \[1, 3\]/,
  );
  assert.throws(
    () => new GATConv(4, 3, { heads: 0 }),
    /GATConv: heads must be an integer >= 1, got 0/,
  );
  assert.throws(() => new GATConv(4, 3, { dropout: 1.5 }), /GATConv: dropout must be/);
  assert.equal(new GATConv(4, 3, { concat: false, heads: 2 }).bias?.shape.join(), "3");
});
