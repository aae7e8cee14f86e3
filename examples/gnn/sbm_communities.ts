// Community detection on a stochastic block model (4 blocks of 100 nodes, p_in 0.3, p_out 0.02):
// with 5 labelled nodes per block and no node features (one-hot identities), a GCN and a GAT
// recover the blocks of the other 380 nodes from the edges alone.
//
//   deno run -A examples/gnn/sbm_communities.ts [--epochs 100] [--labelled 5] [--seed 0]   (a minute)
// → out/gnn/sbm_accuracy.svg, out/gnn/sbm_communities.summary.json
import { eye, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { stochasticBlockModel } from "@nnc/datasets";
import { GAT, GCN } from "@nnc/models/gnn";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { accuracy, preferNative } from "./_common.ts";

const report = new ExampleReport("gnn", "sbm_communities");
report.note(`backend: ${await preferNative()}`);
const epochs = numberFlag("epochs", report.quick ? 30 : 100);
const perBlock = numberFlag("labelled", 5);
const seed = numberFlag("seed", 0);
const blockSize = report.quick ? 50 : 100;

const { graph, labels } = stochasticBlockModel({
  sizes: [blockSize, blockSize, blockSize, blockSize],
  pIn: 0.3,
  pOut: 0.02,
  seed,
});
const n = graph.numNodes;
report.note(`SBM: ${n} nodes, ${graph.numEdges} edges`);
const edgeIndex = graph.edgeIndex();
const x = new Tensor(eye(n));
// The first `perBlock` nodes of every block are labelled (node order carries no information to
// the model: its features are identities and the graph is drawn independently of the numbering).
const labelled = [0, 1, 2, 3].flatMap((b) =>
  Array.from({ length: perBlock }, (_, i) => b * blockSize + i)
);
const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !labelled.includes(i));
const target = new Tensor(labels).indexSelect(0, labelled);

const models = {
  GCN: new GCN({
    inChannels: n,
    hiddenChannels: 16,
    outChannels: 4,
    cached: true,
    rng: new Rng(seed),
  }),
  GAT: new GAT({ inChannels: n, hiddenChannels: 8, heads: 4, outChannels: 4, rng: new Rng(seed) }),
};
const curves: { name: string; y: number[] }[] = [];
for (const [name, model] of Object.entries(models)) {
  const optimizer = new Adam(model.parameters(), { lr: 0.01, weightDecay: 5e-4 });
  const accs: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    optimizer.zeroGrad();
    crossEntropy(model.forward(x, edgeIndex).indexSelect(0, labelled), target).backward();
    optimizer.step();
    model.eval();
    accs.push(accuracy(noGrad(() => model.forward(x, edgeIndex)).data, labels, rest));
  }
  curves.push({ name, y: accs });
  report.metric(`${name} accuracy on the ${rest.length} unlabelled nodes`, accs[accs.length - 1], {
    min: 0.95,
  });
}
await saveSvg(
  report.path("sbm_accuracy.svg"),
  await lineChart(curves, {
    title: `SBM, 4 blocks: accuracy on the unlabelled nodes (${perBlock} labels per block)`,
    xLabel: "epoch",
    yLabel: "accuracy",
  }),
);
await report.write();
