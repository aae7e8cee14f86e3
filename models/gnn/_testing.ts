// Test helpers of the graph models: a few Adam steps (the zoo's tests use no optimiser package)
// and the disjoint union of small graphs.
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "@nnc/autograd";
import type { Parameter } from "@nnc/layers";

/** Runs `steps` Adam steps (β = 0.9, 0.999) on `loss`; returns the first and last loss values. */
export function adamSteps(
  params: readonly Parameter[],
  loss: () => Tensor,
  steps: number,
  lr: number,
): { first: number; last: number } {
  const m = params.map((p) => nd.zerosLike(p.data)), v = params.map((p) => nd.zerosLike(p.data));
  let first = NaN, last = NaN;
  for (let t = 1; t <= steps; t++) {
    for (const p of params) p.grad = null;
    const l = loss();
    l.backward();
    last = l.item();
    if (t === 1) first = last;
    params.forEach((p, i) => {
      if (p.grad === null) return;
      m[i] = m[i].mul(0.9).add(p.grad.data.mul(0.1));
      v[i] = v[i].mul(0.999).add(p.grad.data.square().mul(0.001));
      const step = m[i].div(1 - 0.9 ** t).div(v[i].div(1 - 0.999 ** t).sqrt().add(1e-8));
      p.data = p.data.sub(step.mul(lr));
    });
  }
  return { first, last };
}

/** A small graph: node features `[n, F]` and edges (sources, targets). */
export interface SmallGraph {
  x: NDArray;
  edges: [number[], number[]];
}

/** The disjoint union: features stacked, edges shifted, and the graph of every node. */
export function union(
  graphs: readonly SmallGraph[],
): { x: NDArray; edges: number[][]; batch: number[] } {
  const src: number[] = [], dst: number[] = [], batch: number[] = [];
  let offset = 0;
  graphs.forEach((g, i) => {
    g.edges[0].forEach((s, e) => {
      src.push(s + offset);
      dst.push(g.edges[1][e] + offset);
    });
    for (let k = 0; k < g.x.shape[0]; k++) batch.push(i);
    offset += g.x.shape[0];
  });
  return { x: nd.concat(graphs.map((g) => g.x), 0), edges: [src, dst], batch };
}
