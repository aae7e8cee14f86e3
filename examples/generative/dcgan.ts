// A DCGAN on Fashion-MNIST (images scaled to [−1, 1]): dcganGenerator (z 100 → 128×7×7 → 64×14×14 →
// 1×28×28, batch norm, tanh) against dcganDiscriminator (64 → 128 channels, batch norm, leaky ReLU),
// the non-saturating loss, Adam lr 2e-4, β₁ = 0.5, batch 64 — one discriminator and one generator
// update per step (GanTrainer). Samples of a fixed batch of noise after every epoch; both networks
// are checkpointed after every epoch (one safetensors file, written atomically).
//
// A NaN or infinite loss stops training with an error naming the step, before that step's update;
// the example then reloads the last checkpoint and checks it is intact. `--inject-nan-at STEP`
// feeds a batch with a NaN at that step to show it (quick mode does so at step 6).
//
//   deno run -A examples/generative/dcgan.ts [--epochs 3] [--seed 0] [--inject-nan-at STEP]
//   deno run -A examples/generative/dcgan.ts --quick
// → out/generative/dcgan_progress.png (one row of samples per epoch, same noise), dcgan_samples.png
//   (64 samples of the final generator), dcgan_losses.svg, dcgan.safetensors (checkpoint)
import { concat, type NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Adam } from "@nnc/optim";
import { dcganDiscriminator, dcganGenerator, GanTrainer } from "@nnc/models/generative";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { batches, loadFashion } from "./_data.ts";
import { diversity } from "./_gan_metrics.ts";

const report = new ExampleReport("generative", "dcgan");
const epochs = numberFlag("epochs", report.quick ? 2 : 3);
const seed = numberFlag("seed", 0);
const injectAt = numberFlag("inject-nan-at", report.quick ? 6 : -1);
report.note(`backend: ${await preferNative()}`);
const data = await loadFashion(report, {
  train: report.quick ? 256 : 60000,
  test: 64,
  flat: false,
});
const scaled = { x: data.train.x.mul(2).sub(1), y: data.train.y };
const rng = new Rng(seed);
const generator = dcganGenerator({ latentDim: 100, rng });
const discriminator = dcganDiscriminator({ rng });
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
const checkpoint = report.path("dcgan.safetensors");
const fixedNoise = trainer.sampleNoise(64);
const sampleFixed = (): NDArray =>
  noGrad(() => generator.eval().forward(fixedNoise)).data.add(1).div(2);

// What the last checkpoint holds, to check it after a stop.
let saved: NDArray[] = [];
const snapshot = () =>
  [...generator.parameters(), ...discriminator.parameters()].map((p) => p.data.clone());
const progress: NDArray[] = [];
const dLoss: number[] = [], gLoss: number[] = [];
let stopped = false, injected = false;
for (let e = 1; e <= epochs && !stopped; e++) {
  generator.train();
  for (const b of batches(scaled, 64, rng)) {
    let x = b.x;
    if (trainer.stepCount + 1 === injectAt && !injected) {
      x = x.mul(NaN); // a corrupted batch, once
      injected = true;
    }
    try {
      const r = trainer.step(new Tensor(x));
      dLoss.push(r.discriminatorLoss);
      gLoss.push(r.generatorLoss!);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      report.note(`stopped: ${err.message}`);
      const step = await trainer.loadCheckpoint(checkpoint);
      const now = snapshot();
      const intact = saved.length > 0 &&
        now.every((p, i) => p.sub(saved[i]).abs().max().item() === 0);
      report.note(
        `reloaded the checkpoint of step ${step}; identical to what was saved: ${intact}`,
      );
      report.metric("checkpoint intact after the NaN stop", intact ? 1 : 0, { min: 1 });
      if (!report.quick) stopped = true; // quick mode goes on, showing training resumes
    }
  }
  await trainer.saveCheckpoint(checkpoint);
  saved = snapshot();
  progress.push(sampleFixed().slice({ stop: 10 }));
  report.note(
    `epoch ${e}: step ${trainer.stepCount}, D loss ${dLoss.at(-1)?.toFixed(3)}, G loss ${
      gLoss.at(-1)?.toFixed(3)
    }`,
  );
}

const samples = sampleFixed();
const real = data.test.x.slice({ stop: 64 });
report.metric(
  "|mean pixel of samples − of data|",
  Math.abs(samples.mean().item() - real.mean().item()),
  {
    max: report.quick ? 1 : 0.1,
  },
);
report.metric(
  "sample diversity ÷ data diversity (mean pairwise distance)",
  diversity(samples) / diversity(real),
  {
    min: report.quick ? 0 : 0.5,
  },
);
report.metric("final discriminator loss", dLoss.at(-1) ?? NaN, { max: 10 });
const grid = { columns: 10, scale: 2, range: [0, 1] as [number, number] };
await saveImageGrid(report.path("dcgan_progress.png"), concat(progress, 0), grid);
await saveImageGrid(report.path("dcgan_samples.png"), samples, { ...grid, columns: 8 });
const every = Math.max(1, Math.floor(dLoss.length / 400));
const pick = (v: number[]) => v.filter((_, i) => i % every === 0);
const steps = pick(dLoss.map((_, i) => i + 1));
await saveSvg(
  report.path("dcgan_losses.svg"),
  await lineChart([
    { name: "discriminator", x: steps, y: pick(dLoss) },
    { name: "generator (non-saturating)", x: steps, y: pick(gLoss) },
  ], { title: "DCGAN losses", xLabel: "step" }),
);
await report.write();
