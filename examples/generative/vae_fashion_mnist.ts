// The VAE 784-400-20 (Bernoulli decoder; Kingma & Welling, PyTorch's VAE example) on Fashion-MNIST,
// Adam 1e-3, batch 128, loss = negative ELBO (BCE summed over pixels + the closed-form KL). Beside it
// a plain autoencoder of the same shape (same BCE reconstruction, no KL) for the notes' interpolation
// experiment: decoded straight lines between the codes of two images — the VAE's intermediate images
// stay plausible, the plain autoencoder's latent space is not organised for it.
// After training: the test ELBO and the importance-weighted estimate of log p(x) (K = 100), which
// bounds log p(x) more tightly (IWAE ≥ ELBO).
//
//   deno run -A examples/generative/vae_fashion_mnist.ts [--epochs 10] [--seed 0]
//   deno run -A examples/generative/vae_fashion_mnist.ts --quick
// → out/generative/vae_reconstructions.png (rows: test images, VAE reconstructions),
//   vae_samples.png (decoded z ~ N(0, I)), vae_interpolation.png (pairs of rows: VAE, then plain AE),
//   vae_elbo.svg (negative ELBO per epoch), vae_fashion_mnist.safetensors (the trained VAE)
import { concat, indexSelect, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Linear, ReLU, saveModel, Sequential } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { Autoencoder, interpolateLatents, mlpVae } from "@nnc/models/generative";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { batches, firstOfEachClass, loadFashion } from "./_data.ts";

const report = new ExampleReport("generative", "vae_fashion_mnist");
const epochs = numberFlag("epochs", report.quick ? 1 : 10);
const seed = numberFlag("seed", 0);
report.note(`backend: ${await preferNative()}`);
const data = await loadFashion(report, {
  train: report.quick ? 2000 : 60000,
  test: report.quick ? 500 : 10000,
  flat: true,
});
const rng = new Rng(seed);
const vae = mlpVae({ rng });
const ae = new Autoencoder(
  new Sequential(new Linear(784, 400, { rng }), new ReLU(), new Linear(400, 20, { rng })),
  new Sequential(new Linear(20, 400, { rng }), new ReLU(), new Linear(400, 784, { rng })),
);
const vaeOpt = new Adam(vae.parameters(), { lr: 1e-3 });
const aeOpt = new Adam(ae.parameters(), { lr: 1e-3 });

function testNegElbo(): number {
  let sum = 0;
  noGrad(() => {
    for (let i = 0; i < data.test.x.shape[0]; i += 1000) {
      const x = new Tensor(data.test.x.slice({ start: i, stop: i + 1000 }));
      sum += vae.loss(x, { reduction: "sum" }).loss.item();
    }
  });
  return sum / data.test.x.shape[0];
}

const trainCurve: number[] = [], testCurve: number[] = [];
for (let e = 1; e <= epochs; e++) {
  let total = 0;
  for (const b of batches(data.train, 128, rng)) {
    const x = new Tensor(b.x);
    vaeOpt.zeroGrad();
    const { loss } = vae.loss(x, { reduction: "sum" });
    loss.backward();
    vaeOpt.step();
    total += loss.item();
    aeOpt.zeroGrad();
    ae.loss(x, { reconstruction: "bce" }).loss.backward();
    aeOpt.step();
  }
  trainCurve.push(total / data.train.x.shape[0]);
  testCurve.push(testNegElbo());
  report.note(
    `epoch ${e}: train −ELBO ${trainCurve[e - 1].toFixed(2)}, test −ELBO ${
      testCurve[e - 1].toFixed(2)
    } nats/image`,
  );
}
vae.eval();
const elbo = -testCurve[epochs - 1];
report.metric("test ELBO (nats per image)", elbo, { min: report.quick ? -600 : -255 });
const sub = new Tensor(data.test.x.slice({ stop: 500 }));
const iw = vae.importanceWeightedLogLikelihood(sub, 100, new Rng(1)).mean().item();
const elboSub = -noGrad(() => vae.loss(sub).loss.item());
report.metric("importance-weighted log p(x), K = 100 (500 test images)", iw, {
  min: report.quick ? -600 : -250,
});
report.metric("IWAE bound − ELBO on the same images (≥ 0)", iw - elboSub, { min: 0 });

// Reconstructions: originals and their reconstructions, one column per class.
const originals = firstOfEachClass(data.test, 2);
const rec = vae.reconstruct(new Tensor(originals)).data;
const rows = [0, 1].flatMap((k) => {
  const idx = Array.from({ length: 10 }, (_, c) => 2 * c + k);
  return [indexSelect(originals, 0, idx), indexSelect(rec, 0, idx)];
});
const shape = {
  imageShape: [28, 28] as [number, number],
  columns: 10,
  scale: 2,
  range: [0, 1] as [number, number],
};
await saveImageGrid(report.path("vae_reconstructions.png"), concat(rows, 0), shape);
await saveImageGrid(report.path("vae_samples.png"), vae.sample(64, new Rng(2)).data, {
  ...shape,
  columns: 8,
});

// Interpolations between pairs of test images of different classes: VAE row, then AE row.
const pairs = [[0, 2], [4, 14], [10, 19], [6, 17]]; // indices into `originals` (2 per class)
const steps = 10;
const interp = pairs.flatMap(([a, b]) => {
  const xa = new Tensor(originals.slice({ start: a, stop: a + 1 }));
  const xb = new Tensor(originals.slice({ start: b, stop: b + 1 }));
  return noGrad(() => {
    const za = vae.encode(xa).mu.data, zb = vae.encode(xb).mu.data;
    const vaeRow = vae.decodeMean(new Tensor(interpolateLatents(za, zb, steps))).data;
    const ca = ae.encode(xa).data, cb = ae.encode(xb).data;
    const aeRow = ae.decode(new Tensor(interpolateLatents(ca, cb, steps))).sigmoid().data;
    return [vaeRow, aeRow];
  });
});
await saveImageGrid(report.path("vae_interpolation.png"), concat(interp, 0), shape);
const x = Array.from({ length: epochs }, (_, i) => i + 1);
await saveSvg(
  report.path("vae_elbo.svg"),
  await lineChart([
    { name: "train −ELBO", x, y: trainCurve },
    { name: "test −ELBO", x, y: testCurve, dashed: true },
  ], { title: "VAE 784-400-20 on " + data.source, xLabel: "epoch", yLabel: "nats per image" }),
);
await saveModel(report.path("vae_fashion_mnist.safetensors"), vae);
await report.write();
