import assert from "node:assert/strict";
import fc from "fast-check";
import { Graph } from "./graph.ts";

Deno.test("Graph stores each edge once with u < v and derives adjacency, degrees and edge index", () => {
  const g = new Graph(4, [[1, 0], [2, 3], [3, 0]]);
  assert.deepEqual([...g.edges], [0, 1, 2, 3, 0, 3]);
  assert.deepEqual(g.edgeList().toArray(), [[0, 1], [2, 3], [0, 3]]);
  assert.deepEqual(g.edgeIndex().toArray(), [[0, 2, 0, 1, 3, 3], [1, 3, 3, 0, 2, 0]]);
  assert.deepEqual(g.adjacency().toArray(), [[0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 0, 1], [
    1,
    0,
    1,
    0,
  ]]);
  assert.deepEqual(g.adjacency({ selfLoops: true }).get(2, 2), 1);
  assert.deepEqual(g.degrees().toArray(), [2, 1, 1, 2]);
  assert.deepEqual(g.neighbors(3), [0, 2]);
  assert.equal(new Graph(0, []).numEdges, 0);
});

Deno.test("Graph rejects self-loops, repeated edges and nodes out of range", () => {
  assert.throws(() => new Graph(3, [[0, 3]]), /edge 0 \(0, 3\) names a node outside 0..2/);
  assert.throws(() => new Graph(3, [[1, 1]]), /self-loop on node 1/);
  assert.throws(() => new Graph(3, [[0, 1], [1, 0]]), /edge 1 \(1, 0\) is repeated/);
  assert.throws(() => new Graph(3, [[0, 1.5] as [number, number]]), /pair of integer node indices/);
  assert.throws(() => new Graph(-1, []), /numNodes must be a non-negative integer/);
  assert.throws(() => new Graph(3, new Int32Array([0, 1, 2])), /odd length/);
  assert.throws(() => new Graph(3, [[0, 1]]).neighbors(3), RangeError);
});

Deno.test("property: the adjacency matrix is symmetric with row sums equal to the degrees", () => {
  const arb = fc.integer({ min: 2, max: 12 }).chain((n) =>
    fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a !== b), {
      selector: ([a, b]) => `${Math.min(a, b)},${Math.max(a, b)}`,
      maxLength: 30,
    }).map((edges) => ({ n, edges }))
  );
  fc.assert(fc.property(arb, ({ n, edges }) => {
    const g = new Graph(n, edges);
    const a = g.adjacency();
    assert.deepEqual(a.toArray(), a.transpose().toArray());
    assert.deepEqual(
      a.sum({ axis: 1 }).toArray(),
      (g.degrees().toArray() as number[]).map((d) => d),
    );
    assert.equal(g.degrees().sum().item(), 2 * edges.length);
  }));
});
