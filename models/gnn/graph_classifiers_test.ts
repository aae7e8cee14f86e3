import assert from "node:assert/strict";
import { array, assertClose, NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { bceWithLogits } from "@nnc/layers";
import {
  GraphClassifier,
  type GraphConvKind,
  type GraphReadout,
  GraphTransformerClassifier,
} from "./graph_classifiers.ts";
import { adamSteps, type SmallGraph, union } from "./_testing.ts";

/** Three small graphs with random features: a triangle (label 1), a path and a star (label 0). */
function graphs(f: number, seed: number): SmallGraph[] {
  const rng = new Rng(seed);
  const feats = (n: number) =>
    NDArray.fromTyped(new Float32Array(n * f).map(() => rng.normal()), [n, f]);
  return [
    { x: feats(3), edges: [[0, 1, 1, 2, 2, 0], [1, 0, 2, 1, 0, 2]] },
    { x: feats(4), edges: [[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]] },
    { x: feats(4), edges: [[0, 0, 0, 1, 2, 3], [1, 2, 3, 0, 0, 0]] },
  ];
}

/** The graph with its nodes renamed by `perm` (node v becomes perm[v]). */
function relabel(g: SmallGraph, perm: readonly number[]): SmallGraph {
  const f = g.x.shape[1], x = new Float32Array(g.x.size);
  perm.forEach((p, v) => x.set(g.x.data.subarray(v * f, (v + 1) * f), p * f));
  return {
    x: NDArray.fromTyped(x, g.x.shape),
    edges: [g.edges[0].map((v) => perm[v]), g.edges[1].map((v) => perm[v])],
  };
}

function run(model: GraphClassifier | GraphTransformerClassifier, list: SmallGraph[]): NDArray {
  const b = union(list);
  return noGrad(() => model.forward(new Tensor(b.x), b.edges, b.batch, list.length)).data;
}

Deno.test("GraphClassifier: a batch gives each graph's own logits, invariant to node order (every layer and readout)", () => {
  const list = graphs(3, 1);
  const kinds: GraphConvKind[] = ["gin", "gcn", "sage", "graph", "gat"];
  const readouts: GraphReadout[] = ["sum", "mean", "max", "attention"];
  kinds.forEach((conv, i) => {
    const readout = readouts[i % readouts.length];
    const model = new GraphClassifier({
      inChannels: 3,
      hiddenChannels: 6,
      numLayers: 2,
      outChannels: 2,
      conv,
      readout,
      rng: new Rng(i),
    });
    model.eval();
    const together = run(model, list);
    list.forEach((g, k) =>
      assertClose(run(model, [g]).reshape([2]), together.slice(k), { rtol: 1e-5, atol: 1e-5 })
    );
    const shuffled = list.map((g, k) => relabel(g, [...new Rng(10 + k).permutation(g.x.shape[0])]));
    assertClose(run(model, shuffled), together, { rtol: 1e-5, atol: 1e-5 });
  });
});

Deno.test("GraphTransformerClassifier: one logit per graph, invariant to node order; BCE training separates two graphs", () => {
  const list = graphs(3, 2);
  const model = new GraphTransformerClassifier({
    inChannels: 3,
    dModel: 8,
    nHead: 2,
    numLayers: 2,
    dimFeedforward: 16,
    dropout: 0,
    readout: "sum",
    rng: new Rng(5),
  });
  model.eval();
  const together = run(model, list);
  assert.deepEqual(together.shape, [3]);
  const shuffled = list.map((g, k) => relabel(g, [...new Rng(20 + k).permutation(g.x.shape[0])]));
  assertClose(run(model, shuffled), together, { rtol: 1e-5, atol: 1e-5 });
  model.train();
  const b = union(list);
  const y = new Tensor(array([1, 0, 0]));
  const { last } = adamSteps(
    model.parameters(),
    () => bceWithLogits(model.forward(new Tensor(b.x), b.edges, b.batch, 3), y),
    60,
    0.01,
  );
  assert.ok(last < 0.05, `BCE after training ${last}`);
});

Deno.test("the mock final's readout Σ_v w_vᵀ x_v + b: one weight vector per node, fixed graph size", () => {
  const model = new GraphTransformerClassifier({
    inChannels: 3,
    dModel: 4,
    nHead: 1,
    numLayers: 1,
    readout: "nodeWeights",
    numNodes: 4,
    rng: new Rng(6),
  });
  assert.deepEqual(model.head.weight.shape, [1, 16]);
  const list = graphs(3, 3).slice(1); // two graphs of 4 nodes
  assert.deepEqual(run(model, list).shape, [2]);
  assert.throws(
    () => run(model, graphs(3, 3)),
    /readout "nodeWeights" needs graphs of 4 nodes, got 11 nodes/,
  );
  assert.throws(
    () => new GraphTransformerClassifier({ inChannels: 3, readout: "nodeWeights" }),
    /numNodes must be an integer >= 1/,
  );
  assert.throws(
    () => new GraphClassifier({ inChannels: 3, outChannels: 2, conv: "cheb" as GraphConvKind }),
    /GraphClassifier: conv must be one of/,
  );
});
