import assert from "node:assert/strict";
import fc from "fast-check";
import { array, assign, manualSeed, type NDArray, randn } from "@nnc/tensor";
import { noGrad, Tensor } from "@nnc/autograd";
import { BatchNorm1d, Linear, mseLoss, Sequential } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { fit } from "./fit.ts";
import { evaluate } from "./evaluate.ts";
import type { Callback } from "./callbacks.ts";
import { WeightAverage } from "./weight_average.ts";

const values = (x: NDArray): number[] => Array.from(x.flatten().toArray() as number[]);

/** A Linear(2, 1) whose weight and bias are set to `w` (3 numbers: weight, then bias). */
function setLinear(model: Linear, w: readonly number[]): void {
  assign(model.weight.data, array([[w[0], w[1]]]));
  assign(model.bias!.data, array([w[2]]));
}

function linearWeights(model: Linear): number[] {
  return [...values(model.weight.data), ...values(model.bias!.data)];
}

const weightSequence = fc.array(
  fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), {
    minLength: 3,
    maxLength: 3,
  }),
  { minLength: 1, maxLength: 12 },
);

Deno.test("WeightAverage ema: decay^(n−1)·w₁ + Σₖ₌₂ⁿ (1 − decay)·decay^(n−k)·wₖ, in float64", () => {
  fc.assert(
    fc.property(weightSequence, fc.double({ min: 0, max: 0.999, noNaN: true }), (seq, decay) => {
      const model = new Linear(2, 1);
      const ema = new WeightAverage(model, { decay });
      for (const w of seq) {
        setLinear(model, w);
        ema.update();
      }
      const n = seq.length;
      const expected = [0, 1, 2].map((j) =>
        seq.reduce(
          (s, w, k) => s + (k === 0 ? decay ** (n - 1) : (1 - decay) * decay ** (n - 1 - k)) * w[j],
          0,
        )
      );
      const got = values(ema.stateDict()["weight"]).concat(values(ema.stateDict()["bias"]));
      // float32 state: one rounding per update on values of magnitude ≤ 10.
      got.forEach((g, j) =>
        assert.ok(Math.abs(g - expected[j]) <= 1e-5 * 10 * n, `${g} vs ${expected[j]}`)
      );
      assert.equal(ema.updates, n);
    }),
  );
});

Deno.test("WeightAverage mean: the arithmetic mean of every update's weights", () => {
  fc.assert(
    fc.property(weightSequence, (seq) => {
      const model = new Linear(2, 1);
      const swa = new WeightAverage(model, { kind: "mean" });
      for (const w of seq) {
        setLinear(model, w);
        swa.update();
      }
      const mean = [0, 1, 2].map((j) => seq.reduce((s, w) => s + w[j], 0) / seq.length);
      const got = values(swa.stateDict()["weight"]).concat(values(swa.stateDict()["bias"]));
      got.forEach((g, j) => assert.ok(Math.abs(g - mean[j]) <= 1e-5 * 10, `${g} vs ${mean[j]}`));
    }),
  );
});

Deno.test("WeightAverage swap exchanges the weights and a second swap restores them bit for bit", () => {
  const model = new Linear(2, 1);
  const ema = new WeightAverage(model, { decay: 0.5 });
  setLinear(model, [1, 2, 3]);
  ema.update();
  setLinear(model, [3, 6, 9]);
  ema.update(); // average [2, 4, 6]
  setLinear(model, [0.1, 0.2, 0.3]);
  const trained = linearWeights(model);
  ema.swap();
  assert.equal(ema.swapped, true);
  assert.deepEqual(linearWeights(model), [2, 4, 6]);
  assert.throws(() => ema.update(), /WeightAverage\.update: the averaged weights are swapped/);
  // While swapped the state dict still gives the averages.
  assert.deepEqual(values(ema.stateDict()["weight"]), [2, 4]);
  ema.swap();
  assert.equal(ema.swapped, false);
  assert.deepEqual(linearWeights(model), trained);
  assert.deepEqual(values(ema.stateDict()["bias"]), [6]);
});

Deno.test("WeightAverage.withAverage runs with the averages and restores the weights, also on a throw", async () => {
  const model = new Linear(2, 1);
  const ema = new WeightAverage(model, { kind: "mean" });
  setLinear(model, [4, 4, 4]);
  ema.update();
  setLinear(model, [0, 0, 0]);
  ema.update(); // mean [2, 2, 2]
  setLinear(model, [7, 8, 9]);
  const out = await ema.withAverage(() =>
    noGrad(() => model.forward(new Tensor(array([[1, 1]])))).data.item()
  );
  assert.equal(out, 2 + 2 + 2);
  assert.deepEqual(linearWeights(model), [7, 8, 9]);
  await assert.rejects(
    ema.withAverage(() => {
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(linearWeights(model), [7, 8, 9]);
  assert.equal(ema.swapped, false);
});

Deno.test("WeightAverage averages batch norm's float buffers, copies its batch count, or leaves them to the model", () => {
  manualSeed(3);
  const make = () => new Sequential(new Linear(3, 2), new BatchNorm1d(2));
  const model = make();
  const averaged = new WeightAverage(model, { decay: 0.25 });
  const own = new WeightAverage(model, { decay: 0.25, buffers: "model" });
  const means: number[][] = [];
  for (let step = 0; step < 3; step++) {
    noGrad(() => model.forward(new Tensor(randn([8, 3])))); // training mode: statistics move
    means.push(values(model.stateDict()["1.running_mean"]));
    averaged.update();
    own.update();
  }
  const [m1, m2, m3] = means;
  const expected = m1.map((_, i) => 0.25 ** 2 * m1[i] + 0.75 * 0.25 * m2[i] + 0.75 * m3[i]);
  values(averaged.stateDict()["1.running_mean"]).forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) < 1e-6)
  );
  assert.deepEqual(values(averaged.stateDict()["1.num_batches_tracked"]), [3]);
  // Left to the model: the state dict holds the model's own statistics.
  assert.deepEqual(values(own.stateDict()["1.running_mean"]), m3);
  own.swap();
  assert.deepEqual(values(model.stateDict()["1.running_mean"]), m3);
  own.swap();
});

Deno.test("WeightAverage.stateDict loads into another instance that then computes what the average does", async () => {
  manualSeed(5);
  const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
  const ema = new WeightAverage(model, { decay: 0.9 });
  for (let step = 0; step < 4; step++) {
    noGrad(() => model.forward(new Tensor(randn([6, 3]))));
    for (const p of model.parameters()) assign(p.data, randn(p.data.shape));
    ema.update();
  }
  model.eval();
  const x = new Tensor(randn([5, 3]));
  const expected = await ema.withAverage(() => values(noGrad(() => model.forward(x)).data));
  const copy = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
  copy.loadStateDict(ema.stateDict());
  copy.eval();
  assert.deepEqual(values(noGrad(() => copy.forward(x)).data), expected);
});

/** A run of `epochs` epochs of `batches` batches of y = 2x + 1 with the average as a callback. */
async function trainWith(average: WeightAverage, model: Linear, batches: number, epochs: number) {
  const batch: [NDArray, NDArray] = [array([[0], [1], [2], [3]]), array([[1], [3], [5], [7]])];
  return await fit(model, {
    train: Array.from({ length: batches }, () => batch),
    validation: [batch],
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.02 }),
    epochs,
    progress: "none",
    callbacks: [average],
  });
}

Deno.test("WeightAverage as a fit callback updates after every `every`-th batch once `start` have passed", async () => {
  for (const [every, start, expected] of [[1, 0, 12], [2, 0, 6], [3, 2, 3], [5, 12, 0]]) {
    const model = new Linear(1, 1);
    const average = new WeightAverage(model, { kind: "mean", every, start });
    await trainWith(average, model, 4, 3);
    assert.equal(average.updates, expected, `every ${every}, start ${start}`);
  }
});

Deno.test("WeightAverage with validate: fit's validation values are the average's, the trained weights kept", async () => {
  manualSeed(1);
  const model = new Linear(1, 1);
  const ema = new WeightAverage(model, { decay: 0.8, validate: true });
  const history = await trainWith(ema, model, 3, 4);
  const batch: [NDArray, NDArray] = [array([[0], [1], [2], [3]]), array([[1], [3], [5], [7]])];
  const trained = await evaluate(model, [batch], { loss: mseLoss });
  const averaged = await ema.withAverage(() => evaluate(model, [batch], { loss: mseLoss }));
  assert.equal(history.last()!.valLoss, averaged.loss);
  assert.notEqual(averaged.loss, trained.loss);
  assert.equal(ema.swapped, false);
});

Deno.test("fit calls onValidationBegin and onValidationEnd around each validation pass, the end also after a throw", async () => {
  const calls: string[] = [];
  const recorder: Callback = {
    onValidationBegin: (epoch) => void calls.push(`begin ${epoch}`),
    onValidationEnd: (epoch) => void calls.push(`end ${epoch}`),
    onEpochEnd: (epoch) => void calls.push(`epoch ${epoch}`),
  };
  const model = new Linear(1, 1);
  const batch: [NDArray, NDArray] = [array([[1]]), array([[2]])];
  const options = {
    train: [batch],
    loss: mseLoss,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs: 2,
    progress: "none" as const,
    callbacks: [recorder],
  };
  await fit(model, { ...options, validation: [batch] });
  assert.deepEqual(calls, ["begin 1", "end 1", "epoch 1", "begin 2", "end 2", "epoch 2"]);
  calls.length = 0;
  await fit(model, options); // no validation data: no validation hooks
  assert.deepEqual(calls, ["epoch 1", "epoch 2"]);
  calls.length = 0;
  await assert.rejects(
    fit(model, { ...options, validation: [[array([[1, 2]]), array([[2]])]] }),
  );
  assert.deepEqual(calls, ["begin 1", "end 1"]);
});

Deno.test("WeightAverage rejects bad options and use before an update, naming the value", () => {
  const model = new Linear(1, 1);
  assert.throws(
    () => new WeightAverage(model, { decay: 1 }),
    /WeightAverage: decay must be below 1/,
  );
  assert.throws(() => new WeightAverage(model, { decay: -0.1 }), /WeightAverage: decay/);
  assert.throws(
    () => new WeightAverage(model, { kind: "mean", decay: 0.9 }),
    /decay applies to kind "ema" only/,
  );
  assert.throws(() => new WeightAverage(model, { every: 0 }), /WeightAverage: every/);
  assert.throws(() => new WeightAverage(model, { start: 1.5 }), /WeightAverage: start/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new WeightAverage(model, { kind: "swa" as any }), /WeightAverage: kind/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new WeightAverage({} as any), /WeightAverage: model must be a Module/);
  const ema = new WeightAverage(model);
  assert.throws(() => ema.swap(), /WeightAverage\.swap: nothing averaged yet/);
  assert.throws(() => ema.stateDict(), /WeightAverage\.stateDict: nothing averaged yet/);
});

Deno.test("WeightAverage names an entry whose shape changed since it was made", () => {
  const model = new Linear(2, 1);
  const ema = new WeightAverage(model);
  model.weight.data = randn([1, 3]);
  assert.throws(
    () => ema.update(),
    /WeightAverage\.update: the model's entry 'weight' is float32 \[1, 3\], averaged as float32 \[1, 2\]/,
  );
});
