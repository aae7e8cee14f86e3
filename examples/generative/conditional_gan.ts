// A conditional GAN (the notes: feed a one-hot label to both networks) on Fashion-MNIST with MLPs:
// generator Conditional(mlp 100+10 → 256 → 512 → 784, leaky ReLU, tanh), discriminator
// Conditional(mlp 784+10 → 512 → 256 → 1, leaky ReLU), non-saturating loss, Adam 2e-4, β₁ = 0.5,
// batch 128 (images in [−1, 1]). Each row of the picture is one class. Checked: each class's mean
// generated image is nearest to the mean training image of the same class.
//
//   deno run -A examples/generative/conditional_gan.ts [--epochs 20] [--seed 0]
//   deno run -A examples/generative/conditional_gan.ts --quick
// → out/generative/conditional_gan_samples.png (row c: ten samples of class c),
//   conditional_gan_losses.svg
import { array, indexSelect, type NDArray, Rng, stack } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Tanh } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { mlp } from "@nnc/models/mlp";
import { Conditional, GanTrainer } from "@nnc/models/generative";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { batches, loadFashion } from "./_data.ts";
import { classMatch } from "./_gan_metrics.ts";

const report = new ExampleReport("generative", "conditional_gan");
const epochs = numberFlag("epochs", report.quick ? 1 : 20);
const seed = numberFlag("seed", 0);
report.note(`backend: ${await preferNative()}`);
const data = await loadFashion(report, { train: report.quick ? 1280 : 60000, test: 1, flat: true });
const scaled = { x: data.train.x.mul(2).sub(1), y: data.train.y };
const rng = new Rng(seed);
const generator = new Conditional(
  mlp([110, 256, 512, 784], { activation: "leakyRelu", outputActivation: new Tanh(), rng }),
  10,
);
const discriminator = new Conditional(
  mlp([794, 512, 256, 1], { activation: "leakyRelu", rng }),
  10,
);
const adam = { lr: 2e-4, betas: [0.5, 0.999] as [number, number] };
const trainer = new GanTrainer({
  generator,
  discriminator,
  latentDim: 100,
  loss: "nonSaturating",
  generatorOptimizer: new Adam(generator.parameters(), adam),
  discriminatorOptimizer: new Adam(discriminator.parameters(), adam),
  rng,
});
const dLoss: number[] = [], gLoss: number[] = [];
for (let e = 1; e <= epochs; e++) {
  let d = 0, g = 0, n = 0;
  for (const b of batches(scaled, 128, rng)) {
    const r = trainer.step(new Tensor(b.x), b.y);
    d += r.discriminatorLoss;
    g += r.generatorLoss!;
    n++;
  }
  dLoss.push(d / n);
  gLoss.push(g / n);
  report.note(`epoch ${e}: D loss ${dLoss[e - 1].toFixed(3)}, G loss ${gLoss[e - 1].toFixed(3)}`);
}

// Ten samples per class, and the class means of samples and of the data.
const labels = array(Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)), { dtype: "int32" });
const samples = noGrad(() => trainer.sample(100, labels)).data.add(1).div(2);
const many = array(Array.from({ length: 1000 }, (_, i) => Math.floor(i / 100)), { dtype: "int32" });
const big = noGrad(() => trainer.sample(1000, many)).data.add(1).div(2);
const yData = data.train.y.toArray() as number[];
const means: NDArray[] = [], dataMeans: NDArray[] = [];
for (let c = 0; c < 10; c++) {
  means.push(big.slice({ start: 100 * c, stop: 100 * (c + 1) }).mean({ axis: 0 }));
  const idx = yData.flatMap((y, i) => (y === c ? [i] : []));
  dataMeans.push(indexSelect(data.train.x, 0, idx).mean({ axis: 0 }));
}
report.metric(
  "classes whose samples look most like their own class (share)",
  classMatch(stack(means), stack(dataMeans)),
  {
    min: report.quick ? 0 : 0.9,
  },
);
await saveImageGrid(report.path("conditional_gan_samples.png"), samples, {
  imageShape: [28, 28],
  columns: 10,
  scale: 2,
  range: [0, 1],
});
const x = dLoss.map((_, i) => i + 1);
await saveSvg(
  report.path("conditional_gan_losses.svg"),
  await lineChart([
    { name: "discriminator", x, y: dLoss },
    { name: "generator (non-saturating)", x, y: gLoss },
  ], { title: "Conditional GAN, mean losses per epoch", xLabel: "epoch" }),
);
await report.write();
