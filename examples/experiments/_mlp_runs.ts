// Training runs shared by the regularisation experiments: a flat Fashion-MNIST subset, an MLP
// trained by fit with a chosen optimiser and an optional penalty added to the loss, and the
// accuracy and loss of a network on a split.
import type { NDArray } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy, type Sequential } from "@nnc/layers";
import type { Optimizer } from "@nnc/optim";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { fit, type History } from "@nnc/train";
import { type ImageData, loadPixels } from "../_lib/data.ts";

/** `train` training and `test` test images of Fashion-MNIST, flat `[N, 784]` in [0, 1]. */
export function flatSubset(train: number, test: number): Promise<ImageData> {
  return loadPixels({ flat: true, limit: train, testLimit: test });
}

/** Trains `net` on the data for `epochs` epochs (batch 64), with `penalty()` added to the loss. */
export function train(
  net: Sequential,
  data: ImageData,
  optimizer: Optimizer,
  epochs: number,
  penalty?: () => Tensor,
  seed = 0,
): Promise<History> {
  return fit(net, {
    train: new DataLoader(new TensorDataset(data.train.x, data.train.y), {
      batchSize: 64,
      shuffle: true,
      seed,
    }),
    validation: [[data.test.x, data.test.y]],
    loss: penalty === undefined ? crossEntropy : (out, y) => crossEntropy(out, y).add(penalty()),
    optimizer,
    epochs,
    metrics: ["accuracy"],
    progress: "none",
  });
}

/** Accuracy and mean cross-entropy of `net` (in evaluation mode) on `x`, `y`. */
export function scoreOf(
  net: Sequential,
  x: NDArray,
  y: NDArray,
): { accuracy: number; loss: number } {
  net.eval();
  const out = noGrad(() => net.forward(new Tensor(x)));
  const loss = noGrad(() => crossEntropy(out, new Tensor(y))).item();
  const accuracy = out.data.argmax({ axis: 1 }).eq(y.astype("int32")).astype("float64").mean()
    .item();
  return { accuracy, loss };
}
