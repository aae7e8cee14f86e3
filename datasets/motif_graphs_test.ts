import assert from "node:assert/strict";
import { motifGraphs } from "./motif_graphs.ts";

Deno.test("motifGraphs: a preferential-attachment tree plus one motif per graph, labels cycling", () => {
  const { graphs, labels, classes } = motifGraphs({
    n: 60,
    motifs: ["house", "cycle", "clique", "star", "grid"],
    seed: 3,
  });
  assert.deepEqual(classes, ["house", "cycle", "clique", "star", "grid"]);
  const extra = { house: 1, cycle: 0, clique: 2, star: -1, grid: 1 } as const;
  const sizes = { house: 5, cycle: 5, clique: 4, star: 5, grid: 6 } as const;
  graphs.forEach((g, i) => {
    const m = classes[labels.get(i)];
    assert.equal(labels.get(i), i % 5);
    // tree (b − 1 edges) + motif edges + 1 link: E − N = motif edges − motif nodes.
    assert.equal(g.numEdges - g.numNodes, extra[m], `graph ${i} (${m})`);
    const base = g.numNodes - sizes[m];
    assert.ok(base >= 10 && base <= 20);
    // Connected: a breadth-first search from node 0 reaches every node.
    const seen = new Set([0]), queue = [0];
    while (queue.length) {
      for (const v of g.neighbors(queue.pop()!)) if (!seen.has(v)) seen.add(v), queue.push(v);
    }
    assert.equal(seen.size, g.numNodes);
  });
  // Seeded: the same graphs again.
  const again = motifGraphs({
    n: 60,
    motifs: ["house", "cycle", "clique", "star", "grid"],
    seed: 3,
  });
  assert.deepEqual([...again.graphs[7].edges], [...graphs[7].edges]);
});

Deno.test("motifGraphs checks its options", () => {
  assert.throws(
    () => motifGraphs({ motifs: ["house", "hexagon" as "house"] }),
    /motifGraphs: motifs must be distinct names among house, cycle, clique, star, grid/,
  );
  assert.throws(() => motifGraphs({ motifs: ["house", "house"] }), /motifs must be distinct/);
  assert.throws(
    () => motifGraphs({ minBase: 5, maxBase: 4 }),
    /motifGraphs: maxBase must be an integer in \[5, 2147483647\]/,
  );
});

Deno.test("motifGraphs names itself for motifs that are not a list of names", () => {
  for (const motifs of [0.5, {}, "house", [Object.create(null)]]) {
    assert.throws(
      () => motifGraphs({ motifs: motifs as never }),
      /^TypeError: motifGraphs: motifs must be distinct names among/,
    );
  }
});
