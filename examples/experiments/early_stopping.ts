// Early stopping (002-part-b E2, 003 L130–186): an over-sized MLP 1-64-64-1 (tanh) fitted by
// full-batch Adam to 20 noisy samples of cos(1.5πx). The training loss keeps falling; the loss on
// fresh points (validation) falls, then rises as the network threads the noise. EarlyStopping with
// patience 50 and restoreBest stops on its own and hands back the weights of the best epoch.
//
//   deno run -A examples/experiments/early_stopping.ts [--epochs 3000] [--quick]
// → out/experiments/early_stopping_curves.svg, early_stopping_fit.svg, early_stopping.summary.json
import { Rng } from "@nnc/tensor";
import { linspace, noGrad, Tensor } from "@nnc/autograd";
import { mseLoss } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { noisyPolynomial } from "@nnc/datasets";
import { EarlyStopping, fit } from "@nnc/train";
import { mlp } from "@nnc/models/mlp";
import { lineChart, saveSvg, xyChart } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";

const report = new ExampleReport("experiments", "early_stopping");
const epochs = numberFlag("epochs", report.quick ? 1500 : 3000);
const f = (t: number) => Math.cos(1.5 * Math.PI * t);
const train = noisyPolynomial({ fn: f, n: 20, noise: 0.25, seed: 1 });
const val = noisyPolynomial({ fn: f, n: 200, noise: 0.25, seed: 2 });
const make = () => mlp([1, 64, 64, 1], { activation: "tanh", rng: new Rng(0) });

// The whole run, to see both curves.
const full = make();
const history = await fit(full, {
  train: [[train.x, train.y]],
  validation: [[val.x, val.y]],
  loss: mseLoss,
  optimizer: new Adam(full.parameters(), { lr: 0.01 }),
  epochs,
  progress: "none",
});
const valLoss = history.get("valLoss"), trainLoss = history.get("loss");
const best = history.best("valLoss");
report.note(
  `without stopping: validation MSE lowest ${best.value.toFixed(4)} at epoch ${best.epoch}, ${
    valLoss[epochs - 1].toFixed(4)
  } at epoch ${epochs} (training MSE ${trainLoss[epochs - 1].toExponential(2)})`,
);

// The same run with EarlyStopping: it stops by itself and restores the best weights.
const stopped = make();
const stopper = new EarlyStopping({ patience: 50, restoreBest: true });
const h2 = await fit(stopped, {
  train: [[train.x, train.y]],
  validation: [[val.x, val.y]],
  loss: mseLoss,
  optimizer: new Adam(stopped.parameters(), { lr: 0.01 }),
  epochs,
  callbacks: [stopper],
  progress: "none",
});
const restored = noGrad(() => mseLoss(stopped.forward(new Tensor(val.x)), new Tensor(val.y)))
  .item();
report.note(
  `EarlyStopping(patience 50, restoreBest): stopped after ${h2.length} epochs; best epoch ${stopper.bestEpoch}, restored validation MSE ${
    restored.toFixed(4)
  }`,
);
const ep = history.get("epoch");
await saveSvg(
  report.path("early_stopping_curves.svg"),
  await lineChart(
    [
      { name: "training MSE", x: ep, y: trainLoss },
      { name: "validation MSE", x: ep, y: valLoss },
      {
        name: `EarlyStopping stops (epoch ${h2.length})`,
        x: [h2.length, h2.length],
        y: [0.01, 1],
        dashed: true,
      },
    ],
    {
      title: "An over-sized MLP on 20 noisy points",
      xLabel: "epoch",
      yLabel: "MSE",
      logY: true,
      legend: "bottom-left",
    },
  ),
);
const grid = linspace(0, 1, 200).reshape([200, 1]);
const curve = (net: typeof full) => noGrad(() => net.forward(grid)).toArray() as number[][];
const xs = grid.toArray() as number[][];
await saveSvg(
  report.path("early_stopping_fit.svg"),
  await xyChart(
    [
      {
        type: "line",
        x: xs.map((r) => r[0]),
        y: xs.map((r) => f(r[0])),
        name: "cos(1.5πx)",
        color: "#222",
        dashed: true,
      },
      {
        type: "line",
        x: xs.map((r) => r[0]),
        y: curve(full).map((r) => r[0]),
        name: `after ${epochs} epochs`,
      },
      {
        type: "line",
        x: xs.map((r) => r[0]),
        y: curve(stopped).map((r) => r[0]),
        name: `early stopped (epoch ${stopper.bestEpoch})`,
      },
      {
        type: "points",
        x: (train.x.toArray() as number[][]).map((r) => r[0]),
        y: (train.y.toArray() as number[][]).map((r) => r[0]),
        name: "training points",
        color: "#222",
      },
    ],
    {
      domain: { y: [-1.8, 1.8] },
      title: "The fits",
      xLabel: "x",
      yLabel: "y",
      legend: "bottom-left",
    },
  ),
);
report.metric("final / lowest validation MSE (overfitting)", valLoss[epochs - 1] / best.value, {
  min: 1.2,
});
report.metric(
  "restored validation MSE - best of the stopped run",
  Math.abs(restored - h2.best("valLoss").value),
  { min: 0, max: 1e-6 },
);
report.metric("epochs run with EarlyStopping", h2.length, { min: 10, max: epochs - 1 });
await report.write();
