/**
 * The graph workload of bench/compare.ts, mirrored in bench/torch_worker.py (`wgcn`):
 * W-GCN, one training step of a 2-layer GCN (64 → 64 → 16, ReLU, cross-entropy over every node,
 * Adam lr 0.01) on a random graph of 100,000 nodes and 1,000,000 directed edges (no self-loops;
 * the normalisation adds one per node). Propagation is `D̃^-1/2 (A + I) D̃^-1/2` as a CSR matrix
 * computed once (GCNConv's `cached`, as PyTorch's side precomputes its `torch.sparse` matrix).
 *
 * @module
 */
import { randint, randn, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { crossEntropy, GCNConv, Module } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import type { Workload } from "./_training_workloads.ts";

/** Sizes of W-GCN. */
export const GCN_SIZES = {
  nodes: 100_000,
  edges: 1_000_000,
  features: 64,
  hidden: 64,
  classes: 16,
};

class TwoLayerGcn extends Module<[Tensor, number[][]], Tensor> {
  conv1: GCNConv;
  conv2: GCNConv;
  constructor(rng: Rng) {
    super();
    const { features, hidden, classes } = GCN_SIZES;
    this.conv1 = new GCNConv(features, hidden, { cached: true, rng });
    this.conv2 = new GCNConv(hidden, classes, { cached: true, rng });
  }
  forward(x: Tensor, edgeIndex: number[][]): Tensor {
    return this.conv2.forward(this.conv1.forward(x, edgeIndex).relu(), edgeIndex);
  }
}

/**
 * W-GCN: the step and its units (`nodes` per step).
 *
 * @example
 * ```ts ignore
 * const [step, units] = await wgcn();
 * step();
 * console.log(units.nodes); // 100000
 * ```
 */
export function wgcn(): Promise<Workload> {
  const rng = new Rng(0);
  const { nodes, edges, features, classes } = GCN_SIZES;
  const src = new Array<number>(edges), dst = new Array<number>(edges);
  for (let e = 0; e < edges; e++) {
    src[e] = rng.int(0, nodes);
    dst[e] = (src[e] + rng.int(1, nodes)) % nodes; // never a self-loop
  }
  const edgeIndex = [src, dst];
  const x = new Tensor(randn([nodes, features], { rng }));
  const y = randint(0, classes, [nodes], { rng });
  const model = new TwoLayerGcn(rng);
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  return Promise.resolve([() => {
    opt.zeroGrad();
    crossEntropy(model.forward(x, edgeIndex), y).backward();
    opt.step();
  }, { nodes }]);
}
