import assert from "node:assert/strict";
import { array, assertClose, type NDArray, randn, Rng } from "@nnc/tensor";
import { gradcheck, Tensor, zeros } from "@nnc/autograd";
import {
  BatchNorm2d,
  type Conv2d,
  crossEntropy,
  ResidualBlock,
  type Sequential,
} from "@nnc/layers";
import { resnet } from "./resnet.ts";

interface Encoded {
  shape: number[];
  values: number[];
}

/** PyTorch 1.13's values for resnet({ channels: [4, 8], blocks: [1, 2] }) (fixtures/resnet_torch.py). */
interface ResNetFixture {
  state: Record<string, Encoded>;
  x: Encoded;
  y: number[];
  out: number[];
  loss: number;
  xGrad: number[];
  grads: Record<string, number[]>;
  running: Record<string, number[]>;
  outEval: number[];
}

const fixture: ResNetFixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/resnet_torch.json", import.meta.url)),
);
const decode = (e: Encoded): NDArray =>
  array(new Float64Array(e.values), { shape: e.shape, dtype: "float64" });
// Values are rounded to 12 significant digits in the fixture.
const TOL = { rtol: 1e-9, atol: 1e-10 };

function pytorchNet(): Sequential {
  const net = resnet({ channels: [4, 8], blocks: [1, 2], inputSize: 9, dtype: "float64" });
  const state = Object.fromEntries(
    Object.entries(fixture.state).map(([k, v]) => [k, decode(v)]),
  );
  const r = net.loadStateDict(state, { strict: false });
  // Only the int counters of batch norm are not in the fixture.
  assert.ok(r.missingKeys.every((k) => k.endsWith("num_batches_tracked")), String(r.missingKeys));
  assert.deepEqual(r.unexpectedKeys, []);
  return net;
}

Deno.test("resnet matches PyTorch: outputs, loss, input and parameter gradients, running statistics", () => {
  const net = pytorchNet();
  net.train();
  const x = new Tensor(decode(fixture.x), { requiresGrad: true });
  const out = net.forward(x);
  assertClose(out.data, array(fixture.out, { dtype: "float64" }).reshape([3, 10]), TOL);
  const loss = crossEntropy(out, new Tensor(array(fixture.y, { dtype: "int32" })));
  assertClose(loss.data.item(), fixture.loss, TOL);
  loss.backward();
  assertClose(x.grad!.data, decode({ shape: fixture.x.shape, values: fixture.xGrad }), TOL);
  const named = net.namedParameters();
  assert.equal(named.length, Object.keys(fixture.grads).length);
  for (const [name, p] of named) {
    assertClose(p.grad!.data.reshape([-1]), array(fixture.grads[name], { dtype: "float64" }), {
      ...TOL,
      message: name,
    });
  }
  const state = net.stateDict();
  for (const [name, values] of Object.entries(fixture.running)) {
    assertClose(state[name], array(values, { dtype: "float64" }), { ...TOL, message: name });
  }
  net.eval();
  assertClose(
    net.forward(new Tensor(decode(fixture.x))).data,
    array(fixture.outEval, { dtype: "float64" }).reshape([3, 10]),
    TOL,
  );
});

Deno.test("resnet's gradient passes gradcheck (training-mode batch norm, float64, both modes)", () => {
  const net = resnet({
    channels: [2, 3],
    blocks: 1,
    inputSize: 6,
    numClasses: 3,
    activation: "tanh",
    dtype: "float64",
    rng: new Rng(3),
  });
  // Training mode: each batch norm normalises by the statistics of the batch itself, so every
  // output depends on every image.
  const x = new Tensor(randn([3, 1, 6, 6], { dtype: "float64", rng: new Rng(5) }), {
    requiresGrad: true,
  });
  const report = gradcheck((t: Tensor) => net.forward(t), [x], { mode: "both" });
  assert.equal(report.ok, true);
});

Deno.test("resnet's layout: stem, stages with strided first blocks and 1×1 projections, classifier", () => {
  const net = resnet({ rng: new Rng(0) });
  const names = [...net].map((m) => m.constructor.name);
  assert.deepEqual(names, [
    "Conv2d",
    "BatchNorm2d",
    "ReLU",
    ...Array(6).fill("ResidualBlock"),
    "AdaptiveAvgPool2d",
    "Flatten",
    "Linear",
  ]);
  // Stem 9·32, then per stage: blocks of two 3×3 convs + 2 BN each, projections where shapes change.
  const bn = (c: number) => 2 * c;
  const block = (i: number, o: number) => 9 * i * o + 9 * o * o + 2 * bn(o);
  const project = (i: number, o: number) => i * o + bn(o);
  const expected = 9 * 32 + bn(32) + block(32, 32) * 2 + block(32, 64) + project(32, 64) +
    block(64, 64) + block(64, 128) + project(64, 128) + block(128, 128) + 128 * 10 + 10;
  assert.equal(net.numParameters(), expected);
  assert.equal(expected, 696_042);
  const first = net.at(5) as ResidualBlock;
  assert.ok(first instanceof ResidualBlock);
  const stride = ((first.body as Sequential).at(0) as Conv2d).stride;
  assert.deepEqual(stride, [2, 2]);
  assert.deepEqual(net.forward(zeros([2, 1, 28, 28])).shape, [2, 10]);
});

Deno.test("resnet zeroInitResidual starts every block's last batch norm at γ = 0", () => {
  const net = resnet({ channels: [4], blocks: 2, zeroInitResidual: true, rng: new Rng(1) });
  for (const b of [net.at(3), net.at(4)] as ResidualBlock[]) {
    const last = (b.body as Sequential).at(4) as BatchNorm2d;
    assert.ok(last instanceof BatchNorm2d);
    assert.deepEqual([...last.weight!.data.toArray() as number[]], [0, 0, 0, 0]);
  }
  // A block that starts as the identity passes relu(x) through: with the stem's output h ≥ 0,
  // each block returns relu(0 + h) = h, so the network equals stem → pool → linear.
  const x = new Tensor(randn([2, 1, 8, 8], { rng: new Rng(2) }));
  const run = (i: number, t: Tensor) =>
    (net.at(i) as unknown as { forward(t: Tensor): Tensor }).forward(t);
  const stem = run(2, run(1, run(0, x)));
  const h = run(4, run(3, stem));
  assertClose(h.data, stem.data);
});

Deno.test("resnet checks its options", () => {
  assert.throws(() => resnet({ channels: [] }), /resnet: channels must be a non-empty list/);
  assert.throws(
    () => resnet({ channels: [4, 0] }),
    /resnet: channels must be a non-empty list of positive integers, got an array of length 2/,
  );
  assert.throws(
    () => resnet({ channels: [4, 8], blocks: [1] }),
    /resnet: blocks must be a positive integer or one per stage \(2\), got an array of length 1/,
  );
  assert.throws(() => resnet({ blocks: 0 }), /resnet: blocks must be/);
  assert.throws(() => resnet({ zeroInitResidual: 1 as unknown as boolean }), /zeroInitResidual/);
  assert.throws(
    () => resnet({ channels: [4, 8, 16, 32], inputSize: 6 }),
    /resnet: 4 stages halve 6×6 inputs 3 times/,
  );
  assert.throws(() => resnet({ inputSize: 0 }), /resnet: inputSize must be a positive integer/);
  assert.throws(() => resnet(3 as never), /resnet: options must be an object/);
});
