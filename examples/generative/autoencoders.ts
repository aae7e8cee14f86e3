// The notes' autoencoder variants on Fashion-MNIST, all 784-256-32 MLPs with a BCE reconstruction
// (logits), Adam 1e-3, batch 128:
//   plain        x' = D(E(x)) (also with sigmoid codes, the baseline of the next two);
//   denoising    trained to reconstruct x from a copy with 30 % of the pixels set to 0;
//   contractive  sigmoid codes, + λ‖∂E(x)/∂x‖²_F (λ = 1, the Jacobian through autograd);
//   sparse       sigmoid codes, + 5·Σⱼ KL(0.05 ‖ mean activation of unit j).
// Checked: the denoising autoencoder restores masked test images better than the plain one; the
// contractive one has a smaller encoder Jacobian than the same sigmoid-code network trained without
// the penalty; the sparse one's mean code activation is near its target.
//
//   deno run -A examples/generative/autoencoders.ts [--epochs 5] [--seed 0]
//   deno run -A examples/generative/autoencoders.ts --quick
// → out/generative/autoencoders_denoising.png (rows: test images, masked copies, then the
//   reconstructions of the masked copies by each model, in the order above), autoencoders_losses.svg
import { concat, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Adam } from "@nnc/optim";
import {
  type Autoencoder,
  type AutoencoderLossOptions,
  contractivePenalty,
  Corruption,
  mlpAutoencoder,
  reconstructionError,
} from "@nnc/models/generative";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { batches, firstOfEachClass, loadFashion } from "./_data.ts";

const report = new ExampleReport("generative", "autoencoders");
const epochs = numberFlag("epochs", report.quick ? 1 : 5);
const seed = numberFlag("seed", 0);
report.note(`backend: ${await preferNative()}`);
const data = await loadFashion(report, {
  train: report.quick ? 1000 : 60000,
  test: report.quick ? 500 : 2000,
  flat: true,
});

const sizes = [784, 256, 32];
const variants: { name: string; model: Autoencoder; loss: AutoencoderLossOptions }[] = [
  { name: "plain", model: mlpAutoencoder(sizes, { rng: new Rng(seed) }), loss: {} },
  {
    name: "denoising",
    model: mlpAutoencoder(sizes, {
      rng: new Rng(seed),
      corruption: { kind: "mask", level: 0.3 },
    }),
    loss: {},
  },
  {
    name: "sigmoid codes",
    model: mlpAutoencoder(sizes, { rng: new Rng(seed), codeActivation: "sigmoid" }),
    loss: {},
  },
  {
    name: "contractive",
    model: mlpAutoencoder(sizes, { rng: new Rng(seed), codeActivation: "sigmoid" }),
    loss: { contractive: 1 },
  },
  {
    name: "sparse",
    model: mlpAutoencoder(sizes, { rng: new Rng(seed), codeActivation: "sigmoid" }),
    loss: { sparsity: { target: 0.05, weight: 5 } },
  },
];

const rng = new Rng(seed + 1);
const curves: { name: string; y: number[] }[] = [];
for (const v of variants) {
  const opt = new Adam(v.model.parameters(), { lr: 1e-3 });
  const curve: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let total = 0, count = 0;
    for (const b of batches(data.train, 128, rng)) {
      opt.zeroGrad();
      const { loss } = v.model.loss(new Tensor(b.x), { reconstruction: "bce", ...v.loss });
      loss.backward();
      opt.step();
      total += loss.item() * b.x.shape[0];
      count += b.x.shape[0];
    }
    curve.push(total / count);
  }
  v.model.eval();
  curves.push({ name: v.name, y: curve });
  report.note(`${v.name}: final training loss ${curve[curve.length - 1].toFixed(2)}`);
}

const test = new Tensor(data.test.x);
const masked = noGrad(() => new Corruption("mask", 0.3, { rng: new Rng(99) }).forward(test));
const errors = new Map<string, number>();
for (const v of variants) {
  const clean = reconstructionError(noGrad(() => v.model.forward(test)), test, "bce").item();
  const restored = reconstructionError(noGrad(() => v.model.forward(masked)), test, "bce").item();
  errors.set(v.name, restored);
  report.note(
    `${v.name}: test BCE ${clean.toFixed(2)} per image; from 30 %-masked inputs ${
      restored.toFixed(2)
    }`,
  );
}
report.metric(
  "masked-input BCE, denoising ÷ plain (< 1: denoising restores better)",
  errors.get("denoising")! / errors.get("plain")!,
  { max: report.quick ? 1.5 : 0.95 },
);

function jacobianNorm(model: Autoencoder): number {
  const x = new Tensor(data.test.x.slice({ stop: 200 }), { requiresGrad: true });
  return contractivePenalty(model.encode(x), x).item();
}
const [, , sigmoidCodes, cae, sae] = variants.map((v) => v.model);
const ratio = jacobianNorm(cae) / jacobianNorm(sigmoidCodes);
report.metric("‖∂E/∂x‖²_F, contractive ÷ the same network without the penalty", ratio, {
  max: report.quick ? 2 : 0.8,
});
const activation = noGrad(() => sae.encode(test)).data.mean().item();
report.metric("sparse: mean code activation (target 0.05)", activation, {
  max: report.quick ? 0.5 : 0.1,
});

const shown = new Tensor(firstOfEachClass(data.test, 1));
const shownMasked = noGrad(() => new Corruption("mask", 0.3, { rng: new Rng(7) }).forward(shown));
const rows = [shown.data, shownMasked.data];
for (const v of variants) rows.push(noGrad(() => v.model.forward(shownMasked).sigmoid()).data);
await saveImageGrid(report.path("autoencoders_denoising.png"), concat(rows, 0), {
  imageShape: [28, 28],
  columns: 10,
  scale: 2,
  range: [0, 1],
});
const x = Array.from({ length: epochs }, (_, i) => i + 1);
await saveSvg(
  report.path("autoencoders_losses.svg"),
  await lineChart(curves.map((c) => ({ ...c, x })), {
    title: "Training loss (BCE per image + penalty)",
    xLabel: "epoch",
  }),
);
await report.write();
