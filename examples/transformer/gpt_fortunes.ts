// A GPT-style character language model (pre-LN blocks, tied output weights) learns the fortune
// cookies of the Debian package `fortunes` (`apt-get install fortunes`). While it trains it prints
// samples (temperature 0.8, top-k 20, generated token by token with its KV cache through the
// shared sampling helpers); at the end it checks that cached generation gives exactly the tokens
// of full recomputation, and plots the training and validation losses and the self-attention of
// every block and head on a fortune.
//
//   deno run -A examples/transformer/gpt_fortunes.ts            full run (4 blocks, 2,000 steps)
//   deno run -A examples/transformer/gpt_fortunes.ts --quick    seconds, smoke test
// → out/transformer/gpt_fortunes_loss.svg, gpt_fortunes_attention.png, gpt_fortunes.summary.json
import { concat, NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { Adam } from "@nnc/optim";
import { fortunes, type TextCorpus } from "@nnc/datasets";
import { GPT } from "@nnc/models/transformer";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("transformer", "gpt_fortunes");
report.note(`backend: ${await preferNative()}`);
const quick = report.quick;
const steps = numberFlag("steps", quick ? 20 : 2000);
const every = quick ? 10 : 250;
const BLOCK = 128, BATCH = 16;

const corpus: TextCorpus = await fortunes();
const vocab = corpus.vocab;
const int32 = (a: NDArray) => {
  const c = a.contiguous();
  return (c.data as Int32Array).subarray(c.offset, c.offset + c.size);
};
const trainIds = int32(corpus.train), validIds = int32(corpus.validation);
report.note(
  `fortunes: ${corpus.documents.length} files, ${trainIds.length} training and ${validIds.length} validation characters, ${vocab.size} distinct`,
);

const model = new GPT({
  vocabSize: vocab.size,
  blockSize: BLOCK,
  dModel: 128,
  numHeads: 4,
  numLayers: quick ? 2 : 4,
  dimFeedforward: 512,
  dropout: quick ? 0 : 0.1,
  rng: new Rng(0),
});
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });

/** Windows of BLOCK characters of `ids` starting at `starts`, with their next-character targets. */
function batchAt(ids: Int32Array, starts: readonly number[]): [NDArray, Tensor] {
  const x = new Int32Array(starts.length * BLOCK), y = new Int32Array(starts.length * BLOCK);
  starts.forEach((s, b) => {
    x.set(ids.subarray(s, s + BLOCK), b * BLOCK);
    y.set(ids.subarray(s + 1, s + BLOCK + 1), b * BLOCK);
  });
  return [
    NDArray.fromTyped(x, [starts.length, BLOCK]),
    new Tensor(NDArray.fromTyped(y, [starts.length * BLOCK])),
  ];
}

function lossOn([x, y]: [NDArray, Tensor]): Tensor {
  return model.loss(x, y); // crossEntropy of the logits against the next characters
}

const rng = new Rng(1);
const randomStarts = (ids: Int32Array, n: number) =>
  Array.from({ length: n }, () => rng.int(0, ids.length - BLOCK - 1));
const validBatches = Array.from(
  { length: quick ? 2 : 16 },
  () => batchAt(validIds, randomStarts(validIds, BATCH)),
);

function validationLoss(): number {
  model.eval();
  const l = noGrad(() => validBatches.reduce((s, b) => s + lossOn(b).item(), 0));
  model.train();
  return l / validBatches.length;
}

/** A continuation of `prompt` through the shared sampling helpers (`GPT.sample`). */
function continueText(
  prompt: string,
  n: number,
  options: {
    temperature?: number;
    topK?: number;
    seed?: number;
    greedy?: boolean;
    useCache?: boolean;
  },
): string {
  const ids = Array.from(int32(vocab.encode(prompt)));
  return vocab.decode(model.sample(ids, { maxNewTokens: n, ...options }));
}

const trainCurve: number[] = [], validCurve: number[] = [], at: number[] = [];
const prompt = "\n";
for (let step = 1; step <= steps; step++) {
  optimizer.zeroGrad();
  const loss = lossOn(batchAt(trainIds, randomStarts(trainIds, BATCH)));
  loss.backward();
  optimizer.step();
  trainCurve.push(loss.item());
  if (step % every === 0 || step === steps) {
    const v = validationLoss();
    validCurve.push(v);
    at.push(step);
    console.log(
      `step ${step}: training loss ${loss.item().toFixed(3)}, validation ${v.toFixed(3)}`,
    );
    const text = continueText(prompt, quick ? 40 : 120, { temperature: 0.8, topK: 20, seed: step });
    report.note(`sample after ${step} steps: ${JSON.stringify(text)}`);
  }
}

const finalValid = validCurve.at(-1)!;
report.metric("final validation loss", finalValid, { max: quick ? 4.6 : 2.0 });
report.metric("final training loss", trainCurve.at(-1)!, { max: quick ? 4.6 : 2.0 });
// Cached generation must give exactly the characters of recomputing the whole context each step.
const cached = continueText("The ", 60, { greedy: true });
const full = continueText("The ", 60, { greedy: true, useCache: false });
report.metric("cached = recomputed generation", cached === full ? 1 : 0, { min: 1, max: 1 });
report.note(`greedy continuation of "The ": ${JSON.stringify(cached)}`);

await saveSvg(
  report.path("gpt_fortunes_loss.svg"),
  await lineChart([
    { name: "training", y: trainCurve },
    { name: "validation", x: at, y: validCurve, dashed: true },
  ], {
    title: `GPT (${model.numLayers} pre-LN blocks, d = 128) on the fortunes corpus`,
    xLabel: "step",
    yLabel: "cross-entropy (nats per character)",
  }),
);
// Self-attention on a fortune: [layers·heads, T, T] tiles.
const fortune = "A visit to a strange place will bring fresh work.";
const known = [...fortune].every((c) => vocab.indexOf(c) >= 0)
  ? fortune
  : vocab.decode(trainIds.subarray(0, 48));
const maps = model.eval().attentionMaps(vocab.encode(known).reshape(1, -1));
// Each row divided by its largest weight, so that long rows (weights ~1/t) stay visible.
const rowScaled = maps.map((m) => m.div(m.max({ axis: -1, keepDims: true })));
const tiles = concat(rowScaled.map((m) => m.reshape(m.shape[1], known.length, known.length)), 0);
await saveImageGrid(report.path("gpt_fortunes_attention.png"), tiles, {
  columns: maps[0].shape[1],
  scale: 4,
  range: [0, 1],
});
report.note(
  `attention tiles (rows scaled to their maximum): one row per block, one column per head, on ${
    JSON.stringify(known)
  }`,
);
await report.write();
