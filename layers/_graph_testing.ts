// Test helpers for the graph layers: the fixture file, random graphs and node relabelling, and the
// permutation-equivariance check every layer must pass.
import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assertClose, NDArray, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { decode, type Encoded, fixtureJson } from "./_testing.ts";

/** gnn.json, written by fixtures/gnn.py. */
export interface GnnFixture {
  edgeIndex: [number[], number[]];
  numNodes: number;
  x: Encoded;
  gcn: {
    name: string;
    options: { improved: boolean; addSelfLoops: boolean; normalize: boolean };
    edgeWeight: Encoded | null;
    state: Record<string, Encoded>;
    adjacency: Encoded;
    output: Encoded;
  }[];
  gat: {
    name: string;
    heads: number;
    outChannels: number;
    concat: boolean;
    state: Record<string, Encoded>;
    alpha: Encoded;
    output: Encoded;
  }[];
  transformer: {
    name: string;
    normFirst: boolean;
    edges: [number[], number[]];
    state: Record<string, Encoded>;
    x: Encoded;
    output: Encoded;
  }[];
}

let fixture: GnnFixture | null = null;

/** The fixture, read once. */
export function gnnFixture(): GnnFixture {
  fixture ??= fixtureJson<GnnFixture>("gnn.json");
  return fixture;
}

/** A state dict from encoded tensors. */
export function stateOf(state: Record<string, Encoded>): Record<string, NDArray> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
}

/**
 * A random directed graph: `n` nodes, features `[n, f]` (float64), edges (repeats and loops
 * allowed) and a positive weight per edge.
 */
export interface RandomGraph {
  n: number;
  x: NDArray;
  edges: [number[], number[]];
  weights: NDArray;
}

/** fast-check generator of small random graphs with `f` features. */
export function graphArb(f: number, maxNodes = 7): fc.Arbitrary<RandomGraph> {
  return fc.record({
    n: fc.integer({ min: 1, max: maxNodes }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    density: fc.double({ min: 0, max: 2.5, noNaN: true }),
  }).map(({ n, seed, density }) => {
    const rng = new Rng(seed);
    const e = Math.round(density * n);
    const src = Array.from({ length: e }, () => rng.int(0, n));
    const dst = Array.from({ length: e }, () => rng.int(0, n));
    const x = new Float64Array(n * f).map(() => rng.normal());
    const weights = new Float64Array(e).map(() => rng.uniform(0.2, 2));
    return {
      n,
      x: NDArray.fromTyped(x, [n, f]),
      edges: [src, dst] as [number[], number[]],
      weights: NDArray.fromTyped(weights, [e]),
    };
  });
}

/** The graph with node `v` renamed `perm[v]`: rows of `x` moved, edges relabelled (and shuffled). */
export function relabel(g: RandomGraph, perm: readonly number[], seed: number): RandomGraph {
  const f = g.x.shape[1];
  const x = new Float64Array(g.n * f);
  for (let v = 0; v < g.n; v++) {
    for (let j = 0; j < f; j++) x[perm[v] * f + j] = g.x.data[v * f + j];
  }
  // Edge order is arbitrary too: a layer must not depend on it.
  const order = new Rng(seed).permutation(g.edges[0].length);
  const src = Array.from(order, (e) => perm[g.edges[0][e]]);
  const dst = Array.from(order, (e) => perm[g.edges[1][e]]);
  const weights = NDArray.fromTyped(Float64Array.from(order, (e) => g.weights.data[e]), [
    order.length,
  ]);
  return { n: g.n, x: NDArray.fromTyped(x, [g.n, f]), edges: [src, dst], weights };
}

/** Row `rows[i]` of `y` as row `i`. */
function takeRows(y: NDArray, rows: readonly number[]): NDArray {
  const c = y.contiguous();
  const w = c.size / c.shape[0];
  const out = new Float64Array(c.size);
  rows.forEach((r, i) => {
    for (let j = 0; j < w; j++) out[i * w + j] = c.data[c.offset + r * w + j];
  });
  return NDArray.fromTyped(out, c.shape);
}

/**
 * Property: `layer(P x, P A Pᵀ) = P layer(x, A)` on random graphs and permutations (node outputs
 * follow their nodes; edge order does not matter).
 */
export function assertEquivariant(
  f: number,
  layer: (x: Tensor, edges: [number[], number[]], weights: NDArray) => Tensor,
  runs = 40,
): void {
  fc.assert(
    fc.property(graphArb(f), fc.integer({ min: 0, max: 2 ** 30 }), (g, seed) => {
      const perm = [...new Rng(seed).permutation(g.n)];
      const y = layer(new Tensor(g.x), g.edges, g.weights).data;
      const h = relabel(g, perm, seed + 1);
      const yp = layer(new Tensor(h.x), h.edges, h.weights).data;
      // Row perm[v] of the relabelled output is row v of the original.
      assertClose(takeRows(yp, perm), y, { rtol: 1e-9, atol: 1e-10 });
    }),
    { numRuns: runs },
  );
}

/**
 * Property: a readout `(x, batch) → [G, F]` is invariant under permuting the nodes (and unchanged
 * when the nodes of each graph are shuffled among themselves).
 */
export function assertInvariant(
  f: number,
  readout: (x: Tensor, batch: NDArray, numGraphs: number) => Tensor,
  runs = 40,
): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 2 ** 30 }),
      (n, graphs, seed) => {
        const rng = new Rng(seed);
        const x = NDArray.fromTyped(new Float64Array(n * f).map(() => rng.normal()), [n, f]);
        const batch = Int32Array.from({ length: n }, () => rng.int(0, graphs));
        const y = readout(new Tensor(x), array([...batch], { dtype: "int32" }), graphs).data;
        const perm = [...rng.permutation(n)];
        const inv = new Array<number>(n);
        perm.forEach((p, v) => (inv[p] = v));
        const xp = takeRows(x, inv);
        const bp = inv.map((v) => batch[v]);
        const yp = readout(new Tensor(xp), array(bp, { dtype: "int32" }), graphs).data;
        assertClose(yp, y, { rtol: 1e-9, atol: 1e-10 });
        assert.equal(y.shape[0], graphs);
      },
    ),
    { numRuns: runs },
  );
}
