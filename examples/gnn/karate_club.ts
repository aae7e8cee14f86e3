// Zachary's karate club with one labelled member per faction (Mr. Hi, node 0, and the Officer,
// node 33): a GCN (Kipf & Welling) on one-hot node identities learns the split of the other 32
// members from the friendships alone. The network ends in a 2-d hidden layer, so the learned
// embedding can be drawn as training goes.
//
//   deno run -A examples/gnn/karate_club.ts [--epochs 300] [--seed 0]      (seconds)
// → out/gnn/karate_embedding_<epoch>.svg, out/gnn/karate_loss.svg, out/gnn/karate_club.summary.json
import { eye, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { karateClub } from "@nnc/datasets";
import { GCN } from "@nnc/models/gnn";
import { lineChart, saveSvg, scatterChart } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { accuracy, preferNative } from "./_common.ts";

const report = new ExampleReport("gnn", "karate_club");
report.note(`backend: ${await preferNative()}`);
const epochs = numberFlag("epochs", report.quick ? 150 : 300);
const seed = numberFlag("seed", 0);

const { graph, labels, classes } = karateClub();
const edgeIndex = graph.edgeIndex();
const x = new Tensor(eye(34)); // no features: each member is a one-hot identity
const labelled = [0, 33];
const rest = Array.from({ length: 34 }, (_, i) => i).filter((i) => !labelled.includes(i));
const target = new Tensor(labels).indexSelect(0, labelled);

// 34 → 4 → 4 → 2 (the embedding) → 2 classes, tanh as in Kipf's karate-club demo.
const model = new GCN({
  inChannels: 34,
  hiddenChannels: [4, 4, 2],
  outChannels: 2,
  activation: "tanh",
  dropout: 0,
  cached: true,
  rng: new Rng(seed),
});
const optimizer = new Adam(model.parameters(), { lr: 0.01 });
const snapshots = [0, Math.round(epochs / 10), Math.round(epochs / 3), epochs];
const losses: number[] = [];

async function drawEmbedding(epoch: number): Promise<void> {
  model.eval();
  const z = noGrad(() => model.embed(x, edgeIndex)).data;
  const acc = accuracy(noGrad(() => model.forward(x, edgeIndex)).data, labels, rest);
  await saveSvg(
    report.path(`karate_embedding_${epoch}.svg`),
    await scatterChart(z, labels, {
      title: `GCN embedding after ${epoch} epochs (accuracy on the 32 unlabelled: ${
        (100 * acc).toFixed(1)
      } %)`,
      classNames: classes,
      xLabel: "z₁",
      yLabel: "z₂",
      pointSize: 5,
    }),
  );
  model.train();
}

for (let epoch = 0; epoch <= epochs; epoch++) {
  if (snapshots.includes(epoch)) await drawEmbedding(epoch);
  if (epoch === epochs) break;
  optimizer.zeroGrad();
  const loss = crossEntropy(model.forward(x, edgeIndex).indexSelect(0, labelled), target);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}

model.eval();
const acc = accuracy(noGrad(() => model.forward(x, edgeIndex)).data, labels, rest);
await saveSvg(
  report.path("karate_loss.svg"),
  await lineChart([{ name: "loss", y: losses }], {
    title: "Karate club: GCN loss on the two labelled members",
    xLabel: "epoch",
    yLabel: "cross-entropy",
    logY: true,
  }),
);
report.metric("accuracy on the 32 unlabelled members", acc, { min: 0.9 });
report.metric("final loss", losses[losses.length - 1], { max: 0.5 });
await report.write();
