// Wasserstein GANs on Fashion-MNIST (images in [−1, 1]) with the DCGAN generator and a critic
// without batch norm (dcganDiscriminator({ batchNorm: false })), 5 critic updates per generator
// update, batch 64:
//   --variant gp   (default) WGAN-GP: critic loss E D(x̃) − E D(x) + 10·E(‖∇D(x̂)‖ − 1)² at random
//                  interpolates (double backward), Adam lr 1e-4, β = (0.5, 0.9) (Gulrajani et al.);
//   --variant clip WGAN with the notes' defaults: RMSProp α = 5e-5, every critic weight clipped to
//                  [−0.01, 0.01].
// −(critic loss without the penalty) estimates the Wasserstein distance; it falls as the samples
// improve. Samples of a fixed noise batch after every epoch.
//
//   deno run -A examples/generative/wgan_gp.ts [--variant gp|clip] [--epochs 3] [--seed 0]
//   deno run -A examples/generative/wgan_gp.ts --quick
// → out/generative/wgan_<variant>_progress.png (a row of samples per epoch),
//   wgan_<variant>_samples.png, wgan_<variant>_distance.svg
import { concat, type NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Adam, type Optimizer, RMSprop } from "@nnc/optim";
import { dcganDiscriminator, dcganGenerator, GanTrainer } from "@nnc/models/generative";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag, textFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { batches, loadFashion } from "./_data.ts";
import { diversity } from "./_gan_metrics.ts";

const variant = textFlag("variant", "gp");
const report = new ExampleReport("generative", variant === "gp" ? "wgan_gp" : "wgan_gp_clip");
if (variant !== "gp" && variant !== "clip") {
  throw new RangeError(`--variant must be gp or clip, got ${variant}`);
}
const epochs = numberFlag("epochs", report.quick ? 1 : 3);
const seed = numberFlag("seed", 0);
report.note(`backend: ${await preferNative()}; variant ${variant}`);
const data = await loadFashion(report, {
  train: report.quick ? 640 : 60000,
  test: 64,
  flat: false,
});
const scaled = { x: data.train.x.mul(2).sub(1), y: data.train.y };
const rng = new Rng(seed);
const generator = dcganGenerator({ latentDim: 100, rng });
const critic = dcganDiscriminator({ batchNorm: false, rng });
const optimizer = (params: ReturnType<typeof generator.parameters>): Optimizer =>
  variant === "gp"
    ? new Adam(params, { lr: 1e-4, betas: [0.5, 0.9] })
    : new RMSprop(params, { lr: 5e-5 });
const trainer = new GanTrainer({
  generator,
  discriminator: critic,
  latentDim: 100,
  loss: "wgan",
  gradientPenalty: variant === "gp" ? 10 : 0, // clip: the notes' default clipping at 0.01
  generatorOptimizer: optimizer(generator.parameters()),
  discriminatorOptimizer: optimizer(critic.parameters()),
  rng,
});
report.note(
  `critic steps per generator step ${trainer.criticSteps}, clipping ${trainer.clipValue}`,
);
const fixedNoise = trainer.sampleNoise(64);
const sampleFixed = (): NDArray =>
  noGrad(() => generator.eval().forward(fixedNoise)).data.add(1).div(2);

const distance: number[] = [];
const progress: NDArray[] = [];
for (let e = 1; e <= epochs; e++) {
  generator.train();
  for (const b of batches(scaled, 64, rng)) {
    const r = trainer.step(new Tensor(b.x));
    distance.push(-(r.discriminatorLoss - (r.penalty ?? 0)));
  }
  progress.push(sampleFixed().slice({ stop: 10 }));
  report.note(`epoch ${e}: Wasserstein estimate ${distance.at(-1)!.toFixed(4)}`);
}
const samples = sampleFixed();
const smooth = (v: number[], w: number) =>
  v.map((_, i) => {
    const s = v.slice(Math.max(0, i - w + 1), i + 1);
    return s.reduce((a, b) => a + b, 0) / s.length;
  });
const window = Math.max(1, Math.floor(distance.length / 20));
const smoothed = smooth(distance, window);
report.metric(
  "Wasserstein estimate, last ÷ peak (falls as samples improve)",
  smoothed.at(-1)! / Math.max(...smoothed),
  {
    max: report.quick ? 10 : 0.9,
  },
);
const real = data.test.x.slice({ stop: 64 });
report.metric("sample diversity ÷ data diversity", diversity(samples) / diversity(real), {
  min: report.quick ? 0 : 0.5,
});
const grid = { columns: 10, scale: 2, range: [0, 1] as [number, number] };
await saveImageGrid(report.path(`wgan_${variant}_progress.png`), concat(progress, 0), grid);
await saveImageGrid(report.path(`wgan_${variant}_samples.png`), samples, { ...grid, columns: 8 });
const every = Math.max(1, Math.floor(distance.length / 400));
const steps = smoothed.map((_, i) => i + 1).filter((_, i) => i % every === 0);
await saveSvg(
  report.path(`wgan_${variant}_distance.svg`),
  await lineChart([
    {
      name: "−critic loss (moving average)",
      x: steps,
      y: smoothed.filter((_, i) => i % every === 0),
    },
  ], { title: `WGAN (${variant}): Wasserstein estimate`, xLabel: "critic step" }),
);
await report.write();
