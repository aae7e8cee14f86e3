// Sequence to sequence with attention on a synthetic transliteration task, after the course's mock
// final (Arabizi → Arabic): Latin spellings such as "shms" or "s'ba7", where some Arabic letters take
// two Latin characters, are translated letter by letter into Arabic script (شمس, صباح). A GRU
// encoder–decoder with additive (Bahdanau) or multiplicative (Luong) attention is trained with
// teacher forcing that gives way to scheduled sampling (Adam, cosine learning-rate decay), then decoded greedily and with a beam of 5
// on held-out words; the attention weights are drawn as a heat map (rows: output letters, columns:
// input characters), for one word with labels and for six side by side (white = weight 1).
//
//   deno run -A examples/rnn/seq2seq_transliteration.ts [--quick] [--attention bahdanau|luong]
//       [--epochs 12] [--train 6000]
// → out/rnn/seq2seq_attention.svg, out/rnn/seq2seq_attention.png, out/rnn/seq2seq_loss.svg,
//   out/rnn/seq2seq_transliteration.summary.json
import { NDArray, Rng, stack as stackNd } from "@nnc/tensor";
import { noGrad } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam, CosineAnnealingLR } from "@nnc/optim";
import { transliterationTask } from "@nnc/datasets";
import { type AttentionType, Seq2Seq } from "@nnc/models/rnn";
import { heatmapChart, lineChart, saveImageGrid, saveSvg } from "@nnc/plot";
import { ExampleReport, numberFlag, textFlag } from "../_lib/report.ts";
import { preferNative } from "../_lib/backend.ts";

const report = new ExampleReport("rnn", "seq2seq_transliteration");
report.note(`backend: ${await preferNative()}`);
const attention = textFlag("attention", "bahdanau") as AttentionType;
const epochs = numberFlag("epochs", report.quick ? 3 : 12);
const nTrain = numberFlag("train", report.quick ? 384 : 6000);
const batch = 64;

const train = transliterationTask({ n: nTrain, seed: 1 });
const pool = transliterationTask({ n: report.quick ? 64 : 800, seed: 2 });
const seen = new Set(train.targets);
const testIdx = pool.targets.map((_, i) => i).filter((i) => !seen.has(pool.targets[i]));
report.note(
  `${nTrain} training words, ${testIdx.length} held-out words not among them; e.g. ${
    train.sources.slice(0, 4).map((s, i) => `${s} → ${train.targets[i]}`).join(", ")
  }`,
);

const model = new Seq2Seq({
  sourceVocab: train.sourceVocab.size,
  targetVocab: train.targetVocab.size,
  embeddingDim: 32,
  hiddenSize: 64,
  attention,
  rng: new Rng(0),
});
const opt = new Adam(model.parameters(), { lr: 3e-3 });
// The learning rate falls along a cosine to 0 over the whole run (settles the last epochs).
const schedule = new CosineAnnealingLR(opt, { tMax: epochs * Math.floor(nTrain / batch) });
const rng = new Rng(3);
const V = train.targetVocab.size;

/** Rows of a padded id array, and their lengths. */
function rows(a: NDArray, lengths: Int32Array, idx: readonly number[]): [NDArray, number[]] {
  const len = idx.map((i) => lengths[i]);
  const width = Math.max(...len);
  return [stackNd(idx.map((i) => a.slice(i, { stop: width }))), len];
}

const losses: number[] = [], steps: number[] = [];
let step = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  // Teacher forcing for the first third, then the model sees more and more of its own outputs.
  const progress = (epoch - 1) / Math.max(1, epochs - 1);
  const teacherForcing = Math.max(0.7, 1 - 0.45 * Math.max(0, progress - 1 / 3));
  const order = rng.permutation(nTrain);
  let sum = 0, count = 0;
  for (let s = 0; s + batch <= nTrain; s += batch) {
    const idx = Array.from(order.subarray(s, s + batch));
    const [src, srcLen] = rows(train.source, train.sourceLengths, idx);
    const [tgt] = rows(train.target, train.targetLengths, idx);
    opt.zeroGrad();
    const { logits } = model.forward(src, tgt, { sourceLengths: srcLen, teacherForcing, rng });
    const loss = crossEntropy(logits.reshape(-1, V), tgt.reshape(-1), { ignoreIndex: 0 });
    loss.backward();
    opt.step();
    schedule.step();
    sum += loss.item();
    count++;
    step++;
  }
  losses.push(sum / count);
  steps.push(step);
  report.note(
    `epoch ${epoch}: loss ${(sum / count).toFixed(4)} (teacher forcing ${
      teacherForcing.toFixed(2)
    })`,
  );
}

function exactMatch(beamWidth: number): number {
  let right = 0;
  for (let s = 0; s < testIdx.length; s += batch) {
    const idx = testIdx.slice(s, s + batch);
    const [src, srcLen] = rows(pool.source, pool.sourceLengths, idx);
    const out = model.translate(src, { sourceLengths: srcLen, maxLength: 12, beamWidth });
    out.forEach((ids, k) => {
      if (train.targetVocab.decode(ids) === pool.targets[idx[k]]) right++;
    });
  }
  return right / testIdx.length;
}
// A uniform guess costs ln V ≈ 3.5 nats per letter; training must get well below it.
report.metric("final training loss (nats per letter)", losses[losses.length - 1], {
  max: report.quick ? 3.2 : 0.05,
});
const greedy = exactMatch(1), beam = exactMatch(5);
report.metric("held-out exact match (greedy)", greedy, { min: report.quick ? 0 : 0.99 });
report.metric("held-out exact match (beam 5)", beam, { min: report.quick ? 0 : 0.99 });

// Attention of a few held-out words: rows are output letters, columns input characters.
const shown = testIdx.slice(0, 6);
const maps: NDArray[] = [];
const width = Math.max(...shown.map((i) => pool.sourceLengths[i]));
const height = Math.max(...shown.map((i) => pool.targetLengths[i]));
model.eval();
let first: { weights: NDArray; source: string; output: string[] } | null = null;
for (const i of shown) {
  const [src, srcLen] = rows(pool.source, pool.sourceLengths, [i]);
  const pred = model.translate(src, { sourceLengths: srcLen, maxLength: 12 })[0];
  // Teacher-force the model's own output (and </s>) to read the weights it used.
  const out = noGrad(() =>
    model.forward(src, NDArray.fromTyped(Int32Array.from([...pred, 2]), [1, pred.length + 1]), {
      sourceLengths: srcLen,
    })
  );
  const w = out.attention!.data.slice(0); // [T, S]
  const padded = new Float32Array(height * width);
  for (let t = 0; t < Math.min(height, w.shape[0]); t++) {
    for (let j = 0; j < w.shape[1]; j++) padded[t * width + j] = w.get(t, j);
  }
  maps.push(NDArray.fromTyped(padded, [height, width]));
  first ??= {
    weights: w,
    source: pool.sources[i],
    output: [...train.targetVocab.decode(pred), "</s>"],
  };
  report.note(
    `  ${pool.sources[i]} → ${train.targetVocab.decode(pred)} (truth ${pool.targets[i]})`,
  );
}
model.train();
await saveSvg(
  report.path("seq2seq_attention.svg"),
  await heatmapChart(first!.weights, {
    title: `${attention} attention translating "${first!.source}"`,
    xLabels: [...first!.source],
    yLabels: first!.output,
    xLabel: "input character",
    yLabel: "output letter",
    valueLabel: "weight",
    domain: [0, 1],
    annotate: true,
    format: ".2f",
  }),
);
await saveImageGrid(report.path("seq2seq_attention.png"), stackNd(maps), {
  columns: 3,
  scale: 14,
  range: [0, 1],
  padding: 6,
});
await saveSvg(
  report.path("seq2seq_loss.svg"),
  await lineChart([{ name: `${attention} attention`, x: steps, y: losses }], {
    title: "Seq2seq transliteration: training loss per epoch",
    xLabel: "step",
    yLabel: "cross-entropy per letter",
    logY: true,
  }),
);
await report.write();
