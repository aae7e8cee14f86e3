// Simple checks of GAN samples without a trained classifier: diversity (mode collapse shows as a
// small mean pairwise distance) and, for conditional GANs, whether each class's samples look most
// like that class's training images.
import { matmul, type NDArray } from "@nnc/tensor";

/** Mean Euclidean distance between the rows of `x` (`[n, …]`, flattened), over all pairs. */
export function diversity(x: NDArray): number {
  const n = x.shape[0];
  const flat = x.reshape([n, -1]).astype("float64");
  const sq = flat.square().sum({ axis: 1 });
  const gram = matmul(flat, flat.T);
  const d2 = sq.reshape([n, 1]).add(sq.reshape([1, n])).sub(gram.mul(2)).clamp(0);
  return d2.sqrt().sum().item() / (n * (n - 1));
}

/**
 * The share of classes whose mean generated image is closer (Euclidean) to the mean training
 * image of the same class than to any other class's mean.
 */
export function classMatch(generatedMeans: NDArray, dataMeans: NDArray): number {
  const k = generatedMeans.shape[0];
  const g = generatedMeans.reshape([k, -1]).astype("float64");
  const d = dataMeans.reshape([k, -1]).astype("float64");
  let hits = 0;
  for (let c = 0; c < k; c++) {
    const dist = d.sub(g.slice(c).reshape([1, -1])).square().sum({ axis: 1 }).toArray() as number[];
    if (dist.indexOf(Math.min(...dist)) === c) hits++;
  }
  return hits / k;
}
