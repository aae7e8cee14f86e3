import assert from "node:assert/strict";
import { array, loadSafetensors, type NDArray } from "@nnc/tensor";
import { crossEntropy, Linear, mseLoss } from "@nnc/layers";
import { ReduceLROnPlateau, SGD, StepLR } from "@nnc/optim";
import { DataLoader, TensorDataset } from "@nnc/datasets";
import { fit } from "./fit.ts";
import { History } from "./history.ts";
import { type Callback, EarlyStopping, ModelCheckpoint } from "./callbacks.ts";
import { NonFiniteLossError } from "./non_finite_loss_error.ts";
import type { Metric } from "./metrics.ts";

const f64 = (x: number[][]) => array(x, { dtype: "float64" });

/** y = w·x + b with w = 0.5, b = 0, in float64. */
function line(): Linear {
  const m = new Linear(1, 1, { dtype: "float64" });
  m.weight.data = f64([[0.5]]);
  m.bias!.data = array([0], { dtype: "float64" });
  return m;
}

const X = [1, 2, 3, 4], Y = [3, 5, 7, 9]; // y = 2x + 1
const VX = [0, 5], VY = [1, 11];

/** Independent mini-batch gradient descent on the MSE of y = wx + b, in plain numbers. */
function reference(batches: number[][], epochs: number, lr: number) {
  let w = 0.5, b = 0;
  const mse = (xs: number[], ys: number[]) =>
    xs.reduce((s, x, i) => s + (w * x + b - ys[i]) ** 2, 0) / xs.length;
  const losses: number[] = [], val: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (const idx of batches) {
      const xs = idx.map((i) => X[i]), ys = idx.map((i) => Y[i]);
      sum += mse(xs, ys) * idx.length;
      let gw = 0, gb = 0;
      xs.forEach((x, i) => {
        const r = w * x + b - ys[i];
        gw += (2 * r * x) / xs.length;
        gb += (2 * r) / xs.length;
      });
      w -= lr * gw;
      b -= lr * gb;
    }
    losses.push(sum / X.length);
    val.push(mse(VX, VY));
  }
  return { losses, val, w, b };
}

function close(actual: number[], expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
      `index ${i}: ${a} vs ${expected[i]}`,
    )
  );
}

function batchesOf(groups: number[][]): [NDArray, NDArray][] {
  return groups.map((g) => [f64(g.map((i) => [X[i]])), f64(g.map((i) => [Y[i]]))]);
}

Deno.test("fit: full-batch loss trajectory equals independent gradient descent", async () => {
  const model = line();
  const h = await fit(model, {
    train: batchesOf([[0, 1, 2, 3]]),
    validation: [[f64([[0], [5]]), f64([[1], [11]])]],
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.02 }),
    epochs: 6,
    progress: "none",
  });
  const ref = reference([[0, 1, 2, 3]], 6, 0.02);
  close(h.get("loss"), ref.losses);
  close(h.get("valLoss"), ref.val);
  close([model.weight.data.item(), model.bias!.data.item()], [ref.w, ref.b]);
  assert.deepEqual(h.epochs.map((r) => r.epoch), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(h.get("lr"), Array(6).fill(0.02));
  assert.ok(h.get("seconds").every((s) => s >= 0));
  // the first loss is the initial model's: mean((0.5x − (2x+1))²) over x = 1..4
  assert.equal(h.get("loss")[0], [1, 2, 3, 4].reduce((s, x) => s + (1.5 * x + 1) ** 2, 0) / 4);
});

Deno.test("fit: unequal mini-batches weight the epoch loss by batch size", async () => {
  const model = line();
  const groups = [[0, 1, 2], [3]];
  const h = await fit(model, {
    train: batchesOf(groups),
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 4,
    progress: "none",
  });
  close(h.get("loss"), reference(groups, 4, 0.01).losses);
});

Deno.test("fit: a DataLoader source, metrics on training and validation batches", async () => {
  // Two separable classes; a fixed linear classifier that gets 3 of 4 right (lr 0 keeps it fixed).
  const x = array([[1, 0], [0, 1], [2, 0], [0.6, 0.5]]);
  const y = array([0, 1, 0, 1], { dtype: "int32" });
  const model = new Linear(2, 2, { bias: false });
  model.weight.data = array([[1, 0], [0, 1]]);
  const h = await fit(model, {
    train: new DataLoader(new TensorDataset(x, y), { batchSize: 3 }),
    validation: [[x.slice({ start: 0, stop: 2 }), y.slice({ start: 0, stop: 2 })]],
    loss: crossEntropy,
    optimizer: new SGD(model.parameters(), { lr: 0 }),
    epochs: 2,
    metrics: ["accuracy"],
    progress: "none",
  });
  assert.deepEqual(h.get("accuracy"), [0.75, 0.75]);
  assert.deepEqual(h.get("valAccuracy"), [1, 1]);
  const ce = (a: number, b: number) => Math.log(Math.exp(a) + Math.exp(b)) - a;
  const expected = (ce(1, 0) + ce(1, 0) + ce(2, 0) + ce(0.5, 0.6)) / 4;
  assert.ok(Math.abs(h.get("loss")[0] - expected) < 1e-6);
});

Deno.test("fit: schedules step per epoch (or per batch) and the logged lr is the epoch's", async () => {
  const model = line();
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  const h = await fit(model, {
    train: batchesOf([[0, 1], [2, 3]]),
    loss: mseLoss,
    optimizer: opt,
    scheduler: new StepLR(opt, { stepSize: 2, gamma: 0.5 }),
    epochs: 5,
    progress: "none",
  });
  assert.deepEqual(h.get("lr"), [0.01, 0.01, 0.005, 0.005, 0.0025]);
  const m2 = line();
  const opt2 = new SGD(m2.parameters(), { lr: 0.01 });
  const h2 = await fit(m2, {
    train: batchesOf([[0, 1], [2, 3]]),
    loss: mseLoss,
    optimizer: opt2,
    scheduler: new StepLR(opt2, { stepSize: 2, gamma: 0.5 }),
    schedulerInterval: "batch",
    epochs: 3,
    progress: "none",
  });
  assert.deepEqual(h2.get("lr"), [0.01, 0.005, 0.0025]);
});

/** A ReduceLROnPlateau that records the values it is stepped with. */
class RecordingPlateau extends ReduceLROnPlateau {
  readonly seen: number[] = [];
  override step(metric: number): void {
    this.seen.push(metric);
    super.step(metric);
  }
}

Deno.test("fit: ReduceLROnPlateau receives valLoss (loss without validation)", async () => {
  const model = line();
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  const plateau = new RecordingPlateau(opt);
  const h = await fit(model, {
    train: batchesOf([[0, 1, 2, 3]]),
    validation: [[f64([[0], [5]]), f64([[1], [11]])]],
    loss: mseLoss,
    optimizer: opt,
    scheduler: plateau,
    epochs: 3,
    progress: "none",
  });
  assert.deepEqual(plateau.seen, h.get("valLoss"));
});

Deno.test("fit: validateEvery validates the first epoch, every k-th from it and the last", async () => {
  // Seven epochs, validateEvery 3: epochs 1, 4 and 7 validated; the weights follow the same
  // gradient descent as without it, and each validated epoch's valLoss is the reference's.
  const ref = reference([[0, 1, 2, 3]], 7, 0.01);
  const validatedEpochs: number[] = [];
  const model = line();
  const optimizer = new SGD(model.parameters(), { lr: 0.01 });
  const plateau = new RecordingPlateau(optimizer);
  const h = await fit(model, {
    train: batchesOf([[0, 1, 2, 3]]),
    validation: [[f64(VX.map((x) => [x])), f64(VY.map((y) => [y]))]],
    validateEvery: 3,
    loss: mseLoss,
    optimizer,
    scheduler: plateau,
    epochs: 7,
    callbacks: [{
      onValidationBegin: (epoch) => void validatedEpochs.push(epoch),
      onEpochEnd: (epoch, logs, state) =>
        assert.equal(state.validated, "valLoss" in logs, `epoch ${epoch}`),
    }],
    progress: "none",
  });
  assert.deepEqual(validatedEpochs, [1, 4, 7]);
  close(h.get("loss"), ref.losses);
  const val = h.get("valLoss");
  assert.deepEqual(val.map((v) => !Number.isNaN(v)), [
    true,
    false,
    false,
    true,
    false,
    false,
    true,
  ]);
  close([val[0], val[3], val[6]], [ref.val[0], ref.val[3], ref.val[6]]);
  // ReduceLROnPlateau steps on the validated epochs only, with their validation loss.
  assert.deepEqual(plateau.seen, [val[0], val[3], val[6]]);
});

Deno.test("fit: with validateEvery, a callback's stop and a shortened plan validate the last epoch", async () => {
  const run = async (stopAfterBatchOf: number | null, shortenTo: number | null) => {
    const validated: number[] = [];
    const model = line();
    const h = await fit(model, {
      train: batchesOf([[0, 1], [2, 3]]),
      validation: [[f64([[0], [5]]), f64([[1], [11]])]],
      validateEvery: 10,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 20,
      callbacks: [{
        onBatchEnd: (_b, _l, state) => {
          if (state.epoch === stopAfterBatchOf) state.stopTraining = true;
        },
        onEpochEnd: (epoch, _l, state) => {
          if (epoch === 2 && shortenTo !== null) state.epochs = shortenTo;
        },
        onValidationBegin: (epoch) => void validated.push(epoch),
      }],
      progress: "none",
    });
    return { validated, epochs: h.length };
  };
  // Stopped during epoch 5's batches: epoch 5 is the last and is validated.
  assert.deepEqual(await run(5, null), { validated: [1, 5], epochs: 5 });
  // The plan cut to 4 epochs after epoch 2: epoch 4 is the planned last.
  assert.deepEqual(await run(null, 4), { validated: [1, 4], epochs: 4 });
  // Neither: 1, 11 and the planned last, 20.
  assert.deepEqual(await run(null, null), { validated: [1, 11, 20], epochs: 20 });
});

Deno.test("fit: EarlyStopping and ModelCheckpoint skip the epochs validateEvery leaves out", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = line();
    const stopper = new EarlyStopping({ monitor: "valLoss", patience: 1 });
    const checkpoint = new ModelCheckpoint({
      path: `${dir}/m-{epoch}.safetensors`,
      monitor: "valLoss",
      saveBestOnly: false,
    });
    const h = await fit(model, {
      train: batchesOf([[0, 1, 2, 3]]),
      validation: [[f64([[0], [5]]), f64([[1], [11]])]],
      validateEvery: 2,
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 6,
      callbacks: [stopper, checkpoint],
      progress: "none",
    });
    // The validation loss falls on every validated epoch (1, 3, 5, 6): no early stop, and the
    // unvalidated epochs count neither as improvements nor as bad epochs.
    assert.equal(h.length, 6);
    assert.equal(stopper.stoppedEpoch, null);
    assert.equal(stopper.bestEpoch, 6);
    const saved = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
      n.endsWith(".safetensors")
    )
      .sort();
    assert.deepEqual(saved, [
      "m-1.safetensors",
      "m-3.safetensors",
      "m-5.safetensors",
      "m-6.safetensors",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit: callbacks run in order with 1-based epochs and batches; stopTraining ends early", async () => {
  const events: string[] = [];
  const cb: Callback = {
    onTrainBegin: () => void events.push("begin"),
    onEpochBegin: (e) => void events.push(`e${e}`),
    onBatchEnd: (b, logs) => void events.push(`b${b}:${logs.loss > 0}`),
    onEpochEnd: (e, logs, state) => {
      events.push(`end${e}:${logs.epoch}:${state.history.length}`);
      if (e === 2) state.stopTraining = true;
    },
    onTrainEnd: (state) => void events.push(`done${state.epoch}`),
  };
  const model = line();
  const h = await fit(model, {
    train: batchesOf([[0, 1], [2, 3]]),
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 5,
    callbacks: [cb],
    progress: "none",
  });
  assert.equal(h.length, 2);
  assert.deepEqual(events, [
    "begin",
    "e1",
    "b1:true",
    "b2:true",
    "end1:1:1",
    "e2",
    "b1:true",
    "b2:true",
    "end2:2:2",
    "done2",
  ]);
});

Deno.test("fit: a callback may lengthen or shorten the run through state.epochs", async () => {
  const run = async (move: (epoch: number, state: { epochs: number }) => void) => {
    const model = line();
    const seen: number[] = [];
    const h = await fit(model, {
      train: batchesOf([[0, 1]]),
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 3,
      callbacks: [{
        onEpochBegin: (_e, state) => void seen.push(state.epochs),
        onEpochEnd: (e, _logs, state) => move(e, state),
      }],
      progress: "none",
    });
    return { epochs: h.epochs.map((r) => r.epoch), seen };
  };
  // Lengthened after the first epoch: five run, and each epoch sees the plan of its start.
  assert.deepEqual(await run((e, s) => void (e === 1 && (s.epochs = 5))), {
    epochs: [1, 2, 3, 4, 5],
    seen: [3, 5, 5, 5, 5],
  });
  // Shortened below the current epoch: the run ends there.
  assert.deepEqual((await run((e, s) => void (e === 2 && (s.epochs = 1)))).epochs, [1, 2]);
  await assert.rejects(
    () => run((_e, s) => void (s.epochs = 2.5)),
    /fit: state\.epochs must be an integer, got 2\.5/,
  );
});

Deno.test("fit: continuing a history numbers epochs after it", async () => {
  const model = line();
  const history = new History([{ epoch: 1, loss: 9 }, { epoch: 2, loss: 8 }]);
  const h = await fit(model, {
    train: batchesOf([[0, 1, 2, 3]]),
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 2,
    history,
    progress: "none",
  });
  assert.equal(h, history);
  assert.deepEqual(h.epochs.map((r) => r.epoch), [1, 2, 3, 4]);
});

Deno.test("fit: plain progress lines, one per epoch", async () => {
  let text = "";
  const writer = {
    writeSync: (p: Uint8Array) => (text += new TextDecoder().decode(p), p.length),
    isTerminal: () => false,
  };
  const model = line();
  await fit(model, {
    train: batchesOf([[0, 1, 2, 3]]),
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.02 }),
    epochs: 2,
    writer,
  });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^epoch 1\/2 · \d+\.\ds · loss 25\.38 · lr 0\.02000$/);
  assert.match(lines[1], /^epoch 2\/2 · \d+\.\ds · loss \d+\.\d+ · lr 0\.02000$/);
});

Deno.test("fit: progress bar on a terminal redraws with carriage returns", async () => {
  let text = "";
  const writer = {
    writeSync: (p: Uint8Array) => (text += new TextDecoder().decode(p), p.length),
    isTerminal: () => true,
  };
  const model = line();
  await fit(model, {
    train: batchesOf([[0, 1], [2, 3]]),
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 1,
    writer,
  });
  assert.ok(text.startsWith("\repoch 1/1 ████████████░░░░░░░░░░░░ 1/2 "), JSON.stringify(text));
  assert.ok(text.includes("\repoch 1/1 ████████████████████████ 2/2 "));
  assert.ok(
    /\repoch 1\/1 · \d+\.\ds · loss [\d.]+ · lr 0\.01000<K>\n$/.test(
      text.replaceAll("\x1b[K", "<K>"),
    ),
  );
});

Deno.test("fit: a generator is iterable once, so the second epoch is an error", async () => {
  const model = line();
  function* once(): Generator<[NDArray, NDArray]> {
    yield [f64([[1]]), f64([[3]])];
  }
  await assert.rejects(
    fit(model, {
      train: once(),
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 2,
      progress: "none",
    }),
    { name: "RangeError", message: /fit: train yielded no batches in epoch 2/ },
  );
});

Deno.test("fit: async iterables are accepted", async () => {
  const model = line();
  const source = {
    async *[Symbol.asyncIterator]() {
      yield* batchesOf([[0, 1, 2, 3]]);
    },
  };
  const h = await fit(model, {
    train: source,
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.02 }),
    epochs: 3,
    progress: "none",
  });
  close(h.get("loss"), reference([[0, 1, 2, 3]], 3, 0.02).losses);
});

Deno.test("fit: validates its arguments", async () => {
  const model = line();
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  const base = {
    train: batchesOf([[0]]),
    loss: mseLoss,
    optimizer: opt,
    epochs: 1,
    progress: "none" as const,
  };
  await assert.rejects(fit({} as never, base), {
    name: "TypeError",
    message: /fit: model must be a Module/,
  });
  await assert.rejects(fit(model, { ...base, epochs: 0 }), {
    name: "RangeError",
    message: "fit: epochs must be an integer >= 1, got 0",
  });
  for (const bad of [0, 1.5, NaN]) {
    await assert.rejects(fit(model, { ...base, validateEvery: bad }), {
      name: "RangeError",
      message: `fit: validateEvery must be an integer >= 1, got ${bad}`,
    });
  }
  await assert.rejects(
    fit(model, { ...base, train: 3 as never }),
    /fit: train must be a DataLoader or an iterable/,
  );
  await assert.rejects(
    fit(model, { ...base, loss: undefined as never }),
    /fit: loss must be a function/,
  );
  await assert.rejects(
    fit(model, { ...base, optimizer: {} as never }),
    /fit: optimizer must be an Optimizer/,
  );
  await assert.rejects(
    fit(model, { ...base, progress: "loud" as never }),
    /Progress: mode must be one of/,
  );
  await assert.rejects(
    fit(model, { ...base, train: [[f64([[1], [2]]), f64([[1]])]] }),
    {
      name: "RangeError",
      message:
        "fit: batch 0 has inputs [2, 1] and targets [1, 1]; both need the same number of rows",
    },
  );
});

Deno.test("fit: a custom Metric is reset before each pass and logged by name", async () => {
  const calls: string[] = [];
  const rows: Metric = {
    name: "rows",
    n: 0,
    reset() {
      calls.push("reset");
      (this as unknown as { n: number }).n = 0;
    },
    update(output: NDArray) {
      (this as unknown as { n: number }).n += output.shape[0];
    },
    compute() {
      return (this as unknown as { n: number }).n;
    },
  } as Metric;
  const model = line();
  const h = await fit(model, {
    train: batchesOf([[0, 1], [2, 3]]),
    validation: [[f64([[0]]), f64([[1]])]],
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 2,
    metrics: [rows],
    progress: "none",
  });
  assert.deepEqual(h.get("rows"), [4, 4]);
  assert.deepEqual(h.get("valRows"), [1, 1]);
  assert.equal(calls.length, 4);
});

/** Batches of y = 2x + 1 where batch `bad` (0-based) of epoch `badEpoch` has a NaN target. */
function poisoned(badEpoch: number, bad: number): { epoch: number } & Iterable<[NDArray, NDArray]> {
  const source = {
    epoch: 0,
    *[Symbol.iterator](): Generator<[NDArray, NDArray]> {
      source.epoch++;
      for (let i = 0; i < X.length; i++) {
        const y = source.epoch === badEpoch && i === bad ? NaN : Y[i];
        yield [f64([[X[i]]]), f64([[y]])];
      }
    },
  };
  return source;
}

Deno.test("fit: a NaN loss stops training with an error naming the epoch and the batch", async () => {
  const model = line();
  const before: number[] = [];
  await assert.rejects(
    () =>
      fit(model, {
        train: poisoned(2, 2),
        loss: mseLoss,
        optimizer: new SGD(model.parameters(), { lr: 0.01 }),
        epochs: 3,
        callbacks: [{ onBatchEnd: () => void before.push(model.weight.data.item()) }],
        progress: "none",
      }),
    (e: Error) =>
      e instanceof NonFiniteLossError && e.epoch === 2 && e.batch === 3 &&
      /^fit: loss is NaN in epoch 2, batch 3/.test(e.message),
  );
  assert.equal(before.length, 6); // four batches of epoch 1, two of epoch 2
  assert.ok(Number.isFinite(model.weight.data.item()));
  assert.equal(model.weight.data.item(), before[5]); // the bad batch changed nothing
});

Deno.test("fit: onNonFiniteLoss skip drops the batch; the epoch logs how many", async () => {
  const model = line(), ref = line();
  const messages: string[] = [];
  const h = await fit(model, {
    train: poisoned(1, 1),
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.01 }),
    epochs: 2,
    onNonFiniteLoss: "skip",
    progress: "lines",
    writer: {
      writeSync: (b: Uint8Array) => (messages.push(new TextDecoder().decode(b)), b.length),
    },
  });
  // The same training without batch 2 of epoch 1.
  const clean = [0, 2, 3].map((i) => [f64([[X[i]]]), f64([[Y[i]]])] as [NDArray, NDArray]);
  await fit(ref, {
    train: clean,
    loss: mseLoss,
    optimizer: new SGD(ref.parameters(), { lr: 0.01 }),
    epochs: 1,
    progress: "none",
  });
  await fit(ref, {
    train: batchesOf([[0], [1], [2], [3]]),
    loss: mseLoss,
    optimizer: new SGD(ref.parameters(), { lr: 0.01 }),
    epochs: 1,
    progress: "none",
  });
  assert.equal(model.weight.data.item(), ref.weight.data.item());
  assert.deepEqual(h.get("skipped"), [1, 0]);
  assert.ok(messages.join("").includes("fit: loss is NaN in epoch 1, batch 2: batch skipped"));
});

Deno.test("fit: onNonFiniteLoss restore reloads the last checkpoint and clears the optimiser", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = line();
    const ckpt = new ModelCheckpoint({
      path: `${dir}/e{epoch}.safetensors`,
      monitor: "loss",
      saveBestOnly: false,
    });
    const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    // Epoch 2's first batch blows the weights up to NaN; its second batch then has a NaN loss.
    const weights: number[] = [];
    const h = await fit(model, {
      train: poisoned(0, 0),
      loss: mseLoss,
      optimizer,
      epochs: 2,
      callbacks: [ckpt, {
        onBatchEnd: (batch, _logs, s) => {
          if (s.epoch === 2 && batch === 1) model.weight.data = f64([[NaN]]);
          weights.push(model.weight.data.item());
        },
      }],
      onNonFiniteLoss: "restore",
      progress: "none",
      writer: { writeSync: (b: Uint8Array) => b.length },
    });
    const saved = await loadSafetensors(`${dir}/e1.safetensors`);
    // After the restore, batches 3 and 4 of epoch 2 train from epoch 1's weights.
    assert.equal(weights.length, 4 + 3);
    assert.ok(Number.isFinite(model.weight.data.item()));
    assert.deepEqual(h.get("skipped"), [0, 1]);
    assert.ok(Number.isFinite(saved.tensors.weight.item()));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["e1.safetensors", "e2.safetensors", "latest"]);
    // Without a checkpoint callback, restore is an error naming the batch.
    const m2 = line();
    await assert.rejects(
      () =>
        fit(m2, {
          train: poisoned(1, 0),
          loss: mseLoss,
          optimizer: new SGD(m2.parameters(), { lr: 0.01 }),
          epochs: 1,
          onNonFiniteLoss: "restore",
          progress: "none",
        }),
      /fit: loss is NaN in epoch 1, batch 1; onNonFiniteLoss: "restore" needs a ModelCheckpoint/,
    );
    await assert.rejects(
      () =>
        fit(m2, {
          train: poisoned(1, 0),
          loss: mseLoss,
          optimizer: new SGD(m2.parameters(), { lr: 0.01 }),
          epochs: 1,
          onNonFiniteLoss: "never" as never,
          progress: "none",
        }),
      /fit: onNonFiniteLoss must be one of/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
