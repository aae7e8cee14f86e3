import assert from "node:assert/strict";
import { stochasticBlockModel } from "./stochastic_block_model.ts";

Deno.test("stochasticBlockModel with probabilities 0 and 1 gives disjoint cliques", () => {
  const { graph, labels } = stochasticBlockModel({ sizes: [3, 0, 4], pIn: 1, pOut: 0 });
  assert.deepEqual(labels.toArray(), [0, 0, 0, 2, 2, 2, 2]);
  assert.equal(graph.numEdges, 3 + 6);
  assert.deepEqual(graph.degrees().toArray(), [2, 2, 2, 3, 3, 3, 3]);
  const bip = stochasticBlockModel({ sizes: [2, 3], p: [[0, 1], [1, 0]] });
  assert.equal(bip.graph.numEdges, 6);
});

Deno.test("stochasticBlockModel edge counts match the block probabilities", () => {
  const { graph, labels } = stochasticBlockModel({
    sizes: [150, 150],
    p: [[0.2, 0.02], [0.02, 0.1]],
    seed: 4,
  });
  const y = labels.toArray() as number[];
  const counts = [0, 0, 0]; // within 0, across, within 1
  for (let e = 0; e < graph.edges.length; e += 2) {
    counts[y[graph.edges[e]] + y[graph.edges[e + 1]]]++;
  }
  const expected = [0.2 * 150 * 149 / 2, 0.02 * 150 * 150, 0.1 * 150 * 149 / 2];
  counts.forEach((c, k) =>
    assert.ok(
      Math.abs(c - expected[k]) < 4 * Math.sqrt(expected[k]),
      `${k}: ${c} vs ${expected[k]}`,
    )
  );
  assert.deepEqual([...graph.edges], [
    ...stochasticBlockModel({ sizes: [150, 150], p: [[0.2, 0.02], [0.02, 0.1]], seed: 4 }).graph
      .edges,
  ]);
});

Deno.test("stochasticBlockModel validates its options", () => {
  assert.throws(
    () => stochasticBlockModel({ sizes: [2, 2], p: [[1, 0], [0.5, 1]] }),
    /p must be symmetric/,
  );
  assert.throws(
    () => stochasticBlockModel({ sizes: [2, 2], p: [[1, 0]] }),
    /p must be a 2×2 matrix/,
  );
  assert.throws(
    () => stochasticBlockModel({ sizes: [2], pIn: 1.5, pOut: 0 }),
    /pIn must be a number in \[0, 1\]/,
  );
  assert.throws(() => stochasticBlockModel({ sizes: [2], pIn: 1 }), /give p, or both pIn and pOut/);
  assert.throws(() => stochasticBlockModel({ sizes: [2], p: [[1]], pIn: 1 }), /not both/);
  assert.throws(() => stochasticBlockModel({ sizes: [-1], pIn: 1, pOut: 0 }), /sizes must be/);
});
