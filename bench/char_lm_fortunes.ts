/**
 * The fortunes character LSTM beside PyTorch (issue 11): a 2 × 256 LSTM language model (embedding
 * 64), sequences of 128 characters, batches of 32, Adam 2e-3, gradient norm clipped at 5, 2,000
 * steps, trained by nnc and by the identical PyTorch 1.13 model from the same initial weights on
 * the same batches in the same order; the validation losses are compared (goal: nnc within 2% of
 * PyTorch).
 *
 * This script draws the batch order and the initial weights, writes them with the corpus ids to
 * `out/bench/char_lm/`, trains nnc, then runs `bench/char_lm_fortunes_torch.py` on the same files and
 * prints both curves side by side.
 *
 * Usage: `deno run -A bench/char_lm_fortunes.ts [--steps 2000] [--eval-every 250] [--val-batches N]
 * [--threads N] [--python /usr/bin/python3]`; a smoke test: `--steps 4 --eval-every 2 --val-batches 2`.
 *
 * @module
 */
import { NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy } from "@nnc/layers";
import { Adam, clipGradNorm } from "@nnc/optim";
import { fortunes } from "@nnc/datasets";
import { CharLM } from "@nnc/models/rnn";
import { loadNativeIfRequested } from "./_native.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
function text(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : fallback;
}

const config = {
  steps: arg("steps", 2000),
  evalEvery: arg("eval-every", 250),
  valBatches: arg("val-batches", 1e9),
  seqLen: 128,
  batchSize: 32,
  hidden: 256,
  layers: 2,
  embedding: 64,
  lr: 2e-3,
  clip: 5,
  seed: 0,
};
const threads = arg("threads", 0);
if (threads > 0) Deno.env.set("NNC_THREADS", String(threads));
const dir = text("out", "out/bench/char_lm");
await Deno.mkdir(`${dir}/init`, { recursive: true });
const backend = await loadNativeIfRequested();

const corpus = await fortunes();
const V = corpus.vocabSize;
const writeIds = (name: string, ids: NDArray) =>
  Deno.writeFile(
    `${dir}/${name}`,
    new Uint8Array((ids.contiguous().data as Int32Array).slice().buffer),
  );
await writeIds("train_ids.bin", corpus.train);
await writeIds("validation_ids.bin", corpus.validation);

// The batch order: window k covers train ids [k·seqLen, k·seqLen + seqLen]; each epoch is a fresh
// permutation of the windows, cut into batches (the short last one dropped).
const { seqLen, batchSize } = config;
const windows = Math.floor((corpus.train.size - 1) / seqLen);
const batches: number[][] = [];
for (let epoch = 0; batches.length < config.steps; epoch++) {
  const order = new Rng(epoch).permutation(windows);
  for (let s = 0; s + batchSize <= windows && batches.length < config.steps; s += batchSize) {
    batches.push(Array.from(order.subarray(s, s + batchSize)));
  }
}

const lm = new CharLM({
  vocabSize: V,
  hiddenSize: config.hidden,
  numLayers: config.layers,
  embeddingDim: config.embedding,
  rng: new Rng(config.seed),
});
const shapes: Record<string, number[]> = {};
for (const [name, p] of lm.namedParameters()) {
  shapes[name] = [...p.shape];
  await Deno.writeFile(
    `${dir}/init/${name}.bin`,
    new Uint8Array((p.data.contiguous().data as Float32Array).slice().buffer),
  );
}
await Deno.writeTextFile(
  `${dir}/meta.json`,
  JSON.stringify({ ...config, vocabSize: V, shapes, batches }),
);

function gather(ids: NDArray, starts: readonly number[]): [NDArray, NDArray] {
  const src = ids.contiguous().data as Int32Array, o = ids.offset;
  const x = new Int32Array(starts.length * seqLen), y = new Int32Array(starts.length * seqLen);
  starts.forEach((s, b) => {
    x.set(src.subarray(o + s, o + s + seqLen), b * seqLen);
    y.set(src.subarray(o + s + 1, o + s + 1 + seqLen), b * seqLen);
  });
  return [
    NDArray.fromTyped(x, [starts.length, seqLen]),
    NDArray.fromTyped(y, [starts.length, seqLen]),
  ];
}

function validationLoss(): number {
  const n = Math.min(
    config.valBatches,
    Math.floor((corpus.validation.size - 1) / seqLen / batchSize),
  );
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const starts = Array.from({ length: batchSize }, (_, b) => (k * batchSize + b) * seqLen);
    const [x, y] = gather(corpus.validation, starts);
    sum += noGrad(() => crossEntropy(lm.forward(x)[0].reshape(-1, V), y.reshape(-1)).item());
  }
  return sum / n;
}

const opt = new Adam(lm.parameters(), { lr: config.lr });
const curve: { step: number; train: number; validation: number; seconds: number }[] = [];
let running = 0, count = 0, trainSeconds = 0;
console.log(`nnc (${backend}): ${lm.numParameters()} parameters, ${config.steps} steps`);
for (let step = 1; step <= config.steps; step++) {
  const [x, y] = gather(corpus.train, batches[step - 1].map((k) => k * seqLen));
  const t0 = performance.now();
  opt.zeroGrad();
  const loss = crossEntropy(lm.forward(new Tensor(x))[0].reshape(-1, V), new Tensor(y).reshape(-1));
  loss.backward();
  clipGradNorm(lm.parameters(), config.clip);
  opt.step();
  running += loss.item();
  trainSeconds += (performance.now() - t0) / 1000;
  count++;
  if (step % config.evalEvery === 0 || step === config.steps) {
    curve.push({
      step,
      train: running / count,
      validation: validationLoss(),
      seconds: trainSeconds,
    });
    console.log(JSON.stringify(curve[curve.length - 1]));
    running = 0;
    count = 0;
  }
}
await Deno.writeTextFile(`${dir}/nnc.json`, JSON.stringify({ backend, curve }));

const python = text("python", "/usr/bin/python3");
const here = new URL(".", import.meta.url).pathname;
const env: Record<string, string> = { OMP_WAIT_POLICY: "PASSIVE" };
if (threads > 0) env.OMP_NUM_THREADS = String(threads);
const torch = await new Deno.Command(python, {
  args: [
    `${here}char_lm_fortunes_torch.py`,
    dir,
    ...(threads > 0 ? ["--threads", String(threads)] : []),
  ],
  env,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!torch.success) Deno.exit(1);
const other = JSON.parse(await Deno.readTextFile(`${dir}/torch.json`)).curve as typeof curve;
console.log("\nstep   nnc val   torch val   nnc/torch   nnc s/step  torch s/step");
curve.forEach((c, i) => {
  const t = other[i];
  console.log(
    `${String(c.step).padEnd(6)} ${c.validation.toFixed(4).padEnd(9)} ${
      t.validation.toFixed(4).padEnd(11)
    } ${(c.validation / t.validation).toFixed(4).padEnd(11)} ${
      (c.seconds / c.step).toFixed(3).padEnd(11)
    } ${(t.seconds / t.step).toFixed(3)}`,
  );
});
const last = curve[curve.length - 1], lastT = other[other.length - 1];
const gap = Math.abs(last.validation / lastT.validation - 1);
console.log(
  `final validation loss: nnc ${last.validation.toFixed(4)}, PyTorch ${
    lastT.validation.toFixed(4)
  }: ${(100 * gap).toFixed(2)}% apart (goal: within 2%)`,
);
