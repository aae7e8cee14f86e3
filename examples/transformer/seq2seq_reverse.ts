// An encoder–decoder transformer learns to reverse digit strings (teacher forcing, Adam with a
// one-cycle schedule), then decodes held-out strings greedily token by token with its KV caches
// and reports the exact-match rate; the decoder's cross-attention on a test string (the
// anti-diagonal: output t reads input L − 1 − t) is drawn as an image grid, one tile per layer
// and head.
//
//   deno run -A examples/transformer/seq2seq_reverse.ts            full run (≥ 99% exact match)
//   deno run -A examples/transformer/seq2seq_reverse.ts --quick    seconds, smoke test
// → out/transformer/seq2seq_reverse_loss.svg, seq2seq_reverse_attention.png, .summary.json
import { array, concat, type NDArray, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam, OneCycleLR } from "@nnc/optim";
import { reverseTask } from "@nnc/datasets";
import { Seq2SeqTransformer } from "@nnc/models/transformer";
import { lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("transformer", "seq2seq_reverse");
const quick = report.quick;
const LENGTH = 8, DIGITS = 10, BOS = 10; // target vocabulary: the ten digits and a begin token
const steps = numberFlag("steps", quick ? 40 : 3000);
const batch = 64;
report.note(`backend: ${await preferNative()}`);

const model = new Seq2SeqTransformer({
  srcVocabSize: DIGITS,
  tgtVocabSize: DIGITS + 1,
  dModel: 64,
  nhead: 4,
  numEncoderLayers: 2,
  numDecoderLayers: 2,
  dimFeedforward: 128,
  dropout: 0.0,
  maxLen: LENGTH + 1,
  rng: new Rng(0),
});
const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
// Warm up, then anneal: a constant rate leaves the post-LN model with loss spikes late in training.
const schedule = new OneCycleLR(optimizer, {
  maxLr: 1e-3,
  totalSteps: steps,
  pctStart: 0.1,
  cycleMomentum: false,
});
const train = reverseTask({ n: steps * batch, length: LENGTH, vocabSize: DIGITS, seed: 1 });
const test = reverseTask({ n: quick ? 64 : 1000, length: LENGTH, vocabSize: DIGITS, seed: 2 });

/** The decoder's input: the begin token, then the target without its last token. */
function teacherInput(y: NDArray): NDArray {
  const n = y.shape[0];
  const bos = array(new Array(n).fill([BOS]), { dtype: "int32" });
  return concat([bos, y.slice(null, { stop: LENGTH - 1 })], 1);
}

const losses: number[] = [];
for (let step = 0; step < steps; step++) {
  const rows = { start: step * batch, stop: (step + 1) * batch };
  const x = train.x.slice(rows), y = train.y.slice(rows);
  optimizer.zeroGrad();
  const logits = model.forward(x, teacherInput(y));
  const loss = crossEntropy(logits.reshape(batch * LENGTH, DIGITS + 1), new Tensor(y.reshape(-1)));
  loss.backward();
  optimizer.step();
  schedule.step();
  losses.push(loss.item());
  if (step % 250 === 0 || step === steps - 1) {
    console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
  }
}

// Greedy decoding through the shared sampling helpers (one new token per step, cached keys and values).
const predicted = array(model.translate(test.x, { bos: BOS, maxLength: LENGTH }), {
  dtype: "int32",
});
let exact = 0, correctTokens = 0;
for (let i = 0; i < test.x.shape[0]; i++) {
  let all = true;
  for (let t = 0; t < LENGTH; t++) {
    const ok = predicted.get(i, t) === test.y.get(i, t);
    if (ok) correctTokens++;
    else all = false;
  }
  if (all) exact++;
}
const n = test.x.shape[0];
const sample = (a: NDArray, i: number) =>
  Array.from({ length: LENGTH }, (_, t) => a.get(i, t)).join("");
for (let i = 0; i < 3; i++) {
  report.note(`${sample(test.x, i)} → ${sample(predicted, i)} (expected ${sample(test.y, i)})`);
}
report.metric("final training loss", losses.at(-1)!, { max: quick ? 2.5 : 0.05 });
report.metric("held-out token accuracy", correctTokens / (n * LENGTH), { min: quick ? 0.1 : 0.99 });
report.metric("held-out exact match", exact / n, { min: quick ? 0 : 0.99 });

await saveSvg(
  report.path("seq2seq_reverse_loss.svg"),
  await lineChart([{ name: "training loss", y: losses }], {
    title: "Encoder–decoder transformer reversing digit strings",
    xLabel: "step",
    yLabel: "cross-entropy",
    logY: true,
  }),
);
// Cross-attention of the first test string: [layers·heads, T, S] tiles.
const maps = model.crossAttentionMaps(
  test.x.slice({ stop: 1 }),
  teacherInput(test.y.slice({ stop: 1 })),
);
const tiles = concat(maps.map((m) => m.reshape(m.shape[1], LENGTH, LENGTH)), 0);
await saveImageGrid(report.path("seq2seq_reverse_attention.png"), tiles, {
  columns: maps[0].shape[1],
  scale: 16,
  range: [0, 1],
});
report.note("attention tiles: one row per decoder layer, one column per head; row t = output t");
await report.write();
