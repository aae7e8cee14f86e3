// What a Fashion-MNIST CNN looks at (000:L1731–1756, 003 interpretability): a CNN whose head is
// global average pooling then one linear layer, so that its class activation maps are exact (the
// class score is the mean of the map plus the bias); its Grad-CAM maps; and the gradient
// attributions of the same images: saliency, SmoothGrad and integrated gradients (with their
// completeness gap).
//
//   deno run -A examples/experiments/saliency_cam.ts [--epochs 2] [--seed 0]
//   deno run -A examples/experiments/saliency_cam.ts --quick   (seconds: 1,000 images, one epoch)
// → out/experiments/saliency_cam_maps.png (rows: image, CAM, Grad-CAM, saliency, SmoothGrad,
//   integrated gradients), saliency_cam.txt, saliency_cam.summary.json
import { concat, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import {
  AdaptiveAvgPool2d,
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { fit } from "@nnc/train";
import { cam, gradCam, integratedGradients, saliencyMap, smoothGrad } from "@nnc/models/insight";
import { saveImageGrid } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { loadPixels } from "../_lib/data.ts";
import { accuracyOf } from "./_fashion.ts";
import { overlay } from "./_overlay.ts";

const report = new ExampleReport("experiments", "saliency_cam");
const backend = await preferNative();
const quick = report.quick;
const seed = numberFlag("seed", 0), epochs = numberFlag("epochs", quick ? 1 : 2);
const data = await loadPixels({
  flat: false,
  limit: quick ? 1000 : Infinity,
  testLimit: quick ? 500 : Infinity,
});
const rng = new Rng(seed);
// conv 32 → pool → conv 64 → pool → conv 128 (7×7 maps) → global average pooling → linear
const net = new Sequential(
  new Conv2d(1, 32, 3, { padding: 1, rng }),
  new ReLU(),
  new MaxPool2d(2),
  new Conv2d(32, 64, 3, { padding: 1, rng }),
  new ReLU(),
  new MaxPool2d(2),
  new Conv2d(64, 128, 3, { padding: 1, rng }),
  new ReLU(),
  new AdaptiveAvgPool2d(1),
  new Flatten(),
  new Linear(128, 10, { rng }),
);
const t0 = performance.now();
await fit(net, {
  train: new DataLoader(new TensorDataset(data.train.x, data.train.y), {
    batchSize: 64,
    shuffle: true,
    seed,
  }),
  loss: crossEntropy,
  optimizer: new Adam(net.parameters(), { lr: 2e-3 }),
  epochs,
  progress: quick ? "none" : "auto",
});
net.eval();
const accuracy = accuracyOf(net, data.test.x, data.test.y);
report.note(
  `${data.source}, backend ${backend}: GAP CNN conv32-conv64-conv128-GAP-linear, ${epochs} epoch(s) in ${
    ((performance.now() - t0) / 1000).toFixed(0)
  } s; test accuracy ${accuracy.toFixed(4)}`,
);
// Ten classes: chance is 0.1 (a global-average-pooling net learns slowly at first).
report.metric("test accuracy", accuracy, { min: quick ? 0.15 : 0.85, max: 1 });

// Attributions in float64, so that the identities below hold to rounding.
net.to("float64");
const k = 8;
const x = data.test.x.slice({ start: 0, stop: k }).astype("float64");
const names = data.classes.map((c) => c.split("/")[0]);
const camR = cam(net, x, { upsample: true });
const logits = net.forward(new Tensor(x)).data;
const head = net.at(10) as Linear;
// CAM identity: the class score is the mean of M_c plus the bias b_c
let camError = 0;
for (let i = 0; i < k; i++) {
  const c = camR.classes[i];
  const mean = camR.maps.slice(i).mean().item();
  camError = Math.max(camError, Math.abs(mean + head.bias!.data.get(c) - logits.get(i, c)));
}
const grad = gradCam(net, x, { layer: 7, upsample: true }); // the last conv's ReLU output
const sal = saliencyMap(net, x).reshape([k, 28, 28]);
const sg = smoothGrad(net, x, { samples: quick ? 8 : 32, noise: 0.15, rng: new Rng(seed) })
  .reshape([k, 28, 28]);
const ig = integratedGradients(net, x, { steps: 256, baseline: 0 });
const igMap = ig.attributions.abs().reshape([k, 28, 28]);
const worstDelta = Math.max(...Array.from(ig.delta, Math.abs));
report.note(
  `CAM identity: max |mean(M_c) + b_c − score| = ${
    camError.toExponential(2)
  }; integrated gradients: max |Σ attributions − (F(x) − F(0))| = ${
    worstDelta.toExponential(2)
  } (score changes ${Array.from(ig.scoreDifference, (v) => v.toFixed(2)).join(", ")})`,
);
report.metric("CAM identity error", camError, { min: 0, max: 1e-9 });
report.metric("integrated gradients completeness gap", worstDelta, { min: 0, max: 1e-3 });

const rows = [
  { name: "image", pic: x.astype("float32") },
  { name: "CAM", pic: overlay(x, camR.upsampled!) },
  { name: "Grad-CAM", pic: overlay(x, grad.upsampled!) },
  { name: "saliency", pic: overlay(x, sal) },
  { name: "SmoothGrad", pic: overlay(x, sg) },
  { name: "int. grad.", pic: overlay(x, igMap) },
];
const rgb = rows.map((r) => r.pic.shape[1] === 3 ? r.pic : concat([r.pic, r.pic, r.pic], 1));
await saveImageGrid(report.path("saliency_cam_maps.png"), concat(rgb, 0), {
  columns: k,
  scale: 3,
  padding: 4,
  range: [0, 1],
  captions: rows.flatMap((r, j) =>
    Array.from(
      { length: k },
      (_, i) => j === 0 ? `${names[data.test.y.get(i)]}\npred ${names[camR.classes[i]]}` : r.name,
    )
  ),
});
await Deno.writeTextFile(
  report.path("saliency_cam.txt"),
  [
    `test accuracy ${accuracy.toFixed(4)}`,
    `CAM identity error ${camError}`,
    `integrated gradients: delta per image ${Array.from(ig.delta).join(", ")}`,
  ].join("\n") + "\n",
);
await report.write();
