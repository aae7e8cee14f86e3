// The notes' VAE ablations with a 2-d latent space (784-400-2, Bernoulli decoder) on Fashion-MNIST:
// trained on the reconstruction term only, on the KL term only, and on both (the ELBO). The test
// images' codes μ(x), coloured by class, show the three outcomes the notes describe:
//   reconstruction only — classes in clusters spread far apart (an autoencoder's latent space);
//   KL only — one isotropic Gaussian blob with no information (every q(z|x) collapses to the prior);
//   both — a compact "big Gaussian" that keeps the class structure.
// The model trained on both is decoded on a 20 × 20 grid of z ∈ [−3, 3]² (the 2-d latent map).
//
//   deno run -A examples/generative/vae_latent_2d.ts [--epochs 10] [--seed 0]
//   deno run -A examples/generative/vae_latent_2d.ts --quick
// → out/generative/vae_latent_reconstruction_only.svg, vae_latent_kl_only.svg, vae_latent_both.svg
//   (codes of the test images by class), vae_latent_grid.png (decoded grid)
import { Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Adam } from "@nnc/optim";
import { latentGrid, mlpVae, type VAE, type VaeLossOptions } from "@nnc/models/generative";
import { saveImageGrid, saveSvg, scatterChart } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { batches, loadFashion } from "./_data.ts";

const report = new ExampleReport("generative", "vae_latent_2d");
const epochs = numberFlag("epochs", report.quick ? 1 : 10);
const seed = numberFlag("seed", 0);
report.note(`backend: ${await preferNative()}`);
const data = await loadFashion(report, {
  train: report.quick ? 2000 : 60000,
  test: report.quick ? 500 : 2000,
  flat: true,
});

const variants: [string, string, VaeLossOptions][] = [
  ["reconstruction_only", "reconstruction only (β = 0)", { beta: 0 }],
  ["kl_only", "KL only", { reconstructionWeight: 0 }],
  ["both", "reconstruction + KL (the ELBO)", {}],
];
const models = new Map<string, VAE>();
for (const [key, title, options] of variants) {
  const rng = new Rng(seed);
  const vae = mlpVae({ latentDim: 2, rng });
  const opt = new Adam(vae.parameters(), { lr: 1e-3 });
  for (let e = 0; e < epochs; e++) {
    for (const b of batches(data.train, 128, rng)) {
      opt.zeroGrad();
      vae.loss(new Tensor(b.x), { ...options, reduction: "sum" }).loss.backward();
      opt.step();
    }
  }
  vae.eval();
  models.set(key, vae);
  const x = new Tensor(data.test.x);
  const { mu } = noGrad(() => vae.encode(x));
  const terms = noGrad(() => vae.loss(x));
  const spread = mu.data.std({ axis: 0 }).mean().item();
  report.note(
    `${title}: code spread (std of μ) ${spread.toFixed(3)}, KL ${
      terms.kl.item().toFixed(3)
    }, reconstruction ${terms.reconstruction.item().toFixed(1)} nats`,
  );
  await saveSvg(
    report.path(`vae_latent_${key}.svg`),
    await scatterChart(mu.data, data.test.y, {
      title: `VAE codes μ(x), ${title}`,
      classNames: data.classes,
      xLabel: "z₁",
      yLabel: "z₂",
      pointSize: 2,
    }),
  );
  if (key === "reconstruction_only") {
    report.metric("reconstruction only: spread of the codes (≫ 1)", spread, {
      min: report.quick ? 0.5 : 2,
    });
  } else if (key === "kl_only") {
    report.metric("KL only: KL per image (→ 0, codes carry nothing)", terms.kl.item(), {
      max: report.quick ? 0.5 : 0.05,
    });
  } else {
    report.metric("ELBO: spread of the codes (≈ 1, the prior's)", spread, { min: 0.3, max: 2 });
    report.metric("ELBO: test negative ELBO (nats per image)", terms.loss.item(), {
      max: report.quick ? 600 : 300,
    });
  }
}

const both = models.get("both")!;
const grid = noGrad(() => both.decodeMean(new Tensor(latentGrid(20, 3)))).data;
await saveImageGrid(report.path("vae_latent_grid.png"), grid, {
  imageShape: [28, 28],
  columns: 20,
  padding: 1,
  range: [0, 1],
});
await report.write();
