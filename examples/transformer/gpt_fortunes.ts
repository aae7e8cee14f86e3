// A GPT-style character language model (pre-LN blocks, tied output weights) learns the fortune
// cookies of Debian's `fortunes` package. While it trains it prints continuations generated token
// by token with its KV cache; at the end it checks that cached generation gives exactly the tokens
// of full recomputation, and plots the training and validation losses and the self-attention of
// every block and head on a fortune.
//
//   deno run -A examples/transformer/gpt_fortunes.ts                 full run (2,000 steps)
//   deno run -A examples/transformer/gpt_fortunes.ts --quick         seconds, smoke test
//   deno run -A examples/transformer/gpt_fortunes.ts --corpus FILE   another text
// → out/transformer/gpt_fortunes_loss.svg, gpt_fortunes_attention.png, gpt_fortunes.summary.json
//
// The corpus is one file read with `readCharCorpus`, split 90/10 by position.
import { argmax, concat, NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { type CharCorpus, readCharCorpus } from "@nnc/datasets";
import { GPT, type GPTState } from "@nnc/models/transformer";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag, textFlag } from "../_lib/report.ts";
import { preferNative } from "../_training.ts";

const report = new ExampleReport("transformer", "gpt_fortunes");
const quick = report.quick;
const path = textFlag("corpus", "/usr/share/games/fortunes/cookie");
const steps = numberFlag("steps", quick ? 20 : 2000);
const every = quick ? 10 : 250;
const BLOCK = 128, BATCH = 16;
console.log(`backend: ${await preferNative()}`);

let corpus: CharCorpus;
try {
  corpus = await readCharCorpus(path);
} catch (e) {
  console.error(
    `cannot read ${path} (${
      (e as Error).message
    }); install the Debian package "fortunes" or pass --corpus FILE`,
  );
  Deno.exit(1);
}
const { vocab } = corpus;
const flatIds = corpus.ids.contiguous();
const ids = (flatIds.data as Int32Array).subarray(flatIds.offset, flatIds.offset + flatIds.size);
const split = Math.floor(ids.length * 0.9);
report.note(`${path}: ${ids.length} characters, ${vocab.size} distinct; ${split} for training`);

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

/** Windows of BLOCK characters starting at `starts`, with their next-character targets. */
function batchAt(starts: readonly number[]): [NDArray, Tensor] {
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
  return crossEntropy(model.forward(x).reshape(y.size, vocab.size), y);
}

const rng = new Rng(1);
const randomStarts = (lo: number, hi: number, n: number) =>
  Array.from({ length: n }, () => rng.int(lo, hi - BLOCK - 1));
const validBatches = Array.from(
  { length: quick ? 2 : 8 },
  () => batchAt(randomStarts(split, ids.length, BATCH)),
);

function validationLoss(): number {
  model.eval();
  const l = noGrad(() => validBatches.reduce((s, b) => s + lossOn(b).item(), 0));
  model.train();
  return l / validBatches.length;
}

/** Greedy continuation of `prompt` by `n` characters through `GPT.step` (KV cache or not). */
function continueText(prompt: string, n: number, useCache = true): string {
  model.eval();
  const state: GPTState = model.initState({ useCache });
  let { logits } = model.step(vocab.encode(prompt).reshape(1, -1), state);
  let text = "";
  for (let i = 0; i < n; i++) {
    const next = argmax(logits, { axis: -1 }).get(0);
    text += vocab.tokens[next];
    ({ logits } = model.step([[next]], state));
  }
  model.train();
  return text;
}

const trainCurve: number[] = [], validCurve: number[] = [], at: number[] = [];
const prompt = "A ";
for (let step = 1; step <= steps; step++) {
  optimizer.zeroGrad();
  const loss = lossOn(batchAt(randomStarts(0, split, BATCH)));
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
    console.log(`  ${JSON.stringify(prompt + continueText(prompt, quick ? 40 : 100))}`);
  }
}

const finalValid = validCurve.at(-1)!;
report.metric("final validation loss", finalValid, { max: quick ? 4.6 : 2.0 });
report.metric("final training loss", trainCurve.at(-1)!, { max: quick ? 4.6 : 2.0 });
// Cached generation must give exactly the characters of recomputing the whole context each step.
const cached = continueText("The ", 60, true), full = continueText("The ", 60, false);
report.metric("cached = recomputed generation", cached === full ? 1 : 0, { min: 1, max: 1 });
report.note(`sample: ${JSON.stringify("The " + cached)}`);

await saveSvg(
  report.path("gpt_fortunes_loss.svg"),
  await lineChart([
    { name: "training", y: trainCurve },
    { name: "validation", x: at, y: validCurve, dashed: true },
  ], {
    title: `GPT (${model.numLayers} pre-LN blocks, d = 128) on ${path.split("/").pop()}`,
    xLabel: "step",
    yLabel: "cross-entropy (nats per character)",
  }),
);
// Self-attention on a fortune: [layers·heads, T, T] tiles.
const fortune = "A visit to a strange place will bring fresh work.";
const known = [...fortune].every((c) => vocab.indexOf(c) >= 0)
  ? fortune
  : vocab.decode(ids.subarray(0, 48));
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
