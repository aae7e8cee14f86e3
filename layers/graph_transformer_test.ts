import assert from "node:assert/strict";
import { array, assertClose, Rng } from "@nnc/tensor";
import { gradcheck, Tensor } from "@nnc/autograd";
import { GraphTransformerLayer } from "./graph_transformer.ts";
import { GraphMultiheadAttention } from "./graph_attention.ts";
import { functionalCall } from "./functional_call.ts";
import { decode } from "./_testing.ts";
import { assertEquivariant, gnnFixture, stateOf } from "./_graph_testing.ts";

const fx = gnnFixture();

Deno.test("GraphTransformerLayer equals PyTorch's TransformerEncoderLayer masked to the graph (post-LN and pre-LN)", () => {
  for (const c of fx.transformer) {
    const layer = new GraphTransformerLayer(8, 2, {
      dimFeedforward: 16,
      normFirst: c.normFirst,
      dtype: "float64",
    });
    layer.loadStateDict(stateOf(c.state));
    layer.eval();
    // The mock final's graph transformer (001-004 Q7), checked against PyTorch.
    assertClose(layer.forward(new Tensor(decode(c.x)), c.edges).data, decode(c.output), {
      rtol: 1e-9,
      atol: 1e-9,
    });
  }
  assert.deepEqual(
    Object.keys(new GraphTransformerLayer(4, 2).stateDict()),
    Object.keys(fx.transformer[0].state),
  );
});

Deno.test("graph self-attention: α over each node's in-edges sums to 1 and uses the 1/√d_k scale", () => {
  // One head of width 1 with W^Q = W^K = W^V = 1 and no biases: α_ij ∝ exp(x_i x_j), s_i = Σ α_ij x_j.
  const attn = new GraphMultiheadAttention(1, 1, { bias: false, dtype: "float64" });
  attn.loadStateDict({
    in_proj_weight: array([[1], [1], [1]], { dtype: "float64" }),
    "out_proj.weight": array([[1]], { dtype: "float64" }),
  });
  const x = array([[1], [2], [-1]], { dtype: "float64" });
  // Node 0 attends to 1 and 2; node 1 to 0; node 2 to nothing.
  const { out, attention } = attn.forwardWithAttention(new Tensor(x), [[1, 2, 0], [0, 0, 1]]);
  const a = Math.exp(1 * 2), b = Math.exp(1 * -1);
  assertClose(out.data, array([[(2 * a - b) / (a + b)], [1], [0]], { dtype: "float64" }), {
    atol: 1e-14,
  });
  assert.deepEqual(attention.edgeIndex.toArray(), [[1, 2, 0], [0, 0, 1]]);
  // With two features in one head the scores are divided by √2.
  const wide = new GraphMultiheadAttention(2, 1, { bias: false, dtype: "float64" });
  wide.loadStateDict({
    in_proj_weight: array([[1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [0, 1]], { dtype: "float64" }),
    "out_proj.weight": array([[1, 0], [0, 1]], { dtype: "float64" }),
  });
  const alpha =
    wide.forwardWithAttention(new Tensor(array([[1, 1], [1, 0], [0, 0]], { dtype: "float64" })), [[
      1,
      2,
    ], [0, 0]])
      .attention.alpha;
  const p = 1 / (1 + Math.exp(-1 / Math.SQRT2)); // softmax of (1/√2, 0)
  assertClose(alpha.data, array([[p], [1 - p]], { dtype: "float64" }), { atol: 1e-14 });
});

Deno.test("GraphTransformerLayer: gradcheck (both modes) and permutation equivariance", () => {
  const layer = new GraphTransformerLayer(4, 2, {
    dimFeedforward: 6,
    dropout: 0,
    addSelfLoops: true,
    dtype: "float64",
    rng: new Rng(4),
  });
  const names = layer.namedParameters().map(([k]) => k);
  const x = new Tensor(
    array([[1, 0.5, -1, 2], [0, 1, 1, -0.5], [2, -1, 0.3, 0.1]], { dtype: "float64" }),
  );
  gradcheck(
    (xi, ...ps) =>
      functionalCall(layer, Object.fromEntries(names.map((k, i) => [k, ps[i]])), xi, [[0, 1, 2], [
        1,
        2,
        0,
      ]]),
    [x, ...layer.parameters().map((p) => new Tensor(p.data))],
    { mode: "both", atol: 1e-5, rtol: 1e-3 },
  );
  const pre = new GraphTransformerLayer(3, 1, {
    dimFeedforward: 5,
    dropout: 0,
    normFirst: true,
    dtype: "float64",
    rng: new Rng(5),
  });
  // The notes' E18 demo: invariance and equivariance under node permutations.
  assertEquivariant(4, (xi, edges) => layer.forward(xi, edges));
  assertEquivariant(3, (xi, edges) => pre.forward(xi, edges));
});

Deno.test("graph attention names itself and the offending value", () => {
  assert.throws(
    () => new GraphMultiheadAttention(6, 4),
    /GraphMultiheadAttention: embedDim 6 is not divisible by numHeads 4/,
  );
  const layer = new GraphTransformerLayer(4, 2);
  assert.throws(
    () => layer.forward(new Tensor(array([[1, 2, 3]])), [[0], [0]]),
    /GraphTransformerLayer\(4\): x must have 4 channels, got \[1, 3\]/,
  );
  assert.throws(
    () => layer.forward(new Tensor(array([[1, 2, 3, 4]])), [[0], [1]]),
    /GraphMultiheadAttention\(4, heads=2\): edgeIndex\[1\]\[0\] = 1 is outside 0\.\.0/,
  );
});
