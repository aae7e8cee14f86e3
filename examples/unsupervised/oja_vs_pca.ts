// Oja's rule finds the first principal component; Sanger's rule the first k, in order. Checked against
// PCA (eigendecomposition of the covariance) on a 2-d Gaussian cloud and on Fashion-MNIST images.
//
// Without Fashion-MNIST the second part runs on the synthetic shapes (and says so).
//
//   deno run -A examples/unsupervised/oja_vs_pca.ts            (≈ 20 s: 5,000 images, 30 epochs of Sanger)
//   deno run -A examples/unsupervised/oja_vs_pca.ts --quick    (seconds: 1,000 images, 3 epochs)
// → out/unsupervised/oja_2d.svg, oja_angle.svg, sanger_vs_pca_fashion.png, oja_vs_pca.txt,
//   oja_vs_pca.summary.json
import { NDArray, Rng } from "@nnc/tensor";
import { Oja, PCA, Sanger } from "@nnc/models/unsupervised";
import { lineChart, saveImageGrid, saveSvg, xyChart } from "@nnc/plot";
import { ExampleReport } from "../_lib/report.ts";
import { loadPixels } from "../_lib/data.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("unsupervised", "oja_vs_pca");
const backend = await preferNative();
const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const angleDeg = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  (Math.acos(Math.min(1, Math.abs(dot(a, b)) / (norm(a) * norm(b)))) * 180) / Math.PI;

// ----- 2-d: a Gaussian cloud with variances 4 and 0.25 along axes turned by 30° -----
const rng = new Rng(559);
const th = Math.PI / 6;
const cloud = Array.from({ length: 600 }, () => {
  const a = 2 * rng.normal(), b = 0.5 * rng.normal();
  return [a * Math.cos(th) - b * Math.sin(th), a * Math.sin(th) + b * Math.cos(th)];
});
const mean = [0, 1].map((j) => cloud.reduce((s, r) => s + r[j], 0) / cloud.length);
const centred = cloud.map((r) => [r[0] - mean[0], r[1] - mean[1]]);
const pca = new PCA().fit(centred);
const pcs = pca.components.toArray() as number[][];
const vars = pca.explainedVariance.toArray() as number[];
say(
  `2-d cloud (600 points): PCA components ${
    pcs.map((c) => `(${c.map((v) => v.toFixed(4)).join(", ")})`).join(", ")
  }, variances ${vars.map((v) => v.toFixed(4)).join(", ")}`,
);

const oja = new Oja({ weights: [0, 1], lr: (t) => 0.05 / (1 + t / 50) });
const path = [[0, 1]];
const angles: number[] = [angleDeg([0, 1], pcs[0])];
for (let epoch = 0; epoch < 10; epoch++) {
  for (const i of rng.permutation(centred.length)) {
    oja.step(centred[i]);
    const w = oja.weights.toArray() as number[];
    path.push(w);
    angles.push(angleDeg(w, pcs[0]));
  }
}
const wFinal = path[path.length - 1];
say(
  `Oja from w = (0, 1): w = (${wFinal.map((v) => v.toFixed(4)).join(", ")}), ‖w‖ = ${
    norm(wFinal).toFixed(4)
  }, angle to PC1 ${angles[angles.length - 1].toFixed(3)}°`,
);
say();
const R = 3;
await saveSvg(
  report.path("oja_2d.svg"),
  await xyChart([
    {
      type: "points",
      x: centred.map((r) => r[0]),
      y: centred.map((r) => r[1]),
      color: "#9aa",
      size: 2,
      name: "data (centred)",
    },
    ...[0, 1].map((j) => {
      const s = 2 * Math.sqrt(vars[j]);
      return {
        type: "line" as const,
        x: [-s * pcs[j][0], s * pcs[j][0]],
        y: [-s * pcs[j][1], s * pcs[j][1]],
        color: "#222",
        width: j === 0 ? 2.5 : 1.5,
        dashed: j === 1,
        name: `PCA component ${j + 1} (±2σ)`,
      };
    }),
    {
      type: "line",
      x: path.map((w) => R * w[0]),
      y: path.map((w) => R * w[1]),
      color: "#e45756",
      name: `Oja's w (×${R}), all steps`,
    },
    {
      type: "points",
      x: [R * path[0][0]],
      y: [R * path[0][1]],
      color: "#e45756",
      shape: "square",
      size: 5,
      name: "start",
    },
    {
      type: "points",
      x: [R * wFinal[0]],
      y: [R * wFinal[1]],
      color: "#e45756",
      shape: "diamond",
      size: 6,
      name: "end",
    },
  ], {
    title: "Oja's rule turns w onto the first principal component",
    xLabel: "x₁",
    yLabel: "x₂",
    equalAspect: true,
    width: 480,
    height: 400,
  }),
);
await saveSvg(
  report.path("oja_angle.svg"),
  await lineChart([{
    name: "angle(w, PC1)",
    x: angles.map((_, i) => i),
    y: angles.map((a) => Math.max(a, 1e-4)),
  }], {
    title: "Oja's rule: angle between w and PCA's first component",
    xLabel: "step",
    yLabel: "degrees",
    logY: true,
    legend: "none",
  }),
);
report.metric("2-d: final angle between Oja's w and PC1 (degrees)", angles[angles.length - 1], {
  min: 0,
  max: report.quick ? 3 : 1,
});
report.metric("2-d: ‖w‖ (Oja's rule normalises it)", norm(wFinal), { min: 0.95, max: 1.05 });

// ----- Fashion-MNIST: Sanger's first four components against PCA's -----
const pixels = await loadPixels({
  flat: true,
  limit: report.quick ? 1000 : 5000,
  testLimit: 0,
});
const images = pixels.train.x;
const n = images.shape[0], d = images.shape[1];
const x = images.astype("float64").contiguous();
const mu = new Float64Array(d);
for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mu[t] += x.data[i * d + t] / n;
for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) x.data[i * d + t] -= mu[t];
const k = 4, epochs = report.quick ? 3 : 30;
let t0 = performance.now();
const fp = new PCA({ nComponents: k, method: "eigh" }).fit(x);
say(
  `${pixels.source} (first ${n} images, centred; backend ${backend}): PCA in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s, explained variance ratio ${
    (fp.explainedVarianceRatio.toArray() as number[]).map((v) => v.toFixed(4)).join(", ")
  }`,
);
t0 = performance.now();
const gha = new Sanger({ nComponents: k, lr: (t) => 2e-3 / (1 + t / 5000), rng: new Rng(1) }).fit(
  x,
  { epochs },
);
say(
  `Sanger (k = ${k}, ${epochs} epochs, η = 0.002/(1 + t/5000)) in ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s`,
);
const P = fp.components.toArray() as number[][], S = gha.components.toArray() as number[][];
const cosines = P.map((p, j) => Math.abs(dot(p, S[j])) / (norm(p) * norm(S[j])));
for (let j = 0; j < k; j++) {
  say(
    `  component ${j + 1}: |cos(Sanger, PCA)| = ${cosines[j].toFixed(5)}, ‖w‖ = ${
      norm(S[j]).toFixed(4)
    }`,
  );
}
report.metric("Sanger vs PCA, component 1: |cos|", cosines[0], {
  min: report.quick ? 0.9 : 0.99,
  max: 1 + 1e-9,
});
// Row 1: PCA; row 2: Sanger with its sign matched to PCA's.
const grid = new Float64Array(2 * k * d);
for (let j = 0; j < k; j++) {
  const sgn = Math.sign(dot(P[j], S[j])) || 1;
  for (let t = 0; t < d; t++) {
    grid[j * d + t] = P[j][t];
    grid[(k + j) * d + t] = sgn * S[j][t];
  }
}
await saveImageGrid(
  report.path("sanger_vs_pca_fashion.png"),
  NDArray.fromTyped(grid, [2 * k, 28, 28]),
  {
    columns: k,
    scale: 4,
    padding: 4,
    captions: [
      ...P.map((_, j) => `PCA ${j + 1}`),
      ...S.map((_, j) => `Sanger ${j + 1}\n|cos| ${cosines[j].toFixed(3)}`),
    ],
  },
);
say(`  sanger_vs_pca_fashion.png: top row PCA, bottom row Sanger`);
await Deno.writeTextFile(report.path("oja_vs_pca.txt"), lines.join("\n") + "\n");
await report.write();
