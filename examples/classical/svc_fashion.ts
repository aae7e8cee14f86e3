// RBF support vector machine on a Fashion-MNIST subset: SMO (libsvm's algorithm) on the first 10,000
// training images, one-vs-one over the 10 classes, C = 10, γ = "scale", scored on the 10,000 test images.
//
//   nice -n 10 deno run -A examples/classical/svc_fashion.ts            # full run: test accuracy ≥ 0.85
//   deno run -A examples/classical/svc_fashion.ts --quick               # seconds: 1,000 images
//   options: --train N (default 10000), --C c (default 10)
// → out/classical/svc_fashion_support.png (a few support vectors per class), svc_fashion.summary.json
import { NDArray } from "@nnc/tensor";
import { fashionMnist } from "@nnc/datasets";
import { SVC } from "@nnc/models/classical";
import { saveImageGrid } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("classical", "svc_fashion");
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
const nTrain = report.quick ? 1000 : numberFlag("train", 10_000);
const nTest = report.quick ? 500 : test.images.shape[0];
const xTrain = train.images.slice({ stop: nTrain }), yTrain = train.labels.slice({ stop: nTrain });
const xTest = test.images.slice({ stop: nTest }), yTest = test.labels.slice({ stop: nTest });
const C = numberFlag("C", 10);

const t0 = performance.now();
const svm = new SVC({ kernel: "rbf", C, gamma: "scale" }).fit(xTrain, yTrain);
report.note(
  `fitted ${nTrain} images in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s: ${svm.supportIndices.size} ` +
    `support vectors, ${svm.nIter} SMO steps, γ = ${svm.gamma.toPrecision(4)}`,
);
const t1 = performance.now();
const acc = svm.score(xTest, yTest);
report.note(`predicted ${nTest} images in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
report.metric("test accuracy", acc, { min: report.quick ? 0.7 : 0.85 });
report.metric("support vector share", svm.supportIndices.size / nTrain, { min: 0, max: 1 });

// Eight support vectors of each class: the hard, near-boundary examples.
const sv = svm.supportVectors, counts = svm.nSupport.data;
const rows: number[] = [];
let start = 0;
for (let c = 0; c < 10; c++) {
  for (let t = 0; t < Math.min(8, counts[c]); t++) rows.push(start + t);
  start += counts[c];
}
const pics = new Float32Array(rows.length * 784);
rows.forEach((r, i) => pics.set(sv.data.subarray(r * 784, (r + 1) * 784), i * 784));
await saveImageGrid(
  report.path("svc_fashion_support.png"),
  NDArray.fromTyped(pics, [rows.length, 28, 28]),
  {
    columns: 8,
    scale: 2,
  },
);
await report.write();
