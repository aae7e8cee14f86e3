// Continual learning (000-003 F8): catastrophic forgetting and elastic weight consolidation. Task A is
// Fashion-MNIST, task B the same images under a fixed random permutation of the pixels (same labels,
// a different input distribution). An MLP 784-256-256-10 learns A, then B: fine-tuned plainly it
// forgets A; with the EWC penalty Σ λ/2·F_i(θ_i − θ*_A,i)² (F the diagonal Fisher at θ*_A, estimated
// from per-sample gradients of log p(y | x) with the true labels) it keeps much of A while it learns B.
//
//   deno run -A examples/experiments/continual_learning.ts [--epochs 3] [--lambda 100] [--quick]
// → out/experiments/continual_learning_accuracy.svg, continual_learning.txt,
//   continual_learning.summary.json
import { Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { crossEntropy, ElasticWeightConsolidation, Linear, ReLU, Sequential } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";
import type { ImageData } from "../_lib/data.ts";
import { flatSubset, scoreOf, train } from "./_mlp_runs.ts";

const report = new ExampleReport("experiments", "continual_learning");
const backend = await preferNative();
const quick = report.quick;
const epochs = numberFlag("epochs", quick ? 2 : 3);
const lambda = numberFlag("lambda", 100);
const fisherSamples = numberFlag("fisher-samples", quick ? 100 : 500);

const taskA = await flatSubset(quick ? 2000 : 20000, quick ? 1000 : 5000);
// Task B: every image's pixels moved by one fixed permutation.
const perm = Array.from(new Rng(7).permutation(784));
const permuted = (d: ImageData["train"]) => ({ x: d.x.indexSelect(1, perm), y: d.y });
const taskB: ImageData = { ...taskA, train: permuted(taskA.train), test: permuted(taskA.test) };

function makeNet(): Sequential {
  const rng = new Rng(0);
  return new Sequential(
    new Linear(784, 256, { rng }),
    new ReLU(),
    new Linear(256, 256, { rng }),
    new ReLU(),
    new Linear(256, 10, { rng }),
  );
}
const sgd = (net: Sequential) => new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });

const accuracies = (net: Sequential) => ({
  a: scoreOf(net, taskA.test.x, taskA.test.y).accuracy,
  b: scoreOf(net, taskB.test.x, taskB.test.y).accuracy,
});

// Learn task A once (accuracy on both tasks after every epoch); both runs on B continue from
// copies of the same weights.
const base = makeNet();
const baseOptimizer = sgd(base);
const phaseA = [accuracies(base)];
for (let e = 0; e < epochs; e++) {
  await train(base, taskA, baseOptimizer, 1, undefined, e);
  phaseA.push(accuracies(base));
}
const afterA = phaseA[epochs].a;

async function learnB(useEwc: boolean): Promise<{ a: number; b: number }[]> {
  const net = makeNet();
  net.loadStateDict(base.stateDict());
  let penalty: (() => Tensor) | undefined;
  if (useEwc) {
    const ewc = new ElasticWeightConsolidation(net, { lambda });
    const n = Math.min(fisherSamples, taskA.train.y.shape[0]);
    const rows = Array.from({ length: n }, (_, i) => i);
    net.eval();
    ewc.consolidate(rows, (i) => {
      const x = new Tensor(taskA.train.x.slice({ start: i, stop: i + 1 }));
      const y = new Tensor(taskA.train.y.slice({ start: i, stop: i + 1 }));
      return crossEntropy(net.forward(x), y).neg(); // log p(y | x) of one sample
    });
    penalty = () => ewc.penalty();
  }
  const optimizer = sgd(net);
  const trace = [];
  for (let e = 0; e < epochs; e++) {
    await train(net, taskB, optimizer, 1, penalty, 100 + e);
    trace.push(accuracies(net));
  }
  return trace;
}
const plainTrace = await learnB(false);
const ewcTrace = await learnB(true);
const plain = plainTrace[epochs - 1], withEwc = ewcTrace[epochs - 1];

const lines = [
  `${taskA.source}: ${taskA.train.y.shape[0]} training / ${
    taskA.test.y.shape[0]
  } test images per task, ${epochs} epochs per task, SGD lr 0.05 momentum 0.9, backend ${backend}`,
  `after task A: accuracy on A ${afterA.toFixed(4)}`,
  `after task B, plain fine-tuning: A ${plain.a.toFixed(4)}, B ${plain.b.toFixed(4)}`,
  `after task B, EWC (λ = ${lambda}, Fisher from ${fisherSamples} samples): A ${
    withEwc.a.toFixed(4)
  }, B ${withEwc.b.toFixed(4)}`,
];
for (const line of lines) report.note(line);
await Deno.writeTextFile(report.path("continual_learning.txt"), lines.join("\n") + "\n");
const xA = phaseA.map((_, e) => e), xB = plainTrace.map((_, e) => epochs + e + 1);
const series = (
  name: string,
  trace: { a: number; b: number }[],
  task: "a" | "b",
  dashed = false,
) => ({
  name,
  x: task === "a" ? [...xA, ...xB] : [epochs, ...xB],
  y: task === "a"
    ? [...phaseA.map((r) => r.a), ...trace.map((r) => r.a)]
    : [phaseA[epochs].b, ...trace.map((r) => r.b)],
  dashed,
});
await saveSvg(
  report.path("continual_learning_accuracy.svg"),
  await lineChart(
    [
      series("task A, plain fine-tuning on B", plainTrace, "a"),
      series("task A, EWC while learning B", ewcTrace, "a"),
      series("task B, plain", plainTrace, "b", true),
      series("task B, EWC", ewcTrace, "b", true),
    ],
    {
      title: `Permuted Fashion-MNIST: task A for ${epochs} epochs, then task B`,
      xLabel: "epoch",
      yLabel: "test accuracy",
      legend: "right",
    },
  ),
);
report.metric("task A accuracy after A", afterA, { min: quick ? 0.6 : 0.8, max: 1 });
report.metric("forgetting of A, plain (accuracy lost)", afterA - plain.a, { min: 0.05, max: 1 });
report.metric("task A accuracy kept by EWC beyond plain", withEwc.a - plain.a, {
  min: quick ? 0.02 : 0.1,
  max: 1,
});
report.metric("task B accuracy with EWC", withEwc.b, { min: quick ? 0.4 : 0.6, max: 1 });
await report.write();
