import assert from "node:assert/strict";
import { assertClose, decodeSafetensors, Rng } from "@nnc/tensor";
import { randn, Tensor } from "@nnc/autograd";
import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  loadModel,
  loadModelSync,
  MaxPool2d,
  ReLU,
  saveModel,
  saveModelSync,
  Sequential,
} from "./mod.ts";
import { decode, type Encoded, fixtureJson } from "./_testing.ts";

const PYTORCH_CNN = new URL("./fixtures/cnn.safetensors", import.meta.url);

function cnn(rng?: Rng): Sequential {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, rng }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(4, 6, 3, { rng }),
    new ReLU(),
    new Flatten(),
    new Linear(24, 3, { rng }),
  );
}

function snapshot(m: Sequential): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.toArray()]));
}

Deno.test("a state dict saved by PyTorch loads into the matching nnc model and gives PyTorch's outputs", async () => {
  const ref = fixtureJson<Record<string, Encoded>>("cnn.json");
  const net = cnn();
  assert.deepEqual(await loadModel(PYTORCH_CNN, net), { missingKeys: [], unexpectedKeys: [] });
  const x = new Tensor(decode(ref.input));
  net.eval();
  assertClose(net.forward(x).data, decode(ref.eval), { rtol: 1e-4, atol: 1e-6 });
  net.train();
  assertClose(net.forward(x).data, decode(ref.train), { rtol: 1e-4, atol: 1e-6 });
  const bn = net.at(1) as BatchNorm2d;
  assertClose(bn.runningMean!.data, decode(ref.runningMeanAfterTrain), { rtol: 1e-4, atol: 1e-6 });
  assertClose(bn.runningVar!.data, decode(ref.runningVarAfterTrain), { rtol: 1e-4, atol: 1e-6 });
  assert.equal(bn.numBatchesTracked!.item(), 1);
});

Deno.test("saveModel writes PyTorch's names and layouts atomically; loadModel restores the model exactly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/model.safetensors`;
    const a = cnn(new Rng(1));
    a.forward(randn([2, 1, 8, 8])); // update the running statistics
    await saveModel(path, a, { metadata: { epoch: "3" } });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.safetensors"]); // no temporary file left
    const { tensors, metadata } = decodeSafetensors(await Deno.readFile(path));
    assert.deepEqual(metadata, { format: "pt", epoch: "3" });
    assert.deepEqual(tensors["0.weight"].shape, [4, 1, 3, 3]);
    assert.deepEqual(tensors["7.weight"].shape, [3, 24]);
    assert.deepEqual(tensors["1.num_batches_tracked"].shape, []);
    const b = cnn(new Rng(2));
    await loadModel(path, b);
    assert.deepEqual(snapshot(b), snapshot(a));
    const x = randn([1, 1, 8, 8]);
    a.eval();
    b.eval();
    assert.deepEqual(b.forward(x).toArray(), a.forward(x).toArray());
    // Overwriting replaces the whole file, again without leftovers.
    saveModelSync(path, b);
    assert.deepEqual(loadModelSync(path, cnn()).unexpectedKeys, []);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["model.safetensors"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a truncated or corrupted file, or one of another architecture, is rejected and the model is unchanged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = await Deno.readFile(PYTORCH_CNN);
    const net = cnn(new Rng(5));
    const before = snapshot(net);
    const truncated = `${dir}/truncated.safetensors`;
    await Deno.writeFile(truncated, good.subarray(0, good.length - 10));
    await assert.rejects(
      () => loadModel(truncated, net),
      (e: Error) => e.message.startsWith("loadModel: ") && e.message.includes(truncated),
    );
    const corrupted = `${dir}/corrupted.safetensors`;
    const bad = good.slice();
    bad[8] = 0x5b; // the header no longer starts with "{"
    await Deno.writeFile(corrupted, bad);
    await assert.rejects(
      () => loadModel(corrupted, net),
      (e: Error) => e.message.includes(corrupted),
    );
    const tiny = `${dir}/tiny.safetensors`;
    await Deno.writeFile(tiny, new Uint8Array([1, 0, 0]));
    assert.throws(() => loadModelSync(tiny, net), /loadModelSync: /);
    assert.deepEqual(snapshot(net), before);
    // Valid file, other architecture: names the key and both shapes, loads nothing.
    const other = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 6, 3),
      new ReLU(),
      new Flatten(),
      new Linear(24, 5),
    );
    const otherBefore = snapshot(other);
    await assert.rejects(
      () => loadModel(PYTORCH_CNN, other),
      (e: Error) =>
        e instanceof RangeError &&
        e.message.includes(
          "size mismatch for '7.weight': the module has [5, 24], the state dict has [3, 24]",
        ),
    );
    assert.deepEqual(snapshot(other), otherBefore);
    await assert.rejects(() => loadModel(`${dir}/missing.safetensors`, net), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
