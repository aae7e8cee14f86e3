import assert from "node:assert/strict";
import { assertClose, eye, Rng } from "@nnc/tensor";
import { noGrad, randn, Tensor } from "@nnc/autograd";
import { crossEntropy, elu } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { karateClub } from "@nnc/datasets";
import { GAT, GCN } from "./node_classifiers.ts";

const EDGES = [[0, 1, 2, 3, 4, 1], [1, 2, 3, 4, 0, 3]];

Deno.test("GCN is its convolutions with the activation between them; embed is the last hidden layer", () => {
  const gcn = new GCN({
    inChannels: 3,
    hiddenChannels: [5, 2],
    outChannels: 4,
    activation: "tanh",
    rng: new Rng(1),
  });
  gcn.eval();
  const x = randn([5, 3], { rng: new Rng(2) });
  const [c1, c2, c3] = [...gcn.convs];
  const z = c2.forward(c1.forward(x, EDGES).tanh(), EDGES).tanh();
  assertClose(gcn.embed(x, EDGES).data, z.data, { atol: 1e-6 });
  assertClose(gcn.forward(x, EDGES).data, c3.forward(z, EDGES).data, { atol: 1e-6 });
  assert.deepEqual(Object.keys(gcn.stateDict()), [
    "convs.0.bias",
    "convs.0.lin.weight",
    "convs.1.bias",
    "convs.1.lin.weight",
    "convs.2.bias",
    "convs.2.lin.weight",
  ]);
});

Deno.test("GCN learns the karate club from one labelled member per faction (≥ 90 % of the rest)", () => {
  const { graph, labels } = karateClub();
  const ei = graph.edgeIndex(), x = new Tensor(eye(34));
  const gcn = new GCN({
    inChannels: 34,
    hiddenChannels: [4, 4, 2],
    outChannels: 2,
    activation: "tanh",
    dropout: 0,
    cached: true,
    rng: new Rng(0),
  });
  const opt = new Adam(gcn.parameters(), { lr: 0.01 });
  const target = new Tensor(labels).indexSelect(0, [0, 33]);
  for (let i = 0; i < 150; i++) {
    opt.zeroGrad();
    crossEntropy(gcn.forward(x, ei).indexSelect(0, [0, 33]), target).backward();
    opt.step();
  }
  gcn.eval();
  const pred = noGrad(() => gcn.forward(x, ei)).argmax({ axis: 1 }).data;
  let ok = 0;
  for (let i = 1; i < 33; i++) if (pred.get(i) === labels.get(i)) ok++;
  assert.ok(ok / 32 >= 0.9, `accuracy ${ok / 32}`);
});

Deno.test("GAT is conv2(ELU(conv1(x))) in eval mode, and drops in training", () => {
  const gat = new GAT({
    inChannels: 3,
    hiddenChannels: 4,
    heads: 2,
    outChannels: 3,
    rng: new Rng(3),
  });
  const x = randn([5, 3], { rng: new Rng(4) });
  gat.eval();
  const want = gat.conv2.forward(elu(gat.conv1.forward(x, EDGES)), EDGES);
  assertClose(gat.forward(x, EDGES).data, want.data, { atol: 1e-6 });
  gat.train();
  const a = gat.forward(x, EDGES).data, b = gat.forward(x, EDGES).data;
  assert.ok([...a.data].some((v, i) => v !== b.data[i]), "dropout makes training passes differ");
});

Deno.test("node classifiers check their options", () => {
  assert.throws(
    () => new GCN({ inChannels: 3, hiddenChannels: [4, 0], outChannels: 2 }),
    /GCN: hiddenChannels\[1\] must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => new GCN({ inChannels: 3, outChannels: 2, dropout: 2 }),
    /GCN: dropout must be/,
  );
  assert.throws(
    () => new GAT({ inChannels: 0, outChannels: 2 }),
    /GAT: inChannels must be an integer >= 1, got 0/,
  );
});
