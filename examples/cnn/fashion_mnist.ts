// The benchmark CNN (W3) on Fashion-MNIST: conv(1→32, 3×3, pad 1)-ReLU-maxpool 2-conv(32→64, 3×3,
// pad 1)-ReLU-maxpool 2-flatten-linear(3136→128)-ReLU-linear(128→10); Adam (lr 1e-3, cosine-annealed
// to 0), batch 64, cross-entropy, seeded. The test set is evaluated after every epoch for the curves
// (no model selection on it). Also draws the 32 first-layer filters and the distribution of each
// layer's weights.
//
//   NNC_BACKEND=native deno run -A examples/cnn/fashion_mnist.ts [--epochs 10] [--batch-size 64] [--lr 0.001] [--seed 0]
//   deno run -A examples/cnn/fashion_mnist.ts --quick   (seconds: 1,000 images, one epoch)
// → out/cnn/fashion_mnist_cnn.txt (summary, confusion matrix), fashion_mnist_cnn_curves.svg,
//   fashion_mnist_cnn_confusion.svg, fashion_mnist_cnn_history.csv, fashion_mnist_cnn_misclassified.png,
//   fashion_mnist_cnn_filters.png, fashion_mnist_cnn_weights.svg, fashion_mnist_cnn.safetensors,
//   fashion_mnist.summary.json
import { manualSeed, Rng } from "@nnc/tensor";
import type { Conv2d } from "@nnc/layers";
import { convNet } from "@nnc/models/cnn";
import { histogramChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { loadImages } from "../_lib/data.ts";
import { runClassifier } from "../_lib/training.ts";

const report = new ExampleReport("cnn", "fashion_mnist");
const seed = numberFlag("seed", 0);
const backend = await preferNative();
// Quick mode: 1,000 training and test images (500 on the JS backend, where convolutions are slow).
const quickSize = backend.startsWith("native") ? 1000 : 500;
const limit = numberFlag("limit", report.quick ? quickSize : Infinity);
const data = await loadImages({ flat: false, limit, testLimit: report.quick ? quickSize : limit });
manualSeed(seed);
const model = convNet({ channels: [32, 64], hidden: [128], rng: new Rng(seed) });
await runClassifier(report, {
  name: "fashion_mnist_cnn",
  title: "CNN conv32-conv64-fc128",
  model,
  data,
  backend,
  epochs: numberFlag("epochs", report.quick ? 1 : 10),
  batchSize: numberFlag("batch-size", 64),
  lr: numberFlag("lr", 1e-3),
  seed,
  // Ten classes: chance is 0.1; ≈ 0.93 after 10 epochs on the full set.
  minAccuracy: report.quick ? 0.3 : 0.9,
});
const filters = (model.at(0) as Conv2d).weight.data.reshape([32, 3, 3]);
await saveImageGrid(report.path("fashion_mnist_cnn_filters.png"), filters, {
  columns: 8,
  scale: 12,
  padding: 4,
  captions: Array.from({ length: 32 }, (_, i) => String(i + 1)),
});
// Each layer's weights, as densities on shared bins: PyTorch's default initialisation, U(±1/√fan-in),
// makes them narrower the more inputs a unit has (3136 for the first linear layer).
const weights = model.namedParameters().filter(([name]) => name.endsWith("weight"));
await saveSvg(
  report.path("fashion_mnist_cnn_weights.svg"),
  await histogramChart(
    weights.map(([name, p]) => ({ name: `${name} [${p.shape.join(", ")}]`, values: p.data })),
    {
      bins: 80,
      range: [-0.4, 0.4],
      density: true,
      title: "Weights of each layer after training",
      xLabel: "weight",
    },
  ),
);
await report.write();
