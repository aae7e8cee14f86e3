// Oja's rule finds the first principal component; Sanger's rule the first k, in order. Checked against
// PCA (eigendecomposition of the covariance) on a 2-d Gaussian cloud and on Fashion-MNIST images.
//
//   deno run -A examples/oja_vs_pca.ts   → out/oja_*.svg, out/sanger_vs_pca_fashion.png, out/oja_vs_pca.txt
import { Rng } from "@nnc/tensor";
import { Oja, PCA, Sanger } from "@nnc/models/unsupervised";
import { lineChart, PALETTE, SvgPlot } from "../plot/_svg.ts";
import { fashionMnist } from "@nnc/datasets";
import { saveImageGrid } from "../plot/_png.ts";

const OUT = "out";
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

await Deno.mkdir(OUT, { recursive: true });

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
const p = new SvgPlot({
  title: "Oja's rule turns w onto the first principal component",
  xLabel: "x₁",
  yLabel: "x₂",
  equalAspect: true,
  width: 760,
  height: 560,
  legend: "outside",
});
p.points(centred.map((r) => r[0]), centred.map((r) => r[1]), {
  color: "#9aa",
  radius: 2,
  stroke: "none",
  label: "data (centred)",
});
for (let j = 0; j < 2; j++) {
  const s = 2 * Math.sqrt(vars[j]);
  p.line([-s * pcs[j][0], s * pcs[j][0]], [-s * pcs[j][1], s * pcs[j][1]], {
    color: "#222",
    width: j === 0 ? 2.5 : 1.5,
    dashed: j === 1,
    label: `PCA component ${j + 1} (±2σ)`,
  });
}
const R = 3;
p.line(path.map((w) => R * w[0]), path.map((w) => R * w[1]), {
  color: PALETTE[2],
  width: 2,
  label: `Oja's w (×${R}), all steps`,
});
p.points([R * path[0][0]], [R * path[0][1]], {
  color: PALETTE[2],
  marker: "square",
  radius: 5,
  label: "start",
});
p.points([R * wFinal[0]], [R * wFinal[1]], {
  color: PALETTE[2],
  marker: "diamond",
  radius: 6,
  label: "end",
});
await p.save(`${OUT}/oja_2d.svg`);
await lineChart([{
  x: angles.map((_, i) => i),
  y: angles.map((a) => Math.max(a, 1e-4)),
  label: "angle(w, PC1)",
}], {
  title: "Oja's rule: angle between w and PCA's first component",
  xLabel: "step",
  yLabel: "degrees",
  logY: true,
}).save(`${OUT}/oja_angle.svg`);

// ----- Fashion-MNIST: Sanger's first four components against PCA's -----
try {
  const { images } = await fashionMnist({ split: "train", flat: true });
  const n = 5000, d = images.shape[1];
  const x = images.slice({ start: 0, stop: n }).astype("float64").contiguous();
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mu[t] += x.data[i * d + t] / n;
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) x.data[i * d + t] -= mu[t];
  const k = 4;
  let t0 = performance.now();
  const fp = new PCA({ nComponents: k, method: "eigh" }).fit(x);
  say(
    `Fashion-MNIST (first ${n} images, centred): PCA in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s, explained variance ratio ${
      (fp.explainedVarianceRatio.toArray() as number[]).map((v) => v.toFixed(4)).join(", ")
    }`,
  );
  t0 = performance.now();
  const gha = new Sanger({ nComponents: k, lr: (t) => 2e-3 / (1 + t / 5000), rng: new Rng(1) }).fit(
    x,
    { epochs: 30 },
  );
  say(
    `Sanger (k = ${k}, 30 epochs, η = 0.002/(1 + t/5000)) in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  const P = fp.components.toArray() as number[][], S = gha.components.toArray() as number[][];
  for (let j = 0; j < k; j++) {
    say(
      `  component ${j + 1}: |cos(Sanger, PCA)| = ${
        (Math.abs(dot(P[j], S[j])) / (norm(P[j]) * norm(S[j]))).toFixed(5)
      }, ‖w‖ = ${norm(S[j]).toFixed(4)}`,
    );
  }
  // Row 1: PCA; row 2: Sanger with its sign matched to PCA's.
  const grid = new Float64Array(2 * k * d);
  for (let j = 0; j < k; j++) {
    const sgn = Math.sign(dot(P[j], S[j])) || 1;
    for (let t = 0; t < d; t++) {
      grid[j * d + t] = P[j][t];
      grid[(k + j) * d + t] = sgn * S[j][t];
    }
  }
  await saveImageGrid(`${OUT}/sanger_vs_pca_fashion.png`, grid, 2 * k, {
    height: 28,
    width: 28,
    columns: k,
    scale: 4,
  });
  say(`  out/sanger_vs_pca_fashion.png: top row PCA, bottom row Sanger`);
} catch (e) {
  say(`Fashion-MNIST part skipped: ${(e as Error).message}`);
}
await Deno.writeTextFile(`${OUT}/oja_vs_pca.txt`, lines.join("\n") + "\n");
console.log(`\nwrote ${OUT}/oja_2d.svg, oja_angle.svg, sanger_vs_pca_fashion.png, oja_vs_pca.txt`);
