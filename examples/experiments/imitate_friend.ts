// "Imitate a friend's network" (HW5 Q2, 001-004 G13 and B4.4): 1,000 points of [−1, 1]² labelled by
// a hidden network with step activations (a triangle); a two-layer network of slope-a sigmoids
// learns the labels by hand-written back-propagation with the loss (f − y)². The homework's
// protocol — a = 5, three hidden units, weights N(0, 0.1²), per-example SGD with η = 0.01, 100
// epochs — learns slowly; its "hacks" each help or hurt: a steeper sigmoid (a = 10), η₀ = 0.1 on
// minibatches of 5 with η ← 0.9η whenever the epoch's MSE rises, full-batch GD, more hidden units,
// and the two bad starts (all-zero weights: every hidden unit stays the same; large weights:
// saturated sigmoids with vanishing gradients).
//
//   deno run -A examples/experiments/imitate_friend.ts [--epochs 100] [--quick]
// → out/experiments/imitate_friend_mse.svg, imitate_friend_regions.svg, imitate_friend.txt,
//   imitate_friend.summary.json
import { NDArray, Rng } from "@nnc/tensor";
import { lineChart, saveSvg, xyChart } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { friend, SigmoidNet } from "./_friend.ts";

const report = new ExampleReport("experiments", "imitate_friend");
const epochs = numberFlag("epochs", report.quick ? 30 : 100);
const rng = new Rng(0);
const points = Array.from({ length: 1000 }, () => {
  const x = rng.uniform(-1, 1), y = rng.uniform(-1, 1);
  return [x, y, friend(x, y)];
});
report.note(
  `${points.filter((p) => p[2] === 1).length} of 1000 points inside the friend's triangle`,
);

interface Variant {
  name: string;
  k: number;
  a: number;
  init: number;
  eta: number;
  batch: number;
  decay: boolean;
}
const variants: Variant[] = [
  {
    name: "homework: a 5, per-example SGD η 0.01",
    k: 3,
    a: 5,
    init: 0.1,
    eta: 0.01,
    batch: 1,
    decay: false,
  },
  { name: "a 10", k: 3, a: 10, init: 0.1, eta: 0.01, batch: 1, decay: false },
  {
    name: "a 10, η₀ 0.1, batch 5, ×0.9 on a rise",
    k: 3,
    a: 10,
    init: 0.1,
    eta: 0.1,
    batch: 5,
    decay: true,
  },
  { name: "full-batch GD η 1", k: 3, a: 5, init: 0.1, eta: 1, batch: 1000, decay: false },
  {
    name: "10 hidden units (as the improved run)",
    k: 10,
    a: 10,
    init: 0.1,
    eta: 0.1,
    batch: 5,
    decay: true,
  },
  { name: "zero init (improved run)", k: 3, a: 10, init: 0, eta: 0.1, batch: 5, decay: true },
  { name: "large init σ 3 (improved run)", k: 3, a: 10, init: 3, eta: 0.1, batch: 5, decay: true },
];
const results = variants.map((v) => {
  const init = new Rng(1);
  const net = new SigmoidNet(v.k, v.a, () => init.normal(0, v.init));
  let eta = v.eta;
  const mse = [net.mse(points)];
  const order = new Rng(2);
  for (let e = 1; e <= epochs; e++) {
    const idx = order.permutation(points.length);
    for (let s = 0; s < points.length; s += v.batch) {
      net.step(Array.from(idx.subarray(s, s + v.batch), (i) => points[i]), eta);
    }
    mse.push(net.mse(points));
    if (v.decay && e > 1 && mse[e] > mse[e - 1]) eta *= 0.9;
  }
  const accuracy = points.filter(([x, y, t]) => (net.predict(x, y) > 0.5 ? 1 : 0) === t).length /
    points.length;
  return { ...v, net, mse, accuracy };
});
const lines = results.map((r) =>
  `${r.name}: MSE ${r.mse[0].toFixed(4)} → ${
    r.mse[epochs].toFixed(4)
  } after ${epochs} epochs, accuracy ${r.accuracy.toFixed(3)}`
);
for (const l of lines) report.note(l);
await saveSvg(
  report.path("imitate_friend_mse.svg"),
  await lineChart(
    results.map((r) => ({
      name: r.name,
      x: r.mse.map((_, e) => e),
      y: r.mse,
      dashed: r.name.includes("init"),
    })),
    {
      title: "Imitating the friend's network: MSE per epoch",
      xLabel: "epoch",
      yLabel: "Σ(Y − Ŷ)²/N",
      logY: true,
      legend: "right",
    },
  ),
);
const best = results[2];
await saveSvg(
  report.path("imitate_friend_regions.svg"),
  await xyChart(
    [
      {
        type: "regions",
        classify: (p: NDArray) => {
          const v = p.toArray() as number[][];
          return NDArray.fromTyped(
            Int32Array.from(v, ([x, y]) => (best.net.predict(x, y) > 0.5 ? 1 : 0)),
          );
        },
        names: ["outside", "inside"],
        resolution: 100,
      },
      {
        type: "line",
        x: [-0.5, -0.5, 1.0, -0.5],
        y: [-0.866, 0.866, 0, -0.866],
        name: "the friend's triangle",
        color: "#222",
      },
      {
        type: "points",
        x: points.slice(0, 300).map((p) => p[0]),
        y: points.slice(0, 300).map((p) => p[1]),
        groups: points.slice(0, 300).map((p) => (p[2] ? "inside" : "outside")),
        size: 2,
      },
    ],
    {
      domain: { x: [-1, 1], y: [-1, 1] },
      equalAspect: true,
      title: `The student (${best.name}) after ${epochs} epochs`,
      xLabel: "x₁",
      yLabel: "x₂",
    },
  ),
);
await Deno.writeTextFile(report.path("imitate_friend.txt"), lines.join("\n") + "\n");
report.metric(
  "improved run: final MSE / homework run's",
  best.mse[epochs] / results[0].mse[epochs],
  { min: 0, max: 0.8 },
);
report.metric("improved run: accuracy", best.accuracy, { min: report.quick ? 0.8 : 0.9, max: 1 });
report.metric("zero init: final MSE / improved run's", results[5].mse[epochs] / best.mse[epochs], {
  min: 1.5,
});
await report.write();
