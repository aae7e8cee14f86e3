import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { zeros } from "@nnc/autograd";
import {
  AvgPool2d,
  BatchNorm2d,
  type Conv2d,
  Dropout,
  type Linear,
  MaxPool2d,
  Tanh,
} from "@nnc/layers";
import { convNet, lenet5 } from "./lenet5.ts";

Deno.test("lenet5 has LeNet-5's geometry and 61,706 parameters on 28×28 and 32×32", () => {
  const net = lenet5({ rng: new Rng(0) });
  assert.deepEqual([...net].map((m) => m.constructor.name), [
    "Conv2d",
    "ReLU",
    "MaxPool2d",
    "Conv2d",
    "ReLU",
    "MaxPool2d",
    "Flatten",
    "Linear",
    "ReLU",
    "Linear",
    "ReLU",
    "Linear",
  ]);
  // conv 6·25+6, conv 16·6·25+16, 400·120+120, 120·84+84, 84·10+10
  assert.equal(net.numParameters(), 156 + 2416 + 48120 + 10164 + 850);
  assert.deepEqual(net.forward(zeros([3, 1, 28, 28])).shape, [3, 10]);
  const classic = lenet5({ inputSize: 32, activation: "tanh", pooling: "avg", numClasses: 4 });
  assert.ok(classic.at(1) instanceof Tanh && classic.at(2) instanceof AvgPool2d);
  assert.equal((classic.at(0) as Conv2d).weight.shape.join(), "6,1,5,5");
  assert.deepEqual(classic.forward(zeros([1, 1, 32, 32])).shape, [1, 4]);
  assert.equal((classic.at(7) as Linear).inFeatures, 400);
});

Deno.test("convNet defaults are the W3 network with PyTorch's parameter count and keys", () => {
  const net = convNet({ rng: new Rng(0) });
  assert.deepEqual([...net].map((m) => m.constructor.name), [
    "Conv2d",
    "ReLU",
    "MaxPool2d",
    "Conv2d",
    "ReLU",
    "MaxPool2d",
    "Flatten",
    "Linear",
    "ReLU",
    "Linear",
  ]);
  assert.equal(net.numParameters(), 320 + 18496 + (3136 * 128 + 128) + 1290);
  assert.equal((net.at(7) as Linear).inFeatures, 3136);
  assert.deepEqual(net.forward(zeros([2, 1, 28, 28])).shape, [2, 10]);
});

Deno.test("convNet options: channels, hidden sizes, batch norm, dropout, RGB input", () => {
  const net = convNet({
    inChannels: 3,
    inputSize: [32, 16],
    channels: [8],
    hidden: [10, 6],
    kernelSize: 5,
    batchNorm: true,
    dropout: 0.25,
    numClasses: 3,
  });
  assert.deepEqual([...net].map((m) => m.constructor.name), [
    "Conv2d",
    "BatchNorm2d",
    "ReLU",
    "MaxPool2d",
    "Flatten",
    "Dropout",
    "Linear",
    "ReLU",
    "Dropout",
    "Linear",
    "ReLU",
    "Dropout",
    "Linear",
  ]);
  const conv = net.at(0) as Conv2d;
  assert.equal(conv.bias, null); // batch norm makes the bias redundant
  assert.ok(net.at(1) instanceof BatchNorm2d && net.at(5) instanceof Dropout);
  assert.equal((net.at(6) as Linear).inFeatures, 8 * 16 * 8);
  net.eval();
  assert.deepEqual(net.forward(zeros([2, 3, 32, 16])).shape, [2, 3]);
  assert.ok(convNet().at(2) instanceof MaxPool2d);
});

Deno.test("lenet5 and convNet validate", () => {
  assert.throws(() => lenet5({ inputSize: 12 }), {
    name: "RangeError",
    message: "lenet5: inputs of 12×12 are too small for LeNet-5 (at least 16×16)",
  });
  assert.throws(() => lenet5({ pooling: "min" as never }), /pooling must be one of "max", "avg"/);
  assert.throws(() => convNet({ kernelSize: 4 }), /kernelSize must be odd, got 4/);
  assert.throws(
    () => convNet({ inputSize: 4, channels: [2, 2, 2] }),
    /3 pooling steps need larger inputs than 4×4/,
  );
  assert.throws(() => convNet({ channels: [0] }), /channels must be a list of positive integers/);
});
