/**
 * The GPT character LM of `@nnc/models/transformer` against the identical PyTorch model
 * (bench/_gpt_torch.py): both start from the same weights (nnc's, written as safetensors), see
 * the same batches in the same order and train with Adam for the same steps; the validation losses
 * at the end must agree within 2% (the issue's criterion). Prints both curves side by side and
 * exits with 1 when they do not agree.
 *
 * Usage: `deno run -A bench/gpt_loss_compare.ts [--steps 2000] [--threads 2]
 * [--python /usr/bin/python3] [--layers 2]`
 *
 * The corpus is `@nnc/datasets`' `fortunes()` (Debian's `fortunes` package) with its training and
 * validation split.
 *
 * @module
 */
import { NDArray, Rng } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { crossEntropy, saveModelSync } from "@nnc/layers";
import { Adam } from "@nnc/optim";
import { fortunes } from "@nnc/datasets";
import { GPT } from "@nnc/models/transformer";
import { loadNativeIfRequested } from "./_native.ts";

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const steps = Number(arg("steps", "2000"));
const every = Math.max(1, Math.round(steps / 10));
const threads = arg("threads", "2");
const python = arg("python", "/usr/bin/python3");
const layers = Number(arg("layers", "2"));
const BLOCK = 128, BATCH = 16, LR = 1e-3;

Deno.env.set("NNC_THREADS", threads);
const backend = await loadNativeIfRequested();
const corpus = await fortunes();
const int32 = (a: NDArray) => {
  const c = a.contiguous();
  return Array.from((c.data as Int32Array).subarray(c.offset, c.offset + c.size));
};
// One id array: the training split, then the validation split (windows never cross the border).
const trainIds = int32(corpus.train), validIds = int32(corpus.validation);
const ids = Int32Array.from([...trainIds, ...validIds]);
const split = trainIds.length;
const rng = new Rng(1);
const starts = (lo: number, hi: number) =>
  Array.from({ length: BATCH }, () => rng.int(lo, hi - BLOCK - 1));
const plan = {
  vocabSize: corpus.vocab.size,
  block: BLOCK,
  layers,
  lr: LR,
  every,
  ids: Array.from(ids),
  train: Array.from({ length: steps }, () => starts(0, split)),
  valid: Array.from({ length: 8 }, () => starts(split, ids.length)),
};

const model = new GPT({
  vocabSize: plan.vocabSize,
  blockSize: BLOCK,
  dModel: 128,
  numHeads: 4,
  numLayers: layers,
  dimFeedforward: 512,
  rng: new Rng(0),
});
const dir = await Deno.makeTempDir({ prefix: "nnc-gpt-compare-" });
saveModelSync(`${dir}/init.safetensors`, model);
await Deno.writeTextFile(`${dir}/plan.json`, JSON.stringify(plan));

function batch(list: readonly number[]): [NDArray, Tensor] {
  const x = new Int32Array(list.length * BLOCK), y = new Int32Array(list.length * BLOCK);
  list.forEach((s, b) => {
    x.set(ids.subarray(s, s + BLOCK), b * BLOCK);
    y.set(ids.subarray(s + 1, s + BLOCK + 1), b * BLOCK);
  });
  return [NDArray.fromTyped(x, [list.length, BLOCK]), new Tensor(NDArray.fromTyped(y, [x.length]))];
}
const loss = ([x, y]: [NDArray, Tensor]) =>
  crossEntropy(model.forward(x).reshape(y.size, plan.vocabSize), y);
const validLoss = () =>
  noGrad(() => plan.valid.reduce((s, b) => s + loss(batch(b)).item(), 0)) / plan.valid.length;

console.log(
  `PyTorch side: ${python} bench/gpt_torch_train.py (${steps} steps, ${threads} threads)`,
);
const here = new URL(".", import.meta.url).pathname;
const torchRun = new Deno.Command(python, {
  args: [`${here}gpt_torch_train.py`, `${dir}/plan.json`, `${dir}/init.safetensors`, threads],
  env: { OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, OMP_WAIT_POLICY: "PASSIVE" },
  stdout: "piped",
  stderr: "inherit",
}).output();

console.log(`nnc side (${backend} backend)`);
const optimizer = new Adam(model.parameters(), { lr: LR });
const ours: { step: number; train: number; valid: number }[] = [];
const t0 = performance.now();
for (let step = 1; step <= steps; step++) {
  optimizer.zeroGrad();
  const l = loss(batch(plan.train[step - 1]));
  l.backward();
  optimizer.step();
  if (step % every === 0 || step === steps) {
    ours.push({ step, train: l.item(), valid: validLoss() });
  }
}
const nncSeconds = (performance.now() - t0) / 1000;
const out = await torchRun;
if (!out.success) {
  console.error("the PyTorch side failed");
  Deno.exit(2);
}
const theirs: { step: number; train: number; valid: number }[] = JSON.parse(
  new TextDecoder().decode(out.stdout).trim().split("\n").pop()!,
).curve;
console.log("step   nnc train  torch train  nnc valid  torch valid");
ours.forEach((o, i) => {
  const t = theirs[i];
  console.log(
    `${String(o.step).padEnd(6)} ${o.train.toFixed(4).padStart(9)}  ${
      t.train.toFixed(4).padStart(11)
    }  ${o.valid.toFixed(4).padStart(9)}  ${t.valid.toFixed(4).padStart(11)}`,
  );
});
const a = ours.at(-1)!.valid, b = theirs.at(-1)!.valid;
const rel = Math.abs(a - b) / b;
console.log(
  `final validation loss: nnc ${a.toFixed(4)}, PyTorch ${b.toFixed(4)}, difference ${
    (100 * rel).toFixed(2)
  }% (goal ≤ 2%); nnc trained in ${nncSeconds.toFixed(0)} s`,
);
await Deno.remove(dir, { recursive: true });
if (!(rel <= 0.02)) Deno.exit(1);
