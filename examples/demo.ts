// The main job (`deno task demo`): trains a CNN on Fashion-MNIST with the native backend when it is
// available, showing progress, then prints the test accuracy and the confusion matrix and writes the
// learning curves and a grid of misclassified test images to out/. Without the data set it says how to
// install it and trains on a synthetic set of shapes instead.
//
//   deno task demo                                  (= deno run -A examples/demo.ts)
//   deno run -A examples/demo.ts --epochs 10        (more epochs: ≈ 92 % test accuracy)
//   deno run -A examples/demo.ts --model lenet5     (LeNet-5: smaller and faster, ≈ 89 %)
//   flags: --epochs N (default 3), --model cnn|lenet5, --batch-size N (64), --lr X (0.001), --seed N (0),
//          --limit N (use the first N images of each split), --synthetic (the stand-in set even when
//          Fashion-MNIST is installed)
// → out/demo.txt, out/demo_curves.svg, out/demo_misclassified.png, out/demo_history.csv, out/demo.safetensors
import { manualSeed, Rng } from "@nnc/tensor";
import { convNet, lenet5 } from "@nnc/models/cnn";
import { flag, flagText, loadImages, preferNative, runClassifier } from "./_training.ts";

const seed = flag("seed", 0);
const kind = flagText("model", "cnn");
if (kind !== "cnn" && kind !== "lenet5") {
  console.error(`--model must be cnn or lenet5, got ${kind}`);
  Deno.exit(2);
}
const backend = await preferNative();
let limit = flag("limit", Infinity);
if (!backend.startsWith("native") && !Deno.args.includes("--limit")) {
  limit = 10000; // the JS backend is several times slower: keep the default run to a few minutes
  console.error(
    "The native backend is not available: training on the first 10,000 images (--limit to change).",
  );
}
const synthetic = Deno.args.includes("--synthetic");
const data = await loadImages({ flat: false, limit, fallback: true, synthetic });
manualSeed(seed);
const rng = new Rng(seed);
await runClassifier({
  name: "demo",
  title: kind === "cnn" ? "CNN conv32-conv64-fc128" : "LeNet-5",
  model: kind === "cnn" ? convNet({ rng }) : lenet5({ rng }),
  data,
  backend,
  epochs: flag("epochs", 3),
  batchSize: flag("batch-size", 64),
  lr: flag("lr", 1e-3),
  seed,
});
