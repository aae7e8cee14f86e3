// A character-level LSTM language model on the fortune cookies of the Debian package `fortunes`
// (≈ 2.6 million characters; `apt-get install fortunes`). Random windows of `--seq` characters are
// read in batches; every `--eval-every` steps the validation loss is measured on the held-out tail
// of every file and a sample is printed (temperature 0.8). With `--stateful` the corpus is read as
// contiguous streams instead and the LSTM state is carried from batch to batch, detached each time
// (truncated backpropagation through time).
//
//   deno run -A examples/rnn/char_lm_fortunes.ts            # 2 × 256 LSTM, seq 128, batch 32, Adam 2e-3, 2,000 steps
//   deno run -A examples/rnn/char_lm_fortunes.ts --quick    # seconds
// → out/rnn/char_lm_loss.svg, out/rnn/char_lm_samples.txt, out/rnn/char_lm_fortunes.summary.json
import { Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam, clipGradNorm } from "@nnc/optim";
import { fortunes, type TextCorpus } from "@nnc/datasets";
import { CharLM, detachState, type RecurrentState } from "@nnc/models/rnn";
import { lineChart, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag, textFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("rnn", "char_lm_fortunes");
report.note(`backend: ${await preferNative()}`);
const q = report.quick;
const steps = numberFlag("steps", q ? 40 : 2000);
const hidden = numberFlag("hidden", q ? 64 : 256);
const layers = numberFlag("layers", q ? 1 : 2);
const seqLen = numberFlag("seq", q ? 32 : 128);
const batchSize = numberFlag("batch", q ? 8 : 32);
const lr = numberFlag("lr", 2e-3);
const evalEvery = numberFlag("eval-every", q ? 20 : 250);
const valBatches = numberFlag("val-batches", q ? 4 : Infinity);
const cell = textFlag("cell", "lstm") as "lstm" | "gru" | "rnn";
const stateful = Deno.args.includes("--stateful");

const corpus: TextCorpus = await fortunes();
const V = corpus.vocabSize;
report.note(
  `fortunes: ${corpus.documents.length} files, ${corpus.train.size} training and ${corpus.validation.size} validation characters, ${V} distinct`,
);
const lm = new CharLM({
  vocabSize: V,
  cell,
  hiddenSize: hidden,
  numLayers: layers,
  embeddingDim: 64,
  rng: new Rng(0),
});
report.note(
  `${lm.numParameters()} parameters: ${cell.toUpperCase()} ${layers} × ${hidden}, embedding 64`,
);
const opt = new Adam(lm.parameters(), { lr });

function lossOf(logits: Tensor, y: Tensor | { reshape(n: number): unknown }): Tensor {
  return crossEntropy(logits.reshape(-1, V), (y as Tensor).reshape(-1));
}

function validationLoss(): number {
  lm.eval();
  let sum = 0, n = 0;
  for (const [x, y] of corpus.loader("validation", { seqLen, batchSize })) {
    if (n >= valBatches) break;
    sum += noGrad(() => lossOf(lm.forward(x)[0], new Tensor(y)).item());
    n++;
  }
  lm.train();
  return sum / n;
}

const samples: string[] = [];
function sample(step: number): void {
  const text = corpus.decode(lm.sample(corpus.encode("\n").toArray() as number[], {
    maxNewTokens: q ? 80 : 300,
    temperature: 0.8,
    seed: step,
  }));
  samples.push(`--- step ${step} ---\n${text}\n`);
  report.note(`sample after ${step} steps:\n${text}\n`);
}

const trainCurve: { x: number[]; y: number[] } = { x: [], y: [] };
const valCurve: { x: number[]; y: number[] } = { x: [], y: [] };
let step = 0, running = 0, count = 0;
const start = performance.now();
let state: RecurrentState | null = null;
function* batches(): Generator<[Tensor, Tensor]> {
  for (let epoch = 0;; epoch++) {
    const source = stateful
      ? corpus.streams("train", { batchSize, seqLen })
      : corpus.loader("train", { seqLen, batchSize, seed: epoch });
    for (const [x, y] of source) yield [new Tensor(x), new Tensor(y)];
    state = null;
  }
}
for (const [x, y] of batches()) {
  if (step >= steps) break;
  opt.zeroGrad();
  const [logits, next] = lm.forward(x, stateful ? state : null);
  if (stateful) state = detachState(next);
  const loss = lossOf(logits, y);
  loss.backward();
  clipGradNorm(lm.parameters(), 5);
  opt.step();
  running += loss.item();
  count++;
  step++;
  if (step % evalEvery === 0 || step === steps) {
    const val = validationLoss();
    trainCurve.x.push(step);
    trainCurve.y.push(running / count);
    valCurve.x.push(step);
    valCurve.y.push(val);
    const rate = (step * batchSize * seqLen) / ((performance.now() - start) / 1000);
    report.note(
      `step ${step}: train ${(running / count).toFixed(4)}, validation ${
        val.toFixed(4)
      } nats/char (${rate.toFixed(0)} chars/s)`,
    );
    running = 0;
    count = 0;
    if (step % (evalEvery * 2) === 0 || step === steps) sample(step);
  }
}
const finalVal = valCurve.y[valCurve.y.length - 1];
// ln V is the loss of a uniform guess; a model that learned the character statistics is far below.
report.metric("final validation loss (nats/char)", finalVal, { max: q ? Math.log(V) - 0.8 : 1.9 });
report.metric("uniform-guess loss ln V", Math.log(V));
await Deno.writeTextFile(report.path("char_lm_samples.txt"), samples.join("\n"));
await saveSvg(
  report.path("char_lm_loss.svg"),
  await lineChart([
    { name: "training (mean since last point)", ...trainCurve },
    { name: "validation", ...valCurve, dashed: true },
  ], {
    title:
      `${cell.toUpperCase()} ${layers} × ${hidden} on fortunes (seq ${seqLen}, batch ${batchSize}, Adam ${lr})`,
    xLabel: "step",
    yLabel: "cross-entropy (nats per character)",
  }),
);
await report.write();
