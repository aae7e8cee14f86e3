// k-means on the 60,000 Fashion-MNIST training images (HW7 Q1 of the notes, with Fashion-MNIST in place
// of MNIST): Lloyd's algorithm with k-means++, the notes' "k-means as a neural network" trained by SGD
// (softmax over 20·(x·c − ½‖c‖²), batch 64, η = 4.5) from one image of each class ("cheat" start) and
// from uniform noise (mode collapse), and mini-batch k-means with the HW7 step α = η/5. Without
// Fashion-MNIST it runs on the synthetic shapes (and says so).
//
//   deno run -A examples/unsupervised/kmeans_fashion_mnist.ts [--epochs 10]   (a few minutes)
//   deno run -A examples/unsupervised/kmeans_fashion_mnist.ts --quick         (seconds: 2,000 images, 1 epoch)
// → out/unsupervised/kmeans_fashion_centers.png, kmeans_fashion_network_centers.png,
//   kmeans_fashion_network_noise_centers.png, kmeans_fashion_inertia.svg, kmeans_fashion_minibatch.svg,
//   kmeans_fashion_clusters.svg, kmeans_fashion.txt, kmeans_fashion_mnist.summary.json
import { NDArray, Rng } from "@nnc/tensor";
import { KMeans, KMeansNetwork, MiniBatchKMeans } from "@nnc/models/unsupervised";
import { heatmapChart, lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import { loadPixels } from "../_lib/data.ts";

const report = new ExampleReport("unsupervised", "kmeans_fashion_mnist");
const EPOCHS = numberFlag("epochs", report.quick ? 1 : 10);
const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};

const backend = await preferNative();
const data = await loadPixels({ flat: true, limit: report.quick ? 2000 : Infinity, testLimit: 0 });
const images = data.train.x.astype("float32").contiguous();
const labels = data.train.y.contiguous().data as Int32Array;
const CLASSES = data.classes;
const [n, d] = images.shape;
say(`${data.source}: ${n} training images of ${d} pixels in [0, 1]; backend ${backend}`);
say();

/**
 * Class × cluster counts, the share of points in their cluster's majority class, and the
 * majority class of each cluster.
 */
function table(
  title: string,
  assign: Int32Array,
): { counts: number[][]; purity: number; majority: string[] } {
  const counts = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (let i = 0; i < n; i++) counts[labels[i]][assign[i]]++;
  say(title);
  say(
    `${"class \\ cluster".padEnd(16)}${
      Array.from({ length: 10 }, (_, j) => String(j + 1).padStart(6)).join("")
    }`,
  );
  counts.forEach((row, c) =>
    say(`${CLASSES[c].padEnd(16)}${row.map((v) => String(v).padStart(6)).join("")}`)
  );
  let inMajority = 0;
  const majority: string[] = [];
  for (let j = 0; j < 10; j++) {
    const column = counts.map((row) => row[j]);
    const best = Math.max(...column);
    inMajority += best;
    majority.push(best === 0 ? "empty" : CLASSES[column.indexOf(best)]);
  }
  const empty = majority.filter((m) => m === "empty").length;
  const purity = inMajority / n;
  say(`purity ${purity.toFixed(4)}; empty clusters ${empty}`);
  say();
  return { counts, purity, majority };
}

/** The centres as a captioned image grid: cluster number and majority class. */
async function centresGrid(
  file: string,
  centers: NDArray,
  majority: readonly string[],
): Promise<void> {
  await saveImageGrid(report.path(file), centers, {
    imageShape: [28, 28],
    columns: 10,
    scale: 3,
    padding: 4,
    range: [0, 1],
    captions: majority.map((m, j) => `${j + 1}\n${m}`),
  });
}

// 1. Lloyd's algorithm with k-means++.
let t0 = performance.now();
const km = new KMeans({
  nClusters: 10,
  init: "k-means++",
  maxIter: report.quick ? 30 : 100,
  tol: 1e-4,
  rng: new Rng(559),
}).fit(images);
const lloydSeconds = (performance.now() - t0) / 1000;
say(
  `Lloyd (k-means++ start): ${km.nIter} iterations in ${lloydSeconds.toFixed(1)} s, inertia ${
    km.inertia.toFixed(1)
  } (${(km.inertia / n).toFixed(3)} per image)`,
);
const lloyd = table("Lloyd: images of each class per cluster", km.labels.data as Int32Array);
await centresGrid("kmeans_fashion_centers.png", km.centers, lloyd.majority);
await saveSvg(
  report.path("kmeans_fashion_clusters.svg"),
  await heatmapChart(lloyd.counts, {
    xLabels: lloyd.majority.map((m, j) => `${j + 1} (${m})`),
    yLabels: CLASSES,
    annotate: true,
    xLabel: "cluster (majority class)",
    yLabel: "class",
    valueLabel: "images",
    title: `Lloyd's k-means on ${data.source}: images of each class per cluster`,
  }),
);
await saveSvg(
  report.path("kmeans_fashion_inertia.svg"),
  await lineChart([{
    name: "Lloyd",
    x: km.history.map((h) => h.iteration),
    y: km.history.map((h) => h.inertia / n),
  }], {
    title: `k-means on ${data.source}: mean squared distance to the centre`,
    xLabel: "iteration",
    yLabel: "inertia / n",
  }),
);
report.metric("Lloyd: purity (chance 0.1)", lloyd.purity, { min: 0.4, max: 1 });
report.metric("Lloyd: inertia per image", km.inertia / n, { min: 0, max: 100 });

// 2. The notes' network form from one image of each class. HW7's PyTorch code averages the squared error
// over batch and pixels (MSELoss), so η = 4.5 is a step of 4.5/784 per pixel-summed loss.
const pixels = images.data as Float32Array;
const cheat = new Float64Array(10 * d);
for (let c = 0; c < 10; c++) {
  const i = labels.indexOf(c);
  for (let t = 0; t < d; t++) cheat[c * d + t] = pixels[i * d + t];
}
t0 = performance.now();
const net = new KMeansNetwork({
  centers: NDArray.fromTyped(cheat.slice(), [10, d]),
  beta: 20,
  lr: 4.5,
  reduction: "mean",
});
const netLosses = net.fit(images, { epochs: EPOCHS, batchSize: 64, rng: new Rng(1) });
say(
  `k-means network as in HW7's code (β = 20, η = 4.5, MSELoss over batch and pixels, batch 64, ${EPOCHS} epochs, one image per class to start): ${
    ((performance.now() - t0) / 1000).toFixed(1)
  } s`,
);
say(`  mean batch loss per epoch (per pixel): ${netLosses.map((l) => l.toFixed(5)).join(", ")}`);
const network = table(
  "k-means network: images of each class per cluster",
  net.predict(images).data as Int32Array,
);
await centresGrid("kmeans_fashion_network_centers.png", net.centers, network.majority);
report.metric("network from one image per class: purity", network.purity, { min: 0.3, max: 1 });

// The notes' derivation (loss summed over pixels, η = 4.5 ⇒ C_i ← (1 − α)C_i + α m_i with α = 2η|V_i|/b)
// assumes |V_i| ≈ b/10; a cell with more than b/η ≈ 14 of the 64 images gets α > 2 and its centre diverges.
const notes = new KMeansNetwork({
  centers: NDArray.fromTyped(cheat.slice(), [10, d]),
  beta: 20,
  lr: 4.5,
  reduction: "sumFeatures",
});
const probe = new Rng(5);
const notesLoss: number[] = [];
for (let b = 0; b < 30; b++) {
  const idx = Array.from({ length: 64 }, () => probe.int(0, n));
  const batch = NDArray.fromTyped(
    Float32Array.from(idx.flatMap((i) => Array.from(pixels.subarray(i * d, (i + 1) * d)))),
    [64, d],
  );
  notesLoss.push(notes.step(batch));
}
say(
  `  with the loss summed over pixels and η = 4.5, the batch loss goes ${
    notesLoss.filter((_, i) => i % 5 === 0).map((l) => l.toExponential(2)).join(" → ")
  }: unstable`,
);
say();

// 3. Uniform start: centres far from every image lose the competition for good (HW7 (c)).
const rng = new Rng(7);
const uniform = NDArray.fromTyped(Float64Array.from({ length: 10 * d }, () => rng.random()), [
  10,
  d,
]);
const collapsed = new KMeansNetwork({ centers: uniform, beta: 20, lr: 4.5, reduction: "mean" });
const collapsedLosses = collapsed.fit(images, { epochs: EPOCHS, batchSize: 64, rng: new Rng(2) });
say(
  `k-means network from U[0, 1] centres: loss per epoch ${
    collapsedLosses.map((l) => l.toFixed(5)).join(", ")
  }`,
);
const noise = table(
  "k-means network from noise: images of each class per cluster (look for empty clusters)",
  collapsed.predict(images).data as Int32Array,
);
await centresGrid("kmeans_fashion_network_noise_centers.png", collapsed.centers, noise.majority);
report.metric(
  "network from noise: empty clusters",
  noise.majority.filter((m) => m === "empty").length,
  {
    min: 0,
    max: 9,
  },
);

// 4. Mini-batch k-means: the HW7 step α = 4.5/5 against per-centre counts.
const mbSeries: { x: number[]; y: number[]; name: string }[] = [];
for (
  const [name, learningRate] of [["α = 0.9 (HW7, η = 4.5)", 0.9], [
    "1/count (Sculley)",
    "count",
  ]] as const
) {
  const mb = new MiniBatchKMeans({
    nClusters: 10,
    batchSize: 64,
    learningRate,
    init: NDArray.fromTyped(cheat.slice(), [10, d]),
    rng: new Rng(3),
  });
  mb.fit(images, { epochs: 1 });
  const batches = mb.history.map((h) => h.batchInertia);
  const window = Math.max(1, Math.min(50, Math.floor(batches.length / 20)));
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i + window <= batches.length; i += window) {
    xs.push(i);
    ys.push(batches.slice(i, i + window).reduce((a, b) => a + b, 0) / window);
  }
  mbSeries.push({ x: xs, y: ys, name });
  const perImage = mb.inertia(images) / n;
  say(
    `mini-batch k-means, ${name}: inertia after one epoch ${
      perImage.toFixed(3)
    } per image (Lloyd: ${(km.inertia / n).toFixed(3)})`,
  );
  if (learningRate === "count") {
    report.metric("mini-batch (1/count): inertia / Lloyd's", perImage / (km.inertia / n), {
      min: 0.9,
      max: 1.5,
    });
  }
}
await saveSvg(
  report.path("kmeans_fashion_minibatch.svg"),
  await lineChart(mbSeries, {
    title: `Mini-batch k-means on ${data.source} (batch 64)`,
    xLabel: "batch",
    yLabel: "batch inertia / b (running mean)",
  }),
);
await Deno.writeTextFile(report.path("kmeans_fashion.txt"), lines.join("\n") + "\n");
await report.write();
