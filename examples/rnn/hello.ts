// The lecture's "hello" character network (004, L24): over the alphabet {h, e, l, o, □}, one-hot
// inputs, a bias-free tanh RNN s_t = tanh(U x_t + W s_{t−1}) with read-out y_t = softmax(V s_t),
// trained by backpropagation through time to predict each next letter of "hello□"; then the same
// with an LSTM. Prints the predicted distributions (the notes' y_4 ≈ [0.05, 0.01, 0, 0.95, 0] after
// "hell") and draws both learning curves.
//
//   deno run -A examples/rnn/hello.ts [--quick] [--steps 200]
// → out/rnn/hello_loss.svg, out/rnn/hello.summary.json
import { Rng, softmax } from "@nnc/tensor";
import { noGrad } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { helloSequence } from "@nnc/datasets";
import { CharLM } from "@nnc/models/rnn";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("rnn", "hello");
report.note(`backend: ${await preferNative()}`);
const steps = numberFlag("steps", report.quick ? 150 : 300);
const { x, y, vocab } = helloSequence({ end: "□" });
const V = vocab.size, T = x.size;
const xs = x.reshape(1, T), ys = y.reshape(T);
const curves: { name: string; y: number[] }[] = [];

for (const cell of ["rnn", "lstm"] as const) {
  // The lecture's network has no biases; the LSTM keeps PyTorch's.
  const lm = new CharLM({
    vocabSize: V,
    cell,
    oneHot: true,
    hiddenSize: 8,
    numLayers: 1,
    bias: cell === "lstm",
    rng: new Rng(1),
  });
  const opt = new Adam(lm.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const [logits] = lm.forward(xs);
    const loss = crossEntropy(logits.reshape(T, V), ys);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  curves.push({ name: cell.toUpperCase(), y: losses });
  const [logits] = noGrad(() => lm.forward(xs));
  const p = softmax(logits.data.reshape(T, V)).toArray() as number[][];
  report.note(`${cell.toUpperCase()} after ${steps} steps (columns ${vocab.tokens.join(" ")}):`);
  for (let t = 0; t < T; t++) {
    const seen = vocab.decode(x.slice({ stop: t + 1 }));
    report.note(`  y_${t + 1} after "${seen}": [${p[t].map((v) => v.toFixed(2)).join(", ")}]`);
  }
  const o = vocab.indexOf("o");
  report.metric(`${cell}: p(o | hell)`, p[3][o], { min: 0.9 });
  report.metric(`${cell}: final loss`, losses[losses.length - 1], { max: 0.2 });
  const word = lm.sample([vocab.indexOf("h")], {
    maxNewTokens: 6,
    greedy: true,
    eos: vocab.indexOf("□"),
  });
  report.note(`  greedy from "h": h${vocab.decode(word)}`);
}

await saveSvg(
  report.path("hello_loss.svg"),
  await lineChart(curves, {
    title: 'Next-letter prediction on "hello□" (one-hot, 8 hidden units)',
    xLabel: "step",
    yLabel: "cross-entropy",
    logY: true,
  }),
);
await report.write();
