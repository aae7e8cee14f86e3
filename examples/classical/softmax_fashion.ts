// Softmax (multinomial logistic) regression on Fashion-MNIST: 784 pixels → 10 classes, scikit-learn's L2
// convention ½‖W‖² + C·Σ cross-entropy, fitted by L-BFGS on the 60,000 training images and scored on the
// 10,000 test images. Writes the ten weight templates as an image grid.
//
//   nice -n 10 deno run -A examples/classical/softmax_fashion.ts          # full run: test accuracy ≥ 0.84
//   deno run -A examples/classical/softmax_fashion.ts --quick             # seconds: 3,000 images
// → out/classical/softmax_fashion_weights.png, out/classical/softmax_fashion.summary.json
import { NDArray } from "@nnc/tensor";
import { fashionMnist } from "@nnc/datasets";
import { LogisticRegression } from "@nnc/models/classical";
import { saveImageGrid } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("classical", "softmax_fashion");
report.note(`backend: ${await preferNative()}`);

let train, test;
try {
  train = await fashionMnist({ split: "train", flat: true });
  test = await fashionMnist({ split: "test", flat: true });
} catch (e) {
  report.note(`skipped: ${(e as Error).message}`);
  await report.write();
  Deno.exit(0);
}
const nTrain = report.quick ? 3000 : train.images.shape[0];
const nTest = report.quick ? 1000 : test.images.shape[0];
const xTrain = train.images.slice({ stop: nTrain }), yTrain = train.labels.slice({ stop: nTrain });
const xTest = test.images.slice({ stop: nTest }), yTest = test.labels.slice({ stop: nTest });
const C = numberFlag("C", 1);

const t0 = performance.now();
const clf = new LogisticRegression({ C, maxIter: report.quick ? 60 : 500, tol: 1e-5 }).fit(
  xTrain,
  yTrain,
);
const seconds = (performance.now() - t0) / 1000;
report.note(
  `fitted ${nTrain} images in ${seconds.toFixed(1)} s, ${clf.nIter} L-BFGS iterations (C = ${C})`,
);
report.metric("train accuracy", clf.score(xTrain, yTrain), { min: report.quick ? 0.75 : 0.85 });
report.metric("test accuracy", clf.score(xTest, yTest), { min: report.quick ? 0.7 : 0.84 });

// Each class's weights as a 28×28 picture, scaled to [0, 1] per class (bright = evidence for the class).
const w = clf.coef.data as Float64Array;
const pics = new Float32Array(w.length);
for (let c = 0; c < 10; c++) {
  const row = w.subarray(c * 784, (c + 1) * 784);
  let lo = Infinity, hi = -Infinity;
  for (const v of row) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  for (let j = 0; j < 784; j++) pics[c * 784 + j] = (row[j] - lo) / (hi - lo || 1);
}
await saveImageGrid(
  report.path("softmax_fashion_weights.png"),
  NDArray.fromTyped(pics, [10, 28, 28]),
  {
    columns: 5,
    scale: 4,
  },
);
report.note(`classes: ${train.classes.join(", ")}`);
await report.write();
