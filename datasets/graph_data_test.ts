import assert from "node:assert/strict";
import { array } from "@nnc/tensor";
import { batchGraphs, GraphBatch, GraphData, GraphDataLoader } from "./graph_data.ts";
import { oneHotDegree } from "./one_hot_degree.ts";
import { Graph } from "./graph.ts";
import { karateClub } from "./karate_club.ts";

Deno.test("GraphData.fromGraph: both directions, attributes repeated, the karate club's 156 directed edges", () => {
  const { graph, labels, weights } = karateClub();
  const g = GraphData.fromGraph(graph, { y: labels, edgeAttr: weights });
  assert.equal(g.numNodes, 34);
  assert.equal(g.numEdges, 156);
  assert.equal(g.edgeAttr?.shape[0], 156);
  assert.equal(g.edgeAttr?.get(0), g.edgeAttr?.get(78));
  // Edge e and edge e + 78 are the two directions of one friendship.
  assert.equal(g.edgeIndex.get(0, 5), g.edgeIndex.get(1, 83));
});

Deno.test("batchGraphs shifts edges, concatenates features and labels, and records batch and ptr", () => {
  const a = new GraphData({ x: array([[1, 0], [0, 1]]), edgeIndex: [[0, 1], [1, 0]], y: 3 });
  const b = new GraphData({
    x: array([[5, 5], [6, 6], [7, 7]]),
    edgeIndex: [[2, 0], [1, 2]],
    y: 4,
  });
  const batch = batchGraphs([a, b, a]);
  assert.ok(batch instanceof GraphBatch);
  assert.deepEqual(batch.edgeIndex.toArray(), [[0, 1, 4, 2, 5, 6], [1, 0, 3, 4, 6, 5]]);
  assert.deepEqual(batch.batch.toArray(), [0, 0, 1, 1, 1, 2, 2]);
  assert.deepEqual(batch.ptr.toArray(), [0, 2, 5, 7]);
  assert.deepEqual(batch.y?.toArray(), [3, 4, 3]);
  assert.deepEqual(batch.x?.shape, [7, 2]);
  assert.equal(batch.numGraphs, 3);
});

Deno.test("GraphDataLoader: every graph once per epoch, reshuffled, with dropLast", () => {
  const graphs = Array.from(
    { length: 7 },
    (_, i) => new GraphData({ numNodes: i + 1, edgeIndex: [[], []], y: i }),
  );
  const loader = new GraphDataLoader(graphs, { batchSize: 3, shuffle: true, seed: 1 });
  const epochs = [0, 1].map(() => [...loader].flatMap((b) => [...b.y!.data]));
  for (const e of epochs) assert.deepEqual([...e].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.notDeepEqual(epochs[0], epochs[1]);
  assert.equal(new GraphDataLoader(graphs, { batchSize: 3, dropLast: true }).length, 2);
});

Deno.test("oneHotDegree counts in-edges and clips at maxDegree", () => {
  const star = GraphData.fromGraph(new Graph(4, [[0, 1], [0, 2], [0, 3]]));
  assert.deepEqual(oneHotDegree(star.edgeIndex, 4, 2).toArray(), [[0, 0, 1], [0, 1, 0], [0, 1, 0], [
    0,
    1,
    0,
  ]]);
  assert.throws(
    () => oneHotDegree([[0], [5]], 4, 2),
    /oneHotDegree: edgeIndex\[1\]\[0\] = 5 is outside 0\.\.3/,
  );
});

Deno.test("GraphData names the offending index, row count or empty graph", () => {
  assert.throws(
    () => new GraphData({ x: array([[1], [2]]), edgeIndex: [[0, 2], [1, 1]] }),
    /GraphData: edgeIndex\[0\]\[1\] = 2 is outside 0\.\.1 \(2 nodes\)/,
  );
  assert.throws(
    () => new GraphData({ x: array([[1], [2]]), edgeIndex: [[0, -1], [1, 1]] }),
    /edgeIndex\[0\]\[1\] = -1 is outside/,
  );
  assert.throws(
    () => new GraphData({ x: array([[1], [2]]), edgeIndex: [[0, 0.5], [1, 1]] }),
    /edgeIndex\[0\]\[1\] = 0\.5 is not an integer/,
  );
  assert.throws(
    () => new GraphData({ x: array([[1], [2]]), edgeIndex: [[0], [1]], numNodes: 3 }),
    /GraphData: x has 2 rows but the graph has 3 nodes/,
  );
  assert.throws(
    () => new GraphData({ numNodes: 0, edgeIndex: [[], []] }),
    /GraphData: the graph is empty \(0 nodes\)/,
  );
  assert.throws(
    () => new GraphData({ x: array([[1]]).slice({ stop: 0 }), edgeIndex: [[], []] }),
    /the graph is empty/,
  );
  assert.throws(
    () => new GraphData({ numNodes: 2, edgeIndex: [[0], [1]], edgeAttr: array([1, 2]) }),
    /edgeAttr must have one row per edge \(1\)/,
  );
  const a = new GraphData({ numNodes: 1, edgeIndex: [[], []], y: 1 });
  assert.throws(
    () => batchGraphs([a, new GraphData({ numNodes: 1, edgeIndex: [[], []] })]),
    /GraphBatch: y is set on 1 of 2 graphs/,
  );
  assert.throws(() => batchGraphs([]), /batchGraphs: expected a non-empty array of GraphData/);
  assert.throws(() => new GraphBatch([]), /GraphBatch: expected a non-empty array of GraphData/);
});
