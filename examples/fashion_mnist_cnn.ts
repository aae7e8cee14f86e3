// The benchmark CNN (W3) on Fashion-MNIST: conv(1→32, 3×3, pad 1)-ReLU-maxpool 2-conv(32→64, 3×3,
// pad 1)-ReLU-maxpool 2-flatten-linear(3136→128)-ReLU-linear(128→10); Adam (lr 1e-3, cosine-annealed
// to 0), batch 64, cross-entropy, seeded. The test set is evaluated after every epoch for the curves
// (no model selection on it). Also draws the 32 first-layer filters.
//
//   NNC_BACKEND=native deno run -A examples/fashion_mnist_cnn.ts [--epochs 10] [--batch-size 64] [--lr 0.001] [--seed 0]
// → out/fashion_mnist_cnn.txt (summary, confusion matrix), out/fashion_mnist_cnn_curves.svg,
//   out/fashion_mnist_cnn_history.csv, out/fashion_mnist_cnn_misclassified.png,
//   out/fashion_mnist_cnn_filters.png, out/fashion_mnist_cnn.safetensors
import { manualSeed, Rng } from "@nnc/tensor";
import type { Conv2d } from "@nnc/layers";
import { convNet } from "@nnc/models/cnn";
import { saveImageGrid } from "@nnc/plot";
import { flag, loadImages, preferNative, runClassifier } from "./_training.ts";

const seed = flag("seed", 0);
const backend = await preferNative();
const data = await loadImages({ flat: false, limit: flag("limit", Infinity) });
manualSeed(seed);
const model = convNet({ channels: [32, 64], hidden: [128], rng: new Rng(seed) });
await runClassifier({
  name: "fashion_mnist_cnn",
  title: "CNN conv32-conv64-fc128",
  model,
  data,
  backend,
  epochs: flag("epochs", 10),
  batchSize: flag("batch-size", 64),
  lr: flag("lr", 1e-3),
  seed,
});
const filters = (model.at(0) as Conv2d).weight.data.reshape([32, 3, 3]);
await saveImageGrid("out/fashion_mnist_cnn_filters.png", filters, {
  columns: 8,
  scale: 12,
  padding: 4,
});
console.log("wrote out/fashion_mnist_cnn_filters.png");
