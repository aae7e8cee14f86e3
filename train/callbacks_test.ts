import assert from "node:assert/strict";
import { array, loadSafetensors, type NDArray } from "@nnc/tensor";
import { Linear, mseLoss } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { fit } from "./fit.ts";
import { History } from "./history.ts";
import {
  type Callback,
  CsvLogger,
  EarlyStopping,
  JsonlLogger,
  ModelCheckpoint,
  type TrainingState,
} from "./callbacks.ts";
import type { Metric } from "./metrics.ts";

function state(): TrainingState {
  const model = new Linear(1, 1);
  return {
    model,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    history: new History(),
    epochs: 100,
    epoch: 0,
    stopTraining: false,
    log: () => {},
  };
}

/** Feeds a scripted validation-loss sequence; returns the epoch training stopped after (or null). */
function run(es: EarlyStopping, values: number[], key = "valLoss"): number | null {
  const s = state();
  es.onTrainBegin(s);
  for (let i = 0; i < values.length && !s.stopTraining; i++) {
    s.epoch = i + 1;
    es.onEpochEnd(i + 1, { epoch: i + 1, [key]: values[i] }, s);
  }
  return es.stoppedEpoch;
}

const SEQ = [1.0, 0.8, 0.9, 0.85, 0.83, 0.82, 0.81, 0.805, 0.9, 1.0];

Deno.test("EarlyStopping patience rule on a scripted validation-loss sequence", () => {
  // best 0.8 at epoch 2; epochs 3.. never beat it
  assert.equal(run(new EarlyStopping(), SEQ), 3); // patience 0: the notes' literal rule
  assert.equal(run(new EarlyStopping({ patience: 1 }), SEQ), 4);
  assert.equal(run(new EarlyStopping({ patience: 7 }), SEQ), 10);
  assert.equal(run(new EarlyStopping({ patience: 8 }), SEQ), null);
  const es = new EarlyStopping({ patience: 2 });
  run(es, SEQ);
  assert.equal(es.bestEpoch, 2);
  assert.equal(es.bestValue, 0.8);
});

Deno.test("EarlyStopping firstIncrease rule stops when the value rises over the previous epoch", () => {
  assert.equal(run(new EarlyStopping({ rule: "firstIncrease" }), SEQ), 3);
  // tolerating one rise: 0.9 (rise), then 0.85 falls again, … until 0.9 and 1.0 rise twice in a row
  assert.equal(run(new EarlyStopping({ rule: "firstIncrease", patience: 1 }), SEQ), 10);
  // ties are not rises (but are not improvements for the patience rule)
  assert.equal(run(new EarlyStopping({ rule: "firstIncrease" }), [1, 0.8, 0.8, 0.9]), 4);
  assert.equal(run(new EarlyStopping(), [1, 0.8, 0.8, 0.9]), 3);
});

Deno.test("EarlyStopping minDelta and max mode", () => {
  // improvements of 0.005 do not count with minDelta 0.01
  assert.equal(run(new EarlyStopping({ minDelta: 0.01, patience: 1 }), [1, 0.995, 0.992, 0.5]), 3);
  const acc = new EarlyStopping({ monitor: "valAccuracy" });
  assert.equal(acc.mode, "max");
  assert.equal(run(acc, [0.5, 0.6, 0.55], "valAccuracy"), 3);
  assert.equal(acc.bestEpoch, 2);
});

Deno.test("EarlyStopping names a missing monitored key", () => {
  const s = state();
  const es = new EarlyStopping();
  es.onTrainBegin(s);
  assert.throws(() => es.onEpochEnd(1, { epoch: 1, loss: 1 }, s), {
    name: "RangeError",
    message:
      "EarlyStopping: 'valLoss' was not logged (logged: loss); pass validation data to fit or monitor another key",
  });
  assert.throws(
    () => new EarlyStopping({ patience: -1 }),
    /patience must be an integer >= 0, got -1/,
  );
  assert.throws(
    () => new EarlyStopping({ rule: "notes" as never }),
    /rule must be one of "patience", "firstIncrease"/,
  );
});

/** A metric whose value follows a script, one entry per epoch (the same for training and validation). */
function scripted(values: number[]): Metric {
  let calls = 0;
  return {
    name: "score",
    reset() {},
    update() {},
    compute: () => values[Math.floor(calls++ / 2)],
  };
}

/** Records the weight after every epoch. */
function weightLog(): Callback & { weights: number[] } {
  const weights: number[] = [];
  return {
    weights,
    onEpochEnd: (_e, _l, s) => void weights.push((s.model as Linear).weight.data.item()),
  };
}

function problem() {
  const model = new Linear(1, 1, { dtype: "float64" });
  model.weight.data = array([[0.5]], { dtype: "float64" });
  model.bias!.data = array([0], { dtype: "float64" });
  const x = array([[1], [2]], { dtype: "float64" }), y = array([[3], [5]], { dtype: "float64" });
  return { model, data: [[x, y]] as [NDArray, NDArray][] };
}

Deno.test("fit + EarlyStopping on a scripted validation score: stops, restores the best weights", async () => {
  const { model, data } = problem();
  const log = weightLog();
  const es = new EarlyStopping({
    monitor: "valScore",
    mode: "min",
    patience: 1,
    restoreBest: true,
  });
  const h = await fit(model, {
    train: data,
    validation: data,
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 10,
    metrics: [scripted(SEQ)],
    callbacks: [log, es],
    progress: "none",
  });
  assert.equal(h.length, 4);
  assert.equal(es.stoppedEpoch, 4);
  assert.deepEqual(h.get("valScore"), [1.0, 0.8, 0.9, 0.85]);
  assert.notEqual(log.weights[1], log.weights[3]);
  assert.equal(model.weight.data.item(), log.weights[1]); // epoch 2's weights
});

Deno.test("fit + ModelCheckpoint keeps the best epoch's model on disk, atomically", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model, data } = problem();
    const log = weightLog();
    const ckpt = new ModelCheckpoint({
      path: `${dir}/ckpt/best.safetensors`,
      monitor: "valScore",
      mode: "min",
    });
    await fit(model, {
      train: data,
      validation: data,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 5,
      metrics: [scripted([1.0, 0.8, 0.9, 0.7, 0.75])],
      callbacks: [log, ckpt],
      progress: "none",
    });
    assert.equal(ckpt.bestEpoch, 4);
    assert.equal(ckpt.bestValue, 0.7);
    const file = await loadSafetensors(`${dir}/ckpt/best.safetensors`);
    assert.equal(file.tensors["weight"].item(), log.weights[3]);
    assert.deepEqual(
      { epoch: file.metadata.epoch, monitor: file.metadata.monitor, value: file.metadata.value },
      { epoch: "4", monitor: "valScore", value: "0.7" },
    );
    const names = [];
    for await (const e of Deno.readDir(`${dir}/ckpt`)) names.push(e.name);
    assert.deepEqual(names, ["best.safetensors"]); // no temporary files left behind
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ModelCheckpoint with saveBestOnly false writes every epoch's file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model, data } = problem();
    const ckpt = new ModelCheckpoint({
      path: `${dir}/e{epoch}.safetensors`,
      monitor: "loss",
      saveBestOnly: false,
    });
    await fit(model, {
      train: data,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 3,
      callbacks: [ckpt],
      progress: "none",
    });
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), [
      "e1.safetensors",
      "e2.safetensors",
      "e3.safetensors",
      "latest",
    ]);
    assert.equal(ckpt.lastSaved, `${dir}/e3.safetensors`);
    assert.equal(await Deno.readTextFile(`${dir}/latest`), "e3.safetensors\n");
    assert.throws(
      () => new ModelCheckpoint({} as never),
      /ModelCheckpoint: path must be a file path \(a non-empty string or a file: URL\), got undefined/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CsvLogger and JsonlLogger write one row per epoch", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model, data } = problem();
    const h = await fit(model, {
      train: data,
      validation: data,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 3,
      callbacks: [
        new CsvLogger(`${dir}/log.csv`),
        new JsonlLogger(`${dir}/log.jsonl`),
        new JsonlLogger(`${dir}/batches.jsonl`, { batches: true }),
      ],
      progress: "none",
    });
    const csv = (await Deno.readTextFile(`${dir}/log.csv`)).trimEnd().split("\n");
    assert.equal(csv[0], "epoch,loss,valLoss,lr,seconds");
    assert.equal(csv.length, 4);
    assert.deepEqual(csv[2].split(",").slice(0, 4), [
      "2",
      String(h.get("loss")[1]),
      String(h.get("valLoss")[1]),
      "0.01",
    ]);
    const rows = (await Deno.readTextFile(`${dir}/log.jsonl`)).trimEnd().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(rows, h.toJSON());
    const withBatches = (await Deno.readTextFile(`${dir}/batches.jsonl`)).trimEnd().split("\n").map(
      (l) => JSON.parse(l),
    );
    assert.equal(withBatches.length, 6);
    assert.deepEqual(Object.keys(withBatches[0]), ["epoch", "batch", "loss"]);
    assert.equal(withBatches[0].loss, h.get("loss")[0]);
    // append mode keeps the header and adds rows
    const more = new CsvLogger(`${dir}/log.csv`, { append: true });
    const s = state();
    await more.onTrainBegin(s);
    await more.onEpochEnd(4, { epoch: 4, loss: 1, lr: 0.5 });
    const after = (await Deno.readTextFile(`${dir}/log.csv`)).trimEnd().split("\n");
    assert.equal(after.length, 5);
    assert.equal(after[4], "4,1,,0.5,");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ModelCheckpoint keeps the last k files (across runs) and a latest pointer", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model, data } = problem();
    const options = {
      path: `${dir}/ckpt/e{epoch}.safetensors`,
      monitor: "loss",
      saveBestOnly: false,
      keep: 2,
    };
    const train = (ckpt: ModelCheckpoint, history?: History) =>
      fit(model, {
        train: data,
        loss: mseLoss,
        optimizer: new SGD(model.parameters(), { lr: 0.01 }),
        epochs: 3,
        callbacks: [ckpt],
        progress: "none",
        history,
      });
    const log = weightLog();
    const h = await fit(model, {
      train: data,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 3,
      callbacks: [log, new ModelCheckpoint(options)],
      progress: "none",
    });
    const list = async () => {
      const names = [];
      for await (const e of Deno.readDir(`${dir}/ckpt`)) names.push(e.name);
      return names.sort();
    };
    assert.deepEqual(await list(), ["e2.safetensors", "e3.safetensors", "latest"]);
    assert.equal(await ModelCheckpoint.latest(`${dir}/ckpt/latest`), `${dir}/ckpt/e3.safetensors`);
    const file = await loadSafetensors(`${dir}/ckpt/e3.safetensors`);
    assert.equal(file.tensors["weight"].item(), log.weights[2]);
    // A second run (a new callback, continuing the history) removes the first run's files too,
    // and the temporary file of a writer killed while saving epoch 9 (pid above any real one).
    const stale = `${dir}/ckpt/.e9.safetensors.4194305.0123456789ab.nnc-tmp`;
    await Deno.writeTextFile(stale, "half a checkpoint");
    await train(new ModelCheckpoint(options), h);
    assert.deepEqual(
      await list(),
      Deno.build.os === "linux" ? ["e5.safetensors", "e6.safetensors", "latest"] : [
        ".e9.safetensors.4194305.0123456789ab.nnc-tmp",
        "e5.safetensors",
        "e6.safetensors",
        "latest",
      ],
    );
    // A restarted run numbered from 1 again: its new files are the newest, the old ones go.
    await train(new ModelCheckpoint({ ...options, keep: 1 }));
    assert.deepEqual(await list(), ["e3.safetensors", "latest"]);
    assert.equal(await Deno.readTextFile(`${dir}/ckpt/latest`), "e3.safetensors\n");
    // restore() loads the newest checkpoint, through the pointer when this run saved none.
    const fresh = new Linear(1, 1, { dtype: "float64" });
    const back = await new ModelCheckpoint(options).restore(fresh);
    assert.equal(back, `${dir}/ckpt/e3.safetensors`);
    assert.equal(fresh.weight.data.item(), model.weight.data.item());
    assert.throws(() => new ModelCheckpoint({ ...options, keep: 0 }), /ModelCheckpoint: keep/);
    assert.throws(
      () => new ModelCheckpoint({ path: `${dir}/a`, latest: `${dir}/a` }),
      /latest must differ/,
    );
    assert.throws(() => new ModelCheckpoint({ path: "a", latest: 3 as never }), TypeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ModelCheckpoint never writes NaN weights over a good checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model } = problem();
    const messages: string[] = [];
    const s = { ...state(), model, log: (m: string) => void messages.push(m) };
    const best = new ModelCheckpoint({ path: `${dir}/best.safetensors`, monitor: "loss" });
    const every = new ModelCheckpoint({
      path: `${dir}/e{epoch}.safetensors`,
      monitor: "loss",
      saveBestOnly: false,
    });
    for (const c of [best, every]) c.onTrainBegin(s);
    for (const c of [best, every]) await c.onEpochEnd(1, { epoch: 1, loss: 2 }, s);
    model.weight.data = array([[NaN]], { dtype: "float64" });
    for (const c of [best, every]) await c.onEpochEnd(2, { epoch: 2, loss: 1 }, s);
    model.weight.data = array([[0.25]], { dtype: "float64" });
    await every.onEpochEnd(3, { epoch: 3, loss: Infinity }, s);
    assert.equal(best.bestEpoch, 1);
    assert.equal((await loadSafetensors(`${dir}/best.safetensors`)).tensors.weight.item(), 0.5);
    assert.equal(await Deno.readTextFile(`${dir}/latest`), "e1.safetensors\n");
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["best.safetensors", "e1.safetensors", "latest"]);
    assert.equal(messages.length, 3);
    assert.match(messages[0], /ModelCheckpoint: epoch 2 not saved: weight is not finite/);
    assert.match(messages[2], /epoch 3 not saved: loss is not finite/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("CsvLogger append mode completes a cut last line; loggers leave no temporary files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/log.csv`, "epoch,loss\n1,0.5");
    const csv = new CsvLogger(`${dir}/log.csv`, { append: true });
    const jsonl = new JsonlLogger(`${dir}/log.jsonl`);
    const s = state();
    for (const c of [csv, jsonl]) await c.onTrainBegin(s);
    for (const c of [csv, jsonl]) await c.onEpochEnd(2, { epoch: 2, loss: 0.25 });
    assert.equal(await Deno.readTextFile(`${dir}/log.csv`), "epoch,loss\n1,0.5\n2,0.25\n");
    assert.equal(await Deno.readTextFile(`${dir}/log.jsonl`), '{"epoch":2,"loss":0.25}\n');
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["log.csv", "log.jsonl"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("callbacks: a missing log or state is an error naming the callback", async () => {
  const { EarlyStopping } = await import("./callbacks.ts");
  const es = new EarlyStopping();
  assert.throws(
    () => es.onEpochEnd(1, undefined as unknown as { epoch: number }, null as never),
    /^TypeError: EarlyStopping: logs must be an object, got undefined/,
  );
});
