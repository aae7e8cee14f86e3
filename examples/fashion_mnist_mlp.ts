// An MLP 784-256-128-10 (ReLU) on Fashion-MNIST: Adam (lr 1e-3, cosine-annealed to 0 over the run),
// batch 128, cross-entropy, seeded. After every epoch the test set is evaluated for the curves (no
// model selection is done on it); the final model's test accuracy and confusion matrix are reported.
//
//   deno run -A examples/fashion_mnist_mlp.ts [--epochs 10] [--batch-size 128] [--lr 0.001] [--seed 0]
//   NNC_BACKEND=js deno run -A examples/fashion_mnist_mlp.ts   (force the JS backend)
// → out/fashion_mnist_mlp.txt (summary, confusion matrix), out/fashion_mnist_mlp_curves.svg,
//   out/fashion_mnist_mlp_history.csv, out/fashion_mnist_mlp_misclassified.png, out/fashion_mnist_mlp.safetensors
import { manualSeed, Rng } from "@nnc/tensor";
import { mlp } from "@nnc/models/mlp";
import { flag, loadImages, preferNative, runClassifier } from "./_training.ts";

const seed = flag("seed", 0);
const backend = await preferNative();
const data = await loadImages({ flat: true, limit: flag("limit", Infinity) });
manualSeed(seed);
await runClassifier({
  name: "fashion_mnist_mlp",
  title: "MLP 784-256-128-10",
  model: mlp([784, 256, 128, 10], { rng: new Rng(seed) }),
  data,
  backend,
  epochs: flag("epochs", 10),
  batchSize: flag("batch-size", 128),
  lr: flag("lr", 1e-3),
  seed,
});
