// Graph classification on synthetic motif graphs: random preferential-attachment trees, each with
// one motif attached (house, 5-cycle, 4-clique, 5-star or 2×3 grid); the class is the motif.
// Two models, both invariant to node order:
//   - GIN (Xu et al.): 3 GINConv layers, sum readout of every layer, MLP head, 5 classes;
//   - the mock final's graph transformer: graph self-attention + FFN blocks (post-LN) and a
//     pooled binary readout f = σ(w·r + b) trained with BCE, on house vs. cycle.
// Node features are one-hot degrees (the graphs have none of their own).
//
//   deno run -A examples/gnn/graph_classification.ts [--graphs 1000] [--epochs 20] [--seed 0]   (minutes)
// → out/gnn/graph_classification_curves.svg, out/gnn/graph_classification.summary.json
import { Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { bceWithLogits, crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { GraphData, GraphDataLoader, motifGraphs, oneHotDegree } from "@nnc/datasets";
import { GraphClassifier, GraphTransformerClassifier } from "@nnc/models/gnn";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { accuracy, predictGraphs, preferNative, trainEpoch } from "./_common.ts";

const report = new ExampleReport("gnn", "graph_classification");
report.note(`backend: ${await preferNative()}`);
const count = numberFlag("graphs", report.quick ? 200 : 1000);
const epochs = numberFlag("epochs", report.quick ? 6 : 20);
const seed = numberFlag("seed", 0);
const MAX_DEGREE = 8;

function dataset(motifs: Parameters<typeof motifGraphs>[0]) {
  const { graphs, labels, classes } = motifGraphs(motifs);
  const data = graphs.map((g, i) =>
    GraphData.fromGraph(g, {
      x: oneHotDegree(g.edgeIndex(), g.numNodes, MAX_DEGREE),
      y: labels.get(i),
    })
  );
  const cut = Math.round(0.8 * data.length);
  return { train: data.slice(0, cut), test: data.slice(cut), classes };
}

// GIN on five motifs.
const five = dataset({ n: count, motifs: ["house", "cycle", "clique", "star", "grid"], seed });
report.note(
  `motif graphs: ${five.train.length} for training, ${five.test.length} for testing; classes ${
    five.classes.join(", ")
  }`,
);
const gin = new GraphClassifier({
  inChannels: MAX_DEGREE + 1,
  hiddenChannels: 32,
  numLayers: 3,
  outChannels: five.classes.length,
  conv: "gin",
  readout: "sum",
  rng: new Rng(seed),
});
const ginOpt = new Adam(gin.parameters(), { lr: 0.005 });
const ginLoader = new GraphDataLoader(five.train, { batchSize: 32, shuffle: true, seed });
const ginAcc: number[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  trainEpoch(gin, ginLoader, ginOpt, (out, b) => crossEntropy(out, b.y!));
  const { out, y } = predictGraphs(gin, five.test);
  ginAcc.push(accuracy(out, y));
}
// Quick runs (a fifth of the data, a few epochs) only have to beat chance (0.2) clearly.
report.metric("GIN test accuracy (5 motifs)", ginAcc[ginAcc.length - 1], {
  min: report.quick ? 0.5 : 0.95,
});

// The graph transformer (mock final Q7) on house vs. cycle, with a binary readout and BCE.
const two = dataset({
  n: report.quick ? 160 : Math.round(count / 2),
  motifs: ["house", "cycle"],
  seed: seed + 1,
});
const transformer = new GraphTransformerClassifier({
  inChannels: MAX_DEGREE + 1,
  dModel: 32,
  nHead: 4,
  numLayers: 2,
  dimFeedforward: 64,
  dropout: 0,
  readout: "mean",
  rng: new Rng(seed),
});
const gtOpt = new Adam(transformer.parameters(), { lr: 0.003 });
const gtLoader = new GraphDataLoader(two.train, { batchSize: 32, shuffle: true, seed });
const gtAcc: number[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  trainEpoch(
    transformer,
    gtLoader,
    gtOpt,
    (out, b) => bceWithLogits(out, new Tensor(b.y!.astype("float32"))),
  );
  const { out, y } = predictGraphs(transformer, two.test);
  // f = σ(logit) > 1/2 ⇔ logit > 0.
  let ok = 0;
  for (let i = 0; i < y.size; i++) if ((out.get(i) > 0 ? 1 : 0) === y.get(i)) ok++;
  gtAcc.push(ok / y.size);
}
report.metric("graph transformer test accuracy (house vs. cycle, BCE)", gtAcc[gtAcc.length - 1], {
  min: report.quick ? 0.7 : 0.95,
});

await saveSvg(
  report.path("graph_classification_curves.svg"),
  await lineChart([
    { name: "GIN, 5 classes", y: ginAcc },
    { name: "transformer, 2", y: gtAcc },
  ], { title: "Motif graphs: test accuracy", xLabel: "epoch", yLabel: "accuracy" }),
);
await report.write();
