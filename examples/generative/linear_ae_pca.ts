// The notes' link between autoencoders and PCA: a linear autoencoder with tied weights,
// z = W(x − b), x' = Wᵀz + b, trained by gradient descent (Adam, full batch) on ½‖x − x'‖², spans the
// same k-dimensional subspace as PCA's top k components (Eckart–Young). Checked: the largest
// principal angle between the two subspaces is below 1°, and the reconstruction errors agree.
// The autoencoder's rows are not the principal components themselves (any basis of the subspace
// is optimal), so the pictures differ while the subspace is the same.
//
//   deno run -A examples/generative/linear_ae_pca.ts [--k 8] [--images 10000] [--steps 3000]
//   deno run -A examples/generative/linear_ae_pca.ts --quick
// → out/generative/linear_ae_pca_components.png (top row: PCA components; bottom: the
//   autoencoder's orthonormalised basis), linear_ae_pca_angle.svg (largest principal angle during
//   training, log scale)
import { concat, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { Adam, CosineAnnealingLR } from "@nnc/optim";
import { PCA } from "@nnc/models/unsupervised";
import { LinearAutoencoder, reconstructionError, subspaceAngles } from "@nnc/models/generative";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { loadFashion } from "./_data.ts";

const report = new ExampleReport("generative", "linear_ae_pca");
const k = numberFlag("k", report.quick ? 4 : 8);
const images = numberFlag("images", report.quick ? 1000 : 10000);
const steps = numberFlag("steps", report.quick ? 300 : 3000);
report.note(`backend: ${await preferNative()}`);
const data = await loadFashion(report, { train: images, test: 1, flat: true });
const x = data.train.x;

const pca = new PCA({ nComponents: k }).fit(x);
const pcaBasis = pca.components.T; // [784, k]
const ae = new LinearAutoencoder(784, k, { bias: true, rng: new Rng(0) });
const opt = new Adam(ae.parameters(), { lr: 0.01 });
const schedule = new CosineAnnealingLR(opt, { tMax: steps });
const xt = new Tensor(x);
const angles: number[] = [], at: number[] = [];
for (let s = 1; s <= steps; s++) {
  opt.zeroGrad();
  reconstructionError(ae.forward(xt), xt).mul(0.5).backward();
  opt.step();
  schedule.step();
  if (s % Math.max(1, Math.floor(steps / 100)) === 0 || s === steps) {
    at.push(s);
    angles.push((subspaceAngles(ae.components(), pcaBasis).get(0) * 180) / Math.PI);
  }
}
const largest = angles[angles.length - 1];
report.metric("largest principal angle to PCA's subspace (degrees)", largest, {
  max: report.quick ? 30 : 1,
});
const aeError = reconstructionError(ae.forward(xt), xt).item();
const pcaRec = pca.inverseTransform(pca.transform(x));
const pcaError = pcaRec.sub(x).square().sum().item() / x.shape[0];
report.note(
  `reconstruction error per image: PCA ${pcaError.toFixed(3)}, autoencoder ${aeError.toFixed(3)}`,
);
report.metric("autoencoder ÷ PCA reconstruction error (≥ 1, Eckart–Young)", aeError / pcaError, {
  min: 0.999,
  max: report.quick ? 2 : 1.01,
});
await saveImageGrid(
  report.path("linear_ae_pca_components.png"),
  concat([pca.components, ae.components().T.astype("float32")], 0),
  { imageShape: [28, 28], columns: k, scale: 3, range: "image" },
);
await saveSvg(
  report.path("linear_ae_pca_angle.svg"),
  await lineChart([{ name: "largest principal angle (°)", x: at, y: angles }], {
    title: `Tied linear autoencoder vs PCA, k = ${k}`,
    xLabel: "step",
    yLabel: "degrees",
    logY: true,
  }),
);
await report.write();
