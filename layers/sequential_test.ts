import assert from "node:assert/strict";
import { randint, Rng } from "@nnc/tensor";
import { randn, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool1d,
  MaxPool2d,
  ReLU,
  Sequential,
} from "./mod.ts";

/** A ReLU that is not the built-in class: Sequential applies it where it stands. */
class PlainReLU extends ReLU {}

/** Output, loss gradient of every parameter and of the input, for a fresh copy of the network. */
function run(make: (relu: () => AnyModule) => AnyModule[], relu: () => AnyModule, x: Tensor) {
  const net = new Sequential(...make(relu));
  const input = x.detach();
  input.requiresGrad = true;
  const out = net.forward(input);
  const labels = new Tensor(randint(0, 2, [out.shape[0]], { rng: new Rng(9) }));
  crossEntropy(out.reshape(out.shape[0], -1), labels).backward();
  return {
    out: Array.from(out.data.data),
    maker: out.gradFn?.name,
    grads: [input, ...net.parameters()].map((p) => Array.from(p.grad!.data.data)),
  };
}

Deno.test("Sequential: ReLU before max pooling runs after it, with the same values and gradients", () => {
  const x = randn([6, 2, 9, 9], { rng: new Rng(1) });
  const nets: [string, (relu: () => AnyModule) => AnyModule[]][] = [
    ["2×2 windows", (relu) => {
      const rng = new Rng(2);
      return [
        new Conv2d(2, 4, 3, { padding: 1, rng }),
        relu(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(64, 2, { rng }),
      ];
    }],
    // Overlapping windows (a position is the maximum of several), padding and a partial last window.
    ["overlapping, padded, ceil mode", (relu) => {
      const rng = new Rng(3);
      return [
        new Conv2d(2, 3, 3, { rng }),
        relu(),
        new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
        new Flatten(),
        new Linear(48, 2, { rng }),
      ];
    }],
  ];
  for (const [name, make] of nets) {
    const swapped = run(make, () => new ReLU(), x);
    const plain = run(make, () => new PlainReLU(), x);
    assert.deepEqual(swapped.out, plain.out, name);
    assert.deepEqual(swapped.grads, plain.grads, name);
  }
  // The pair's output is made by the ReLU when swapped, by the pooling otherwise.
  const xg = randn([2, 2, 4, 4], { rng: new Rng(6), requiresGrad: true });
  const pair = (relu: AnyModule) => new Sequential(relu, new MaxPool2d(2)).forward(xg).gradFn?.name;
  assert.equal(pair(new ReLU()), "relu");
  assert.equal(pair(new PlainReLU()), "maxPool");
  // One-dimensional pooling too; a ReLU after the pooling, or alone at the end, stays where it is.
  const x1 = randn([2, 3, 8], { rng: new Rng(4), requiresGrad: true });
  assert.equal(new Sequential(new ReLU(), new MaxPool1d(2)).forward(x1).gradFn?.name, "relu");
  assert.equal(new Sequential(new MaxPool1d(2), new ReLU()).forward(x1).gradFn?.name, "relu");
  assert.equal(new Sequential(new ReLU(), new Flatten()).forward(x1).gradFn?.name, "reshape");
  assert.equal(
    new Sequential(new MaxPool1d(2), new ReLU(), new ReLU()).forward(x1).shape.join(),
    "2,3,4",
  );
});

Deno.test("Sequential: all-negative windows give zero gradients either way", () => {
  // Every value negative: the pooled maxima are negative, ReLU zeroes them, nothing flows back.
  const x = randn([2, 1, 4, 4], { rng: new Rng(5) }).abs().neg();
  for (const relu of [new ReLU(), new PlainReLU()]) {
    const input = x.detach();
    input.requiresGrad = true;
    const out = new Sequential(relu, new MaxPool2d(2)).forward(input);
    assert.deepEqual(Array.from(out.data.data), new Array(8).fill(0));
    out.sum().backward();
    assert.deepEqual(Array.from(input.grad!.data.data), new Array(32).fill(0));
  }
});
