// k-means on the 60,000 Fashion-MNIST training images (HW7 Q1 of the notes, with Fashion-MNIST in place
// of MNIST): Lloyd's algorithm with k-means++, the notes' "k-means as a neural network" trained by SGD
// (softmax over 20·(x·c − ½‖c‖²), batch 64, η = 4.5) from one image of each class ("cheat" start) and
// from uniform noise (mode collapse), and mini-batch k-means with the HW7 step α = η/5.
//
//   deno run -A examples/kmeans_fashion_mnist.ts [--epochs 10]
//   NNC_BACKEND=native deno run -A examples/kmeans_fashion_mnist.ts   (with @nnc/native importable)
// → out/kmeans_fashion_*.png, out/kmeans_fashion_*.svg, out/kmeans_fashion.txt
import { getBackend, NDArray, Rng } from "@nnc/tensor";
import { KMeans, KMeansNetwork, MiniBatchKMeans } from "@nnc/models/unsupervised";
import { fashionMnist } from "@nnc/datasets";
import { saveImageGrid } from "../plot/_png.ts";
import { lineChart } from "../plot/_svg.ts";

const OUT = "out";
const epochsArg = Deno.args.indexOf("--epochs");
const EPOCHS = epochsArg >= 0 ? Number(Deno.args[epochsArg + 1]) : 10;
const lines: string[] = [];
const say = (s = "") => {
  console.log(s);
  lines.push(s);
};

if (Deno.env.get("NNC_BACKEND") === "native") {
  try {
    const specifier = "@nnc/native"; // optional package: not a static import
    await import(specifier);
  } catch (e) {
    console.error(`native backend unavailable (${(e as Error).message}); using the JS backend`);
  }
}

let data;
try {
  data = await fashionMnist({ split: "train", flat: true });
} catch (e) {
  console.error(`skipped: ${(e as Error).message}`);
  Deno.exit(0);
}
const { images, classes: FASHION_CLASSES } = data;
const labels = data.labels.data as Int32Array;
const [n, d] = images.shape;
await Deno.mkdir(OUT, { recursive: true });
say(`Fashion-MNIST: ${n} training images of ${d} pixels in [0, 1]; backend ${getBackend().name}`);
say();

/** Class × cluster counts and the share of points in their cluster's majority class. */
function table(title: string, assign: Int32Array): void {
  const counts = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (let i = 0; i < n; i++) counts[labels[i]][assign[i]]++;
  say(title);
  say(
    `${"class \\ cluster".padEnd(16)}${
      Array.from({ length: 10 }, (_, j) => String(j).padStart(6)).join("")
    }`,
  );
  counts.forEach((row, c) =>
    say(`${FASHION_CLASSES[c].padEnd(16)}${row.map((v) => String(v).padStart(6)).join("")}`)
  );
  let majority = 0;
  for (let j = 0; j < 10; j++) majority += Math.max(...counts.map((row) => row[j]));
  const empty =
    Array.from({ length: 10 }, (_, j) => counts.every((row) => row[j] === 0)).filter(Boolean)
      .length;
  say(
    `total ${counts.flat().reduce((a, b) => a + b, 0)}; purity ${
      (majority / n).toFixed(4)
    }; empty clusters ${empty}`,
  );
  say();
}

// 1. Lloyd's algorithm with k-means++.
let t0 = performance.now();
const km = new KMeans({
  nClusters: 10,
  init: "k-means++",
  maxIter: 100,
  tol: 1e-4,
  rng: new Rng(559),
}).fit(images);
const lloydSeconds = (performance.now() - t0) / 1000;
say(
  `Lloyd (k-means++ start): ${km.nIter} iterations in ${lloydSeconds.toFixed(1)} s, inertia ${
    km.inertia.toFixed(1)
  } (${(km.inertia / n).toFixed(3)} per image)`,
);
table("Lloyd: images of each class per cluster", km.labels.data as Int32Array);
await saveImageGrid(`${OUT}/kmeans_fashion_centers.png`, km.centers.data, 10, {
  height: 28,
  width: 28,
  columns: 10,
  scale: 3,
  min: 0,
  max: 1,
});
await lineChart([{
  x: km.history.map((h) => h.iteration),
  y: km.history.map((h) => h.inertia / n),
  label: "Lloyd",
}], {
  title: "k-means on Fashion-MNIST: mean squared distance to the centre",
  xLabel: "iteration",
  yLabel: "inertia / n",
}).save(`${OUT}/kmeans_fashion_inertia.svg`);

// 2. The notes' network form from one image of each class. HW7's PyTorch code averages the squared error
// over batch and pixels (MSELoss), so η = 4.5 is a step of 4.5/784 per pixel-summed loss.
const cheat = new Float64Array(10 * d);
for (let c = 0; c < 10; c++) {
  const i = labels.indexOf(c);
  for (let t = 0; t < d; t++) cheat[c * d + t] = images.data[i * d + t];
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
table("k-means network: images of each class per cluster", net.predict(images).data as Int32Array);
await saveImageGrid(`${OUT}/kmeans_fashion_network_centers.png`, net.centers.data, 10, {
  height: 28,
  width: 28,
  columns: 10,
  scale: 3,
  min: 0,
  max: 1,
});

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
    Float32Array.from(idx.flatMap((i) => Array.from(images.data.subarray(i * d, (i + 1) * d)))),
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
table(
  "k-means network from noise: images of each class per cluster (look for empty clusters)",
  collapsed.predict(images).data as Int32Array,
);
await saveImageGrid(`${OUT}/kmeans_fashion_network_noise_centers.png`, collapsed.centers.data, 10, {
  height: 28,
  width: 28,
  columns: 10,
  scale: 3,
  min: 0,
  max: 1,
});

// 4. Mini-batch k-means: the HW7 step α = 4.5/5 against per-centre counts.
const mbSeries: { x: number[]; y: number[]; label: string }[] = [];
for (
  const [label, learningRate] of [["α = 0.9 (HW7, η = 4.5)", 0.9], [
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
  const smooth = mb.history.map((h) => h.batchInertia);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i + 50 <= smooth.length; i += 50) {
    xs.push(i);
    ys.push(smooth.slice(i, i + 50).reduce((a, b) => a + b, 0) / 50);
  }
  mbSeries.push({ x: xs, y: ys, label });
  say(
    `mini-batch k-means, ${label}: inertia after one epoch ${
      (mb.inertia(images) / n).toFixed(3)
    } per image (Lloyd: ${(km.inertia / n).toFixed(3)})`,
  );
}
await lineChart(mbSeries, {
  title: "Mini-batch k-means on Fashion-MNIST (batch 64)",
  xLabel: "batch",
  yLabel: "batch inertia / b (mean of 50 batches)",
})
  .save(`${OUT}/kmeans_fashion_minibatch.svg`);
await Deno.writeTextFile(`${OUT}/kmeans_fashion.txt`, lines.join("\n") + "\n");
console.log(
  `\nwrote ${OUT}/kmeans_fashion_centers.png, kmeans_fashion_network_centers.png, kmeans_fashion_network_noise_centers.png, kmeans_fashion_inertia.svg, kmeans_fashion_minibatch.svg, kmeans_fashion.txt`,
);
