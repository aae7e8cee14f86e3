import assert from "node:assert/strict";
import { array, assertClose, eye, Rng } from "@nnc/tensor";
import { noGrad, randn, Tensor } from "@nnc/autograd";
import { crossEntropy, elu } from "@nnc/layers";
import { GAT, GCN } from "./node_classifiers.ts";
import { adamSteps } from "./_testing.ts";

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

Deno.test("GCN and GAT learn two communities from one labelled node each", () => {
  // Two dense communities of 12 (every pair with probability 0.6) and three edges between them.
  const rng = new Rng(7);
  const src: number[] = [], dst: number[] = [];
  const link = (u: number, v: number) => (src.push(u, v), dst.push(v, u));
  for (const base of [0, 12]) {
    for (let u = 0; u < 12; u++) {
      for (let v = u + 1; v < 12; v++) if (rng.random() < 0.6) link(base + u, base + v);
    }
  }
  link(0, 12), link(5, 17), link(9, 20);
  const labels = array(Array.from({ length: 24 }, (_, i) => (i < 12 ? 0 : 1)), { dtype: "int32" });
  const ei = [src, dst], x = new Tensor(eye(24)), labelled = [3, 15];
  const target = new Tensor(labels).indexSelect(0, labelled);
  const models = [
    new GCN({
      inChannels: 24,
      hiddenChannels: 8,
      outChannels: 2,
      dropout: 0,
      cached: true,
      rng: new Rng(0),
    }),
    new GAT({
      inChannels: 24,
      hiddenChannels: 4,
      heads: 2,
      outChannels: 2,
      dropout: 0,
      rng: new Rng(0),
    }),
  ];
  for (const model of models) {
    const { first, last } = adamSteps(
      model.parameters(),
      () => crossEntropy(model.forward(x, ei).indexSelect(0, labelled), target),
      60,
      0.01,
    );
    assert.ok(last < 0.1 * first, `${model.constructor.name}: loss ${first} → ${last}`);
    model.eval();
    const pred = noGrad(() => model.forward(x, ei)).argmax({ axis: 1 }).data;
    const right = [...pred.data].filter((p, i) => p === labels.data[i]).length;
    // GCN gets every node; GAT (attention learned from two labels) at least 20 of the 24.
    assert.ok(
      right >= (model instanceof GCN ? 24 : 20),
      `${model.constructor.name}: ${right} of 24`,
    );
  }
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

Deno.test("GCN and GAT: builder and input errors name the model", () => {
  assert.throws(
    () => new GAT({ inChannels: 2, hiddenChannels: 1e12, outChannels: 2 }),
    /^RangeError: GAT: inChannels × heads × hiddenChannels = 2 × 8 × 1000000000000 exceeds 2\^31-1 weights/,
  );
  assert.throws(
    () => new GCN({ inChannels: 4, outChannels: 2, rng: 3 as unknown as Rng }),
    /^TypeError: GCN: rng must be an Rng, got 3/,
  );
  assert.throws(
    () => new GCN({ inChannels: 4, outChannels: 2, dtype: "float16" as "float32" }),
    /^TypeError: GCN: dtype must be "float32" or "float64", got "float16"/,
  );
  const gat = new GAT({ inChannels: 2, outChannels: 2, rng: new Rng(0) });
  assert.throws(
    () => gat.forward(3 as unknown as Tensor, EDGES),
    /^TypeError: GAT: x must be a Tensor/,
  );
});
