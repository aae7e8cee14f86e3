// The Fashion-MNIST CNN of the robustness and insight experiments: the demo's conv net
// (conv 32-conv 64-fc 128) on pixels in [0, 1] (no standardisation: the attacks' box is [0, 1]),
// trained with Adam, or loaded from the cache a previous run left in out/experiments/.
import { type NDArray, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { crossEntropy, loadModel, saveModel, type Sequential } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { fit, predict } from "@nnc/train";
import { convNet } from "@nnc/models/cnn";
import type { ExampleReport } from "../_lib/report.ts";
import { type ImageData, loadPixels } from "../_lib/data.ts";

/** The data and the trained network. */
export interface FashionCnn {
  data: ImageData;
  model: Sequential;
  /** Test accuracy of the network on the whole test split loaded. */
  testAccuracy: number;
  /** How the network was obtained (trained now, or loaded from the cache). */
  origin: string;
}

/** Accuracy of `model` on images `x` with labels `y`, in batches. */
export function accuracyOf(model: Sequential, x: NDArray, y: NDArray): number {
  const pred = predict(model, x, { batchSize: 500 }).argmax({ axis: 1 });
  return pred.eq(y.astype("int32")).astype("float64").mean().item();
}

/**
 * Loads the data (1,000 training and 500 test images in quick mode) and the CNN: from
 * `out/experiments/fashion_cnn[_quick].safetensors` when a previous run saved it with the same
 * settings, else trained for `epochs` epochs (3 by default, 1 in quick mode) and saved there.
 */
export async function fashionCnn(
  report: ExampleReport,
  options: { epochs?: number; seed?: number } = {},
): Promise<FashionCnn> {
  const quick = report.quick;
  const seed = options.seed ?? 0, epochs = options.epochs ?? (quick ? 1 : 3);
  const data = await loadPixels({
    flat: false,
    limit: quick ? 1000 : Infinity,
    testLimit: quick ? 500 : Infinity,
  });
  const model = convNet({ channels: [32, 64], hidden: [128], rng: new Rng(seed) });
  const tag = `${data.synthetic ? "synthetic" : "fashion"}_cnn${
    quick ? "_quick" : ""
  }_e${epochs}_s${seed}`;
  const cache = `${report.dir}/${tag}.safetensors`;
  let origin: string;
  try {
    await loadModel(cache, model);
    origin = `loaded from ${cache} (delete it to train again)`;
  } catch {
    const t0 = performance.now();
    await fit(model, {
      train: new DataLoader(new TensorDataset(data.train.x, data.train.y), {
        batchSize: 64,
        shuffle: true,
        seed,
      }),
      loss: crossEntropy,
      optimizer: new Adam(model.parameters(), { lr: 1e-3 }),
      epochs,
      progress: quick ? "none" : "auto",
    });
    await saveModel(cache, model);
    origin = `trained now: Adam lr 1e-3, batch 64, ${epochs} epoch(s), ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s; saved to ${cache}`;
  }
  model.eval();
  return { data, model, testAccuracy: accuracyOf(model, data.test.x, data.test.y), origin };
}

/** The first `n` test images and labels. */
export function testSubset(data: ImageData, n: number): { x: NDArray; y: NDArray } {
  const m = Math.min(n, data.test.y.shape[0]);
  return {
    x: data.test.x.slice({ start: 0, stop: m }),
    y: data.test.y.slice({ start: 0, stop: m }),
  };
}

/** Predicted classes of a batch. */
export function classesOf(model: Sequential, x: NDArray | Tensor): number[] {
  const xs = x instanceof Tensor ? x.data : x;
  return Array.from(predict(model, xs, { batchSize: 500 }).argmax({ axis: 1 }).data as Int32Array);
}
