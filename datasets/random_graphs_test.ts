import assert from "node:assert/strict";
import { randomGraphs } from "./random_graphs.ts";

Deno.test("randomGraphs alternates the classes and keeps node counts in range", () => {
  const { graphs, labels, classes } = randomGraphs({ n: 40, minNodes: 6, maxNodes: 9, seed: 1 });
  assert.deepEqual(classes, ["erdos-renyi", "two-communities"]);
  assert.deepEqual(labels.toArray(), Array.from({ length: 40 }, (_, i) => i % 2));
  const sizes = new Set(graphs.map((g) => g.numNodes));
  assert.ok([...sizes].every((m) => m >= 6 && m <= 9) && sizes.size === 4, String([...sizes]));
});

Deno.test("randomGraphs classes have equal expected density but different structure", () => {
  const { graphs, labels } = randomGraphs({
    n: 400,
    minNodes: 20,
    maxNodes: 20,
    pIn: 0.5,
    pOut: 0.1,
    seed: 2,
  });
  const density = [0, 0], across = [0, 0];
  graphs.forEach((g, i) => {
    const y = labels.get(i);
    density[y] += g.numEdges / 200;
    // Fraction of edges between the two halves (nodes 0-9 and 10-19).
    let cross = 0;
    for (let e = 0; e < g.edges.length; e += 2) {
      if ((g.edges[e] < 10) !== (g.edges[e + 1] < 10)) cross++;
    }
    across[y] += cross / Math.max(1, g.numEdges) / 200;
  });
  // Expected edges: 0.5·2·45 + 0.1·100 = 55 for both classes.
  assert.ok(Math.abs(density[0] - 55) < 1.5 && Math.abs(density[1] - 55) < 1.5, String(density));
  // Across-fraction: 100/190 ≈ 0.53 for Erdős–Rényi, 10/55 ≈ 0.18 for two communities.
  assert.ok(
    Math.abs(across[0] - 100 / 190) < 0.03 && Math.abs(across[1] - 10 / 55) < 0.03,
    String(across),
  );
  assert.throws(
    () => randomGraphs({ minNodes: 5, maxNodes: 4 }),
    /maxNodes must be an integer in \[5, 2147483647\]/,
  );
});
