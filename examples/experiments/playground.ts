// A replica of the TensorFlow Playground run of the notes (000:L389): the "circle" data (500
// points, noise 0, half for training), inputs x₁ and x₂ only, two hidden layers of 4 and 2 tanh
// units, a tanh output, labels ±1, the Playground's loss ½(output − label)², plain gradient descent
// with learning rate 0.03 on batches of 10 (averaged), no regularisation. Weights start uniform in
// [−0.5, 0.5] and biases at 0.1, as in the Playground. Training loss and test loss are its two
// curves; the picture is its output map.
//
//   deno run -A examples/experiments/playground.ts [--epochs 300] [--seed 0] [--quick]
// → out/experiments/playground_map.svg, playground_loss.svg, playground.summary.json
import { type NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { init, Linear, Sequential, Tanh } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { circles, DataLoader, TensorDataset } from "@nnc/datasets";
import { fit } from "@nnc/train";
import { lineChart, saveSvg, xyChart } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";

const report = new ExampleReport("experiments", "playground");
const seed = numberFlag("seed", 0), epochs = numberFlag("epochs", report.quick ? 100 : 300);
const rng = new Rng(seed);
const all = circles({ n: 500, layout: "playground", noise: 0, seed: seed + 1 });
// The Playground shuffles the points once, then splits them in half.
const order = Array.from(rng.permutation(500));
const x = all.x.indexSelect(0, order), label = all.y.indexSelect(0, order);
const pm1 = label.astype("float32").mul(2).sub(1).reshape([500, 1]); // ±1
const split = (a: NDArray, from: number, to: number) => a.slice({ start: from, stop: to });
const train = { x: split(x, 0, 250), y: split(pm1, 0, 250) };
const test = { x: split(x, 250, 500), y: split(pm1, 250, 500) };

const layer = (i: number, o: number) => {
  const l = new Linear(i, o);
  init.uniform(l.weight, -0.5, 0.5, { rng });
  l.bias!.data = l.bias!.data.mul(0).add(0.1);
  return l;
};
const net = new Sequential(
  layer(2, 4),
  new Tanh(),
  layer(4, 2),
  new Tanh(),
  layer(2, 1),
  new Tanh(),
);
const halfSquare = (out: Tensor, y: Tensor) => out.sub(y).square().mean().mul(0.5);
const lossOn = (d: { x: NDArray; y: NDArray }) =>
  noGrad(() => halfSquare(net.forward(new Tensor(d.x)), new Tensor(d.y))).item();
const accuracyOn = (d: { x: NDArray; y: NDArray }) => {
  const out = noGrad(() => net.forward(new Tensor(d.x))).data;
  return out.gt(0).astype("float32").mul(2).sub(1).eq(d.y).astype("float32").mean().item();
};
const trainLoss = [lossOn(train)], testLoss = [lossOn(test)];
const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 10 });
const optimizer = new SGD(net.parameters(), { lr: 0.03 });
for (let e = 1; e <= epochs; e++) {
  await fit(net, { train: loader, loss: halfSquare, optimizer, epochs: 1, progress: "none" });
  trainLoss.push(lossOn(train));
  testLoss.push(lossOn(test));
}
const acc = accuracyOn(test);
report.note(
  `circle, tanh 2-4-2-1, lr 0.03, batch 10: after ${epochs} epochs training loss ${
    trainLoss[epochs].toFixed(4)
  }, test loss ${testLoss[epochs].toFixed(4)}, test accuracy ${acc.toFixed(3)}`,
);
const steps = trainLoss.map((_, i) => i);
await saveSvg(
  report.path("playground_loss.svg"),
  await lineChart(
    [
      { name: "training loss", x: steps, y: trainLoss },
      { name: "test loss", x: steps, y: testLoss, dashed: true },
    ],
    {
      title: "Playground: circle, tanh 4-2, lr 0.03, batch 10",
      xLabel: "epoch",
      yLabel: "½(out − label)²",
      legend: "top-right",
    },
  ),
);
const pts = (d: { x: NDArray; y: NDArray }) => ({
  x: d.x.slice(null, 0).toArray() as number[],
  y: d.x.slice(null, 1).toArray() as number[],
  groups: (d.y.reshape([-1]).toArray() as number[]).map((v) =>
    v > 0 ? "inside (+1)" : "outside (−1)"
  ),
});
await saveSvg(
  report.path("playground_map.svg"),
  await xyChart(
    [
      {
        type: "regions",
        classify: (p: NDArray) =>
          noGrad(() => net.forward(new Tensor(p))).data.gt(0).astype("int32").reshape([-1]),
        names: ["outside (−1)", "inside (+1)"],
        resolution: 100,
      },
      { type: "points", ...pts(train), size: 3 },
      { type: "points", ...pts(test), shape: "x", size: 3 },
    ],
    {
      domain: { x: [-6, 6], y: [-6, 6] },
      equalAspect: true,
      title: `Output of the network after ${epochs} epochs (dots: training, crosses: test)`,
      xLabel: "x₁",
      yLabel: "x₂",
    },
  ),
);
// Two balanced classes, separable by a circle: chance is 0.5.
report.metric("test accuracy", acc, { min: report.quick ? 0.75 : 0.95, max: 1 });
report.metric("test loss", testLoss[epochs], { min: 0, max: report.quick ? 0.4 : 0.1 });
await report.write();
