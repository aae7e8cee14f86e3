// The linear-regions-over-training run (000 E2, item 6): a ReLU MLP 2-32-32-32-32-1 trained by SGD
// (MSE, lr 0.1, batch 32) on 1,000 points of f(x, y) = sin 3x · cos 3y in [−1, 1]², its regions on
// [−1, 1]² counted on a grid after every epoch. Shared by the example and its test.
import { NDArray, Rng } from "@nnc/tensor";
import { mseLoss, type Sequential } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { fit } from "@nnc/train";
import { mlp } from "@nnc/models/mlp";
import { countLinearRegions, type GridRegions } from "@nnc/models/insight";

/** What happened at each epoch (0 = before training). */
export interface RegionsRun {
  net: Sequential;
  counts: number[];
  /** Training MSE of epochs 1… */
  losses: number[];
  /** The grids at the epochs asked for in `keep`. */
  grids: Map<number, GridRegions>;
}

/** Trains for `epochs` epochs, counting regions at `resolution`² grid points before and after each. */
export async function regionsDuringTraining(
  epochs: number,
  resolution: number,
  keep: readonly number[] = [],
  onEpoch?: (epoch: number, net: Sequential) => void,
): Promise<RegionsRun> {
  const rng = new Rng(1);
  const n = 1000;
  const xs = new Float32Array(2 * n), ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1), b = rng.uniform(-1, 1);
    xs[2 * i] = a;
    xs[2 * i + 1] = b;
    ys[i] = Math.sin(3 * a) * Math.cos(3 * b);
  }
  const net = mlp([2, 32, 32, 32, 32, 1], { rng: new Rng(0) });
  const loader = new DataLoader(
    new TensorDataset(NDArray.fromTyped(xs, [n, 2]), NDArray.fromTyped(ys, [n, 1])),
    { batchSize: 32, shuffle: true, seed: 0 },
  );
  const optimizer = new SGD(net.parameters(), { lr: 0.1 });
  const bounds = [[-1, 1], [-1, 1]] as const;
  const counts: number[] = [], losses: number[] = [], grids = new Map<number, GridRegions>();
  for (let epoch = 0; epoch <= epochs; epoch++) {
    if (epoch > 0) {
      const h = await fit(net, {
        train: loader,
        loss: mseLoss,
        optimizer,
        epochs: 1,
        progress: "none",
      });
      losses.push(h.last()!.loss);
    }
    const grid = countLinearRegions(net, { bounds, resolution });
    counts.push(grid.count);
    if (keep.includes(epoch)) grids.set(epoch, grid);
    onEpoch?.(epoch, net);
  }
  return { net, counts, losses, grids };
}
