// Edge sampling shared by the block-model generators.
import type { Rng } from "@nnc/tensor";
import { Graph } from "./graph.ts";

/** Draws the edges of a block model given each node's block. */
export function sampleBlocks(
  blocks: Int32Array,
  p: readonly (readonly number[])[],
  rng: Rng,
): Graph {
  const n = blocks.length;
  const edges: number[] = [];
  for (let u = 0; u < n; u++) {
    const row = p[blocks[u]];
    for (let v = u + 1; v < n; v++) {
      const q = row[blocks[v]];
      // Probabilities 0 and 1 draw nothing, so such graphs do not depend on the generator.
      if (q >= 1 || (q > 0 && rng.random() < q)) edges.push(u, v);
    }
  }
  return new Graph(n, Int32Array.from(edges));
}
