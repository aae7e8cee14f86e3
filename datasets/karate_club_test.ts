import assert from "node:assert/strict";
import { karateClub } from "./karate_club.ts";

// Degrees of the 34 members (0-based), as listed with Zachary's data in NetworkX.
const DEGREES = [
  16,
  9,
  10,
  6,
  3,
  4,
  4,
  4,
  5,
  2,
  3,
  1,
  2,
  5,
  2,
  2,
  2,
  2,
  2,
  3,
  2,
  2,
  2,
  5,
  3,
  3,
  2,
  4,
  3,
  4,
  4,
  6,
  12,
  17,
];

Deno.test("karateClub has 34 members, 78 friendships and the published degrees", () => {
  const { graph, weights } = karateClub();
  assert.equal(graph.numNodes, 34);
  assert.equal(graph.numEdges, 78);
  assert.deepEqual(graph.degrees().toArray(), DEGREES);
  // Zachary's numbering is 1-based: member 34 (the administrator) has 17 friends, member 1 (Mr. Hi) 16.
  assert.equal(graph.degrees().get(34 - 1), 17);
  assert.equal(graph.degrees().get(1 - 1), 16);
  assert.deepEqual(graph.neighbors(11), [0]);
  assert.equal(weights.size, 78);
  assert.equal(weights.sum().item(), 231);
  assert.equal(weights.get(0), 4);
});

Deno.test("karateClub factions: 17 members each, led by nodes 0 and 33; the graph is connected", () => {
  const { graph, labels, classes } = karateClub();
  assert.deepEqual(classes, ["Mr. Hi", "Officer"]);
  assert.equal(labels.dtype, "int32");
  assert.equal(labels.get(0), 0);
  assert.equal(labels.get(33), 1);
  assert.equal(labels.get(8), 0);
  assert.equal(labels.get(9), 1);
  assert.equal(labels.sum().item(), 17);
  // Most friendships stay within a faction: 67 of the 78 edges (11 cross the split).
  const y = labels.toArray() as number[];
  let within = 0;
  for (let e = 0; e < graph.edges.length; e += 2) {
    if (y[graph.edges[e]] === y[graph.edges[e + 1]]) within++;
  }
  assert.equal(within, 67);
  const seen = new Set([0]);
  const queue = [0];
  while (queue.length) {
    for (const v of graph.neighbors(queue.shift()!)) if (!seen.has(v)) seen.add(v), queue.push(v);
  }
  assert.equal(seen.size, 34);
});
