// The main job (`deno task demo`): trains a CNN on Fashion-MNIST with the native backend when it is
// available, showing progress, then prints the test accuracy and the confusion matrix and writes the
// learning curves, the confusion matrix and a grid of misclassified test images (each captioned with
// its true and predicted class) to out/demo/. Without the data set it says how to install it and
// trains on a synthetic set of shapes instead.
//
//   deno task demo                                  (= deno run -A examples/demo.ts; ≈ 0.91 in 3 epochs)
//   deno run -A examples/demo.ts --epochs 10        (more epochs: ≈ 92 % test accuracy)
//   deno run -A examples/demo.ts --model lenet5     (LeNet-5: smaller and faster, ≈ 89 %)
//   deno run -A examples/demo.ts --quick            (seconds: 1,000 training images, one epoch)
//   flags: --epochs N (default 3), --model cnn|lenet5, --batch-size N (64), --lr X (0.001), --seed N (0),
//          --limit N (use the first N images of each split), --synthetic (the stand-in set even when
//          Fashion-MNIST is installed)
// → out/demo/demo.txt, demo_curves.svg, demo_confusion.svg, demo_misclassified.png, demo_history.csv,
//   demo.safetensors, demo.summary.json
import { manualSeed, Rng } from "@nnc/tensor";
import { convNet, lenet5 } from "@nnc/models/cnn";
import { ExampleReport, numberFlag, textFlag } from "./_lib/report.ts";
import { preferNative } from "./_lib/backend.ts";
import { loadImages } from "./_lib/data.ts";
import { runClassifier } from "./_lib/training.ts";

const report = new ExampleReport("demo", "demo");
const seed = numberFlag("seed", 0);
const kind = textFlag("model", "cnn");
if (kind !== "cnn" && kind !== "lenet5") {
  console.error(`--model must be cnn or lenet5, got ${kind}`);
  Deno.exit(2);
}
const backend = await preferNative();
const native = backend.startsWith("native");
// Quick mode: 1,000 training images (500 on the JS backend, where convolutions are slow).
let limit = numberFlag("limit", report.quick ? (native ? 1000 : 500) : Infinity);
if (!report.quick && !native && !Deno.args.includes("--limit")) {
  limit = 10000; // the JS backend is several times slower: keep the default run to a few minutes
  console.error(
    "The native backend is not available: training on the first 10,000 images (--limit to change).",
  );
}
const data = await loadImages({
  flat: false,
  limit,
  testLimit: report.quick ? 500 : limit,
  synthetic: Deno.args.includes("--synthetic"),
});
manualSeed(seed);
const rng = new Rng(seed);
await runClassifier(report, {
  name: "demo",
  title: kind === "cnn" ? "CNN conv32-conv64-fc128" : "LeNet-5",
  model: kind === "cnn" ? convNet({ rng }) : lenet5({ rng }),
  data,
  backend,
  epochs: numberFlag("epochs", report.quick ? 1 : 3),
  batchSize: numberFlag("batch-size", 64),
  lr: numberFlag("lr", 1e-3),
  seed,
  // Ten classes: chance is 0.1. One epoch on 500–1,000 images reaches 0.5–0.7; the full run ≈ 0.91.
  minAccuracy: report.quick ? 0.3 : kind === "cnn" ? 0.9 : 0.85,
});
await report.write();
