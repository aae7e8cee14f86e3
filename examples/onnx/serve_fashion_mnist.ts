// Serving a trained nnc model with ONNX Runtime: the demo's CNN (conv32-conv64-fc128) is exported
// to ONNX (opset 17) and classifies the Fashion-MNIST test set in onnxruntime-node; the example
// checks that ONNX Runtime and nnc agree (same predicted classes, logits within 1e-5 relative),
// reads the file back into nnc (importOnnx) and compares the speed of both on the test set.
//
// The weights: the demo's (`out/demo/demo.safetensors`, written by `deno task demo`) when they
// exist, else the CNN is trained here first (one epoch; a few seconds with --quick).
//
//   deno run -A examples/onnx/serve_fashion_mnist.ts                 (demo weights or 1 epoch)
//   deno run -A examples/onnx/serve_fashion_mnist.ts --quick         (seconds: 1,000 images)
//   deno run -A examples/onnx/serve_fashion_mnist.ts --weights out/demo/demo.safetensors
//   flags: --weights FILE, --seed N (0), --limit N, --synthetic
// → out/onnx/fashion_mnist_cnn.onnx, serve_fashion_mnist.txt, serve_fashion_mnist.summary.json
import * as ort from "onnxruntime-node";
import { manualSeed, type NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy, loadModel } from "@nnc/layers";
import { convNet } from "@nnc/models/cnn";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { Adam } from "@nnc/optim";
import { fit } from "@nnc/train";
import { exportOnnx, importOnnx } from "@nnc/onnx";
import { ExampleReport, numberFlag, textFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { loadImages } from "../_lib/data.ts";

const report = new ExampleReport("onnx", "serve_fashion_mnist");
const seed = numberFlag("seed", 0);
const backend = await preferNative();
const limit = numberFlag("limit", report.quick ? 1000 : Infinity);
const data = await loadImages({
  flat: false,
  limit,
  testLimit: report.quick ? 1000 : limit,
  synthetic: Deno.args.includes("--synthetic"),
});
manualSeed(seed);
const model = convNet({ rng: new Rng(seed) });
const demoWeights = "out/demo/demo.safetensors";
const weights = textFlag("weights", report.quick ? "" : demoWeights);
let origin: string;
const exists = (p: string) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
};
if (weights !== "" && exists(weights)) {
  await loadModel(weights, model);
  origin = `weights from ${weights}`;
} else {
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  await fit(model, {
    train: new DataLoader(new TensorDataset(data.train.x, data.train.y), {
      batchSize: 64,
      shuffle: true,
      seed,
    }),
    loss: crossEntropy,
    optimizer,
    epochs: 1,
    progress: "none",
  });
  origin = `trained here for 1 epoch on ${data.train.y.size} images${
    weights === demoWeights ? " (no demo weights: run `deno task demo` for them)" : ""
  }`;
}
model.eval();

const onnxPath = report.path("fashion_mnist_cnn.onnx");
await exportOnnx(model, data.test.x.slice({ start: 0, stop: 1 }), onnxPath, {
  inputName: "image",
  outputName: "logits",
  docString: "nnc convNet on Fashion-MNIST: standardised 1×28×28 images → 10 logits",
});
const session = await ort.InferenceSession.create(onnxPath);

const n = data.test.y.size, batch = 1000;
const ortLogits = new Float32Array(n * 10), nncLogits = new Float32Array(n * 10);
let ortSeconds = 0, nncSeconds = 0;
for (let start = 0; start < n; start += batch) {
  const x = data.test.x.slice({ start, stop: Math.min(n, start + batch) }).contiguous();
  const rows = x.shape[0];
  const pixels = (x.storage.data as Float32Array).subarray(x.offset, x.offset + x.size);
  let t0 = performance.now();
  const out = await session.run({ image: new ort.Tensor("float32", pixels, [...x.shape]) });
  ortSeconds += (performance.now() - t0) / 1000;
  ortLogits.set(out.logits.data as Float32Array, start * 10);
  t0 = performance.now();
  const y = noGrad(() => model.forward(new Tensor(x))).data.contiguous();
  nncSeconds += (performance.now() - t0) / 1000;
  nncLogits.set(
    (y.storage.data as Float32Array).subarray(y.offset, y.offset + rows * 10),
    start * 10,
  );
}
await session.release();

const argmax = (logits: Float32Array, i: number) => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (logits[i * 10 + k] > logits[i * 10 + best]) best = k;
  return best;
};
const labels = data.test.y.storage.data as Int32Array;
let correct = 0, agree = 0, maxDiff = 0;
for (let i = 0; i < n; i++) {
  const p = argmax(ortLogits, i);
  if (p === labels[data.test.y.offset + i]) correct++;
  if (p === argmax(nncLogits, i)) agree++;
  for (let k = 0; k < 10; k++) {
    // Relative to the logit's size (absolute below 1), as the issue's 1e-5 for float32.
    const want = nncLogits[i * 10 + k];
    maxDiff = Math.max(
      maxDiff,
      Math.abs(ortLogits[i * 10 + k] - want) / Math.max(1, Math.abs(want)),
    );
  }
}
// The file read back into nnc computes the same logits.
const back = await importOnnx(onnxPath);
const probe = data.test.x.slice({ start: 0, stop: Math.min(n, 200) });
const a = noGrad(() => back.forward(new Tensor(probe))).data as NDArray;
const b = noGrad(() => model.forward(new Tensor(probe))).data as NDArray;
const importDiff = a.sub(b).abs().max().item();

const size = Deno.statSync(onnxPath).size;
const lines = [
  `${data.source}: ${n} test images; nnc backend ${backend}; model ${origin}`,
  `exported ${onnxPath} (${
    (size / 1e6).toFixed(2)
  } MB, opset 17, input "image" [batch, 1, 28, 28], output "logits" [batch, 10])`,
  `ONNX Runtime ${ort.env.versions.common} (CPU): test accuracy ${(correct / n).toFixed(4)}`,
  `predicted classes equal nnc's for ${agree} of ${n} images; largest logit difference ${
    maxDiff.toExponential(2)
  } (relative, absolute below 1)`,
  `importOnnx: the file read back into nnc differs from the model by ${
    importDiff.toExponential(2)
  }`,
  `classifying the test set in batches of ${batch}: ONNX Runtime ${
    (n / ortSeconds).toFixed(0)
  } images/s, nnc ${
    (n / nncSeconds).toFixed(0)
  } images/s (one run on a shared machine: indicative only)`,
];
for (const l of lines) report.note(l);
await Deno.writeTextFile(report.path("serve_fashion_mnist.txt"), lines.join("\n") + "\n");
report.metric("ONNX Runtime test accuracy", correct / n, {
  min: report.quick ? 0.3 : 0.85,
  max: 1,
});
report.metric("agreement with nnc's predictions", agree / n, { min: 0.999, max: 1 });
report.metric("largest relative logit difference ONNX Runtime vs nnc", maxDiff, {
  min: 0,
  max: 1e-5,
});
report.metric("largest logit difference importOnnx vs nnc", importDiff, { min: 0, max: 1e-5 });
await report.write();
