// Subprocess of kill_during_save_fault.ts: saves a model, an optimiser state and a rotating
// ModelCheckpoint to `dir` in a loop until it is killed. Every parameter of save number i holds
// the value i, so a torn or mixed file is seen by the parent. Prints `ready <ms per round>` after
// the first complete round (so every target exists before the first kill).
//
// Usage: deno run -A faults/_save_worker.ts <dir>
import { Linear, Sequential } from "@nnc/layers";
import { Adam, saveOptimizerState } from "@nnc/optim";
import { History, ModelCheckpoint, type TrainingState } from "@nnc/train";
import { saveModel } from "@nnc/layers";
import { tensor } from "@nnc/autograd";

const dir = Deno.args[0];
// 2 × (700 × 700 + 700) floats ≈ 3.9 MB per file.
const model = new Sequential(new Linear(700, 700), new Linear(700, 700));
const optimizer = new Adam(model.parameters(), { lr: 0.1 });
model.forward(tensor([new Array(700).fill(1)])).sum().backward();
optimizer.step();
const ckpt = new ModelCheckpoint({
  path: `${dir}/ckpt/e{epoch}.safetensors`,
  monitor: "loss",
  saveBestOnly: false,
  keep: 2,
});
const state: TrainingState = {
  model,
  optimizer,
  history: new History(),
  epochs: 1e9,
  epoch: 0,
  stopTraining: false,
  log: () => {},
};
ckpt.onTrainBegin(state);
const encoder = new TextEncoder();
for (let i = 1;; i++) {
  const t0 = performance.now();
  for (const p of model.parameters()) p.data.data.fill(i);
  for (const s of optimizer.state.values()) (s.exp_avg as { data: Float32Array }).data.fill(i);
  await saveModel(`${dir}/model.safetensors`, model, { metadata: { round: String(i) } });
  await saveOptimizerState(`${dir}/optimizer.safetensors`, optimizer);
  state.epoch = i;
  await ckpt.onEpochEnd(i, { epoch: i, loss: 1 / i }, state);
  if (i === 1) Deno.stdout.writeSync(encoder.encode(`ready ${performance.now() - t0}\n`));
}
