import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { noGrad, Tensor } from "@nnc/autograd";
import {
  Abs,
  AdaptiveAvgPool2d,
  type AnyModule,
  AvgPool1d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GRU,
  Identity,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  LSTM,
  MaxPool1d,
  MaxPool2d,
  Module,
  ReLU,
  RNN,
  Sequential,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from "@nnc/layers";
import { manualSeed, type NDArray, randint, randn, Rng } from "@nnc/tensor";
import { exportOnnx, importOnnx, toOnnx } from "./mod.ts";

/** Runs `bytes` on ONNX Runtime (CPU) with `x` as the input; returns the output's values. */
async function runOrt(bytes: Uint8Array, x: NDArray): Promise<Float32Array | Float64Array> {
  const session = await ort.InferenceSession.create(bytes);
  const c = x.contiguous();
  const data = c.storage.data.slice(c.offset, c.offset + c.size);
  const type = x.dtype === "int32" ? "int32" : x.dtype;
  const feeds = { input: new ort.Tensor(type, data as Float32Array, [...x.shape]) };
  const out = await session.run(feeds);
  await session.release();
  return out.output.data as Float32Array | Float64Array;
}

function nncOutput(model: AnyModule, x: NDArray): number[] {
  model.eval();
  const y = noGrad(() => (model as unknown as Module<[Tensor], Tensor>).forward(new Tensor(x)));
  return Array.from(y.data.contiguous().storage.data as Float32Array);
}

/** Every element within 1e-5 (relative to the element's size, absolute below 1). */
function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, expected ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    worst = Math.max(worst, err);
  }
  assert.ok(worst <= 1e-5, `${what}: largest difference ${worst} > 1e-5`);
}

/** nnc, ONNX Runtime and the imported copy agree on `x` (a batch other than the example's). */
async function checkModel(model: AnyModule, example: NDArray, x: NDArray, what: string) {
  const bytes = toOnnx(model, example);
  const want = nncOutput(model, x);
  assertClose(await runOrt(bytes, x), want, `${what}: ONNX Runtime`);
  const back = await importOnnx(bytes);
  assertClose(nncOutput(back, x), want, `${what}: imported back into nnc`);
}

/** Puts non-trivial running statistics into every batch norm (as training would). */
function randomStatistics(model: AnyModule, rng: Rng): void {
  for (const m of model.modules()) {
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      const c = m.numFeatures;
      m.runningMean!.data = randn([c], { rng });
      m.runningVar!.data = randn([c], { rng }).abs().add(0.5);
      if (m.weight !== null) m.weight.data = randn([c], { rng });
      if (m.bias !== null) m.bias.data = randn([c], { rng });
    }
  }
}

Deno.test("ONNX Runtime = nnc to 1e-5: an MLP", async () => {
  manualSeed(1);
  const rng = new Rng(2);
  const mlp = new Sequential(
    new Linear(20, 64),
    new ReLU(),
    new Linear(64, 32),
    new Tanh(),
    new Linear(32, 10),
    new LogSoftmax(),
  );
  await checkModel(mlp, randn([1, 20], { rng }), randn([100, 20], { rng }), "MLP");
});

Deno.test("ONNX Runtime = nnc to 1e-5: the demo's CNN shape (conv-relu-pool ×2, flatten, fc)", async () => {
  manualSeed(3);
  const rng = new Rng(4);
  const cnn = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * 7 * 7, 32),
    new ReLU(),
    new Linear(32, 10),
  );
  await checkModel(cnn, randn([1, 1, 28, 28], { rng }), randn([50, 1, 28, 28], { rng }), "CNN");
});

Deno.test("ONNX Runtime = nnc to 1e-5: models with batch norm (running statistics), dropout in eval", async () => {
  manualSeed(5);
  const rng = new Rng(6);
  const cnn = new Sequential(
    new Conv2d(3, 6, 3, { padding: "same", bias: false }),
    new BatchNorm2d(6),
    new ReLU(),
    new AvgPool2d(2),
    new Conv2d(6, 6, 3, { stride: 2, dilation: 1, groups: 3 }),
    new BatchNorm2d(6, { affine: false }),
    new ELU(0.7),
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Dropout(0.5),
    new Linear(6, 4),
  );
  randomStatistics(cnn, rng);
  await checkModel(cnn, randn([2, 3, 12, 12], { rng }), randn([20, 3, 12, 12], { rng }), "BN CNN");
  const mlp = new Sequential(
    new Linear(8, 16),
    new BatchNorm1d(16),
    new GELU(),
    new Dropout(0.2),
    new Linear(16, 4),
    new Softmax(-1),
  );
  randomStatistics(mlp, rng);
  await checkModel(mlp, randn([3, 8], { rng }), randn([30, 8], { rng }), "BN MLP");
});

Deno.test("every exported layer: ONNX Runtime = nnc = the imported copy", async () => {
  manualSeed(7);
  const rng = new Rng(8);
  const seq = new Sequential(
    new Conv1d(2, 4, 3, { padding: 1 }),
    new MaxPool1d(2, { stride: 1, padding: 1 }),
    new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }),
    new LeakyReLU(0.2),
    new Sigmoid(2),
    new Softplus({ beta: 2 }),
    new Abs(),
    new Identity(),
    new LayerNorm(6),
    new GELU("tanh"),
    new Flatten(0, 1), // [B, 4, 6] → [4B, 6]: Reshape
    new Linear(6, 3),
  );
  await checkModel(seq, randn([2, 2, 10], { rng }), randn([6, 2, 10], { rng }), "1-d chain");
  // Linear on a 3-d input (MatMul + Add), LayerNorm over two axes, Embedding (int32 indices).
  const seq3 = new Sequential(new Linear(4, 6), new LayerNorm([3, 6]), new Softmax(1));
  await checkModel(seq3, randn([1, 3, 4], { rng }), randn([5, 3, 4], { rng }), "3-d chain");
  const emb = new Sequential(new Embedding(10, 4), new Flatten(), new Linear(12, 2));
  await checkModel(
    emb,
    randint(0, 10, [1, 3], { rng }),
    randint(0, 10, [7, 3], { rng }),
    "embedding",
  );
});

Deno.test("float64 models export as DOUBLE and run in float64", async () => {
  manualSeed(9);
  const rng = new Rng(10);
  const net = new Sequential(new Linear(3, 5), new Tanh(), new Linear(5, 2)).to("float64");
  const x = randn([4, 3], { rng, dtype: "float64" });
  const out = await runOrt(toOnnx(net, x), x);
  assert.ok(out instanceof Float64Array);
  assertClose(out, nncOutput(net, x), "float64 MLP");
});

Deno.test("exportOnnx writes the file atomically; unsupported layers and bad arguments are named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const net = new Sequential(new Linear(2, 2), new Sequential(new ReLU(), new LSTM(2, 3)));
    await assert.rejects(
      () => exportOnnx(net, randn([1, 2]), `${dir}/lstm.onnx`),
      (e: unknown) =>
        e instanceof TypeError &&
        /exportOnnx: layer '1.1' \(LSTM\) does not return one tensor/.test(e.message),
    );
    class Custom extends Module<[Tensor], Tensor> {
      forward(x: Tensor): Tensor {
        return x.mul(2);
      }
    }
    assert.throws(
      () => toOnnx(new Sequential(new Linear(2, 2), new Custom()), randn([1, 2])),
      /toOnnx: layer '1' \(Custom\) has no ONNX export; supported layers: Linear, Conv1d/,
    );
    assert.throws(
      () => toOnnx(new Sequential(new BatchNorm1d(2, { trackRunningStats: false })), randn([3, 2])),
      /toOnnx: layer '0' \(BatchNorm1d\) has no running statistics/,
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => toOnnx(new Linear(2, 2), [[1, 2]] as any),
      (e: unknown) =>
        e instanceof TypeError &&
        /toOnnx: exampleInput must be a Tensor or an NDArray/.test(e.message),
    );
    const path = `${dir}/ok.onnx`;
    await exportOnnx(new Linear(2, 2), randn([1, 2]), path);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["ok.onnx"]);
    await assert.rejects(
      () => importOnnx(new Uint8Array([1, 2, 3])),
      /importOnnx: the bytes is not an ONNX model|importOnnx: the bytes has no graph/,
    );
    await assert.rejects(
      () => importOnnx(""),
      (e: unknown) =>
        e instanceof TypeError &&
        /importOnnx: source must be a file path \(a non-empty string or a file: URL\), got ""/
          .test(e.message),
    );
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      () => importOnnx(3 as any),
      (e: unknown) =>
        e instanceof TypeError && /importOnnx: expected a path or bytes, got 3/.test(e.message),
    );
    await assert.rejects(
      () => importOnnx(`${dir}/missing.onnx`),
      (e: unknown) => e instanceof Deno.errors.NotFound && /^importOnnx: /.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs a recurrent export on ORT: every output by name. */
async function runOrtAll(bytes: Uint8Array, x: NDArray): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  const c = x.contiguous();
  const data = (c.storage.data as Float32Array).slice(c.offset, c.offset + c.size);
  const out = await session.run({ input: new ort.Tensor("float32", data, [...x.shape]) });
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

function flat(t: Tensor): number[] {
  return Array.from(t.data.contiguous().storage.data as Float32Array).slice(0, t.size);
}

Deno.test("recurrent models: ONNX Runtime's LSTM, GRU and RNN = nnc's to 1e-5 (output, h_n, c_n)", async () => {
  manualSeed(11);
  const rng = new Rng(12);
  const cases: [string, AnyModule, number[]][] = [
    [
      "LSTM 2 layers, bidirectional, batch first",
      new LSTM(5, 7, { numLayers: 2, bidirectional: true, batchFirst: true }),
      [3, 6, 5],
    ],
    ["GRU 2 layers", new GRU(4, 6, { numLayers: 2 }), [5, 2, 4]],
    ["GRU bidirectional, no bias", new GRU(4, 3, { bidirectional: true, bias: false }), [4, 3, 4]],
    ["RNN relu, bidirectional", new RNN(3, 5, { nonlinearity: "relu", bidirectional: true }), [
      6,
      2,
      3,
    ]],
  ];
  for (const [what, layer, shape] of cases) {
    // Another batch and sequence length than the example's: both axes are symbolic.
    const example = randn(shape, { rng });
    const x = randn(shape.map((d, i) => (i < 2 ? d + 2 : d)), { rng });
    const bytes = toOnnx(layer, example);
    layer.eval();
    const [out, state] = noGrad(() =>
      (layer as unknown as { forward(x: NDArray): [Tensor, Tensor | [Tensor, Tensor]] }).forward(x)
    );
    const [h, c] = Array.isArray(state) ? state : [state, null];
    const got = await runOrtAll(bytes, x);
    assertClose(got.output, flat(out), `${what}: output`);
    assertClose(got.h_n, flat(h), `${what}: h_n`);
    if (c !== null) assertClose(got.c_n, flat(c), `${what}: c_n`);
  }
  await assert.rejects(
    () => importOnnx(toOnnx(new GRU(2, 2), randn([3, 1, 2], { rng }))),
    /importOnnx: the bytes is a recurrent model \(GRU node 'l0\/GRU0'\): importOnnx rebuilds chains of layers only/,
  );
  assert.throws(
    () => toOnnx(new LSTM(3, 4), randn([5, 3], { rng })),
    /toOnnx: LSTM exports for batched input \[seq, batch, features\]; the example input has shape \[5, 3\]/,
  );
});
