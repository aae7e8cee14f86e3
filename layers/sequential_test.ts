import assert from "node:assert/strict";
import { randint, Rng } from "@nnc/tensor";
import { randn, Tensor } from "@nnc/autograd";
import {
  type AnyModule,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  crossEntropy,
  Flatten,
  LeakyReLU,
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
  const named: [string, Tensor][] = [["input", input], ...net.namedParameters()];
  return {
    out: Array.from(out.data.data),
    maker: out.gradFn?.name,
    grads: named.map(([, p]) => Array.from(p.grad!.data.data)),
    // Conv2d biases: fused with max pooling, their gradient sums the pooled gradient (see below).
    convBiases: named.flatMap(([name], i) =>
      name.endsWith(".bias") && net.at(Number(name.split(".")[0])) instanceof Conv2d ? [i] : []
    ),
  };
}

/**
 * The gradients of two runs: equal, but for the biases of convolutions fused with max pooling,
 * whose gradient is the sum of the pooled gradient (the same terms as the sum of the scattered
 * one, in another order) and so equal to rounding.
 */
function sameGrads(a: ReturnType<typeof run>, b: ReturnType<typeof run>, name: string): void {
  a.grads.forEach((g, i) => {
    if (!a.convBiases.includes(i)) return assert.deepEqual(g, b.grads[i], name);
    g.forEach((v, k) => {
      const want = b.grads[i][k];
      assert.ok(Math.abs(v - want) <= 1e-6 * (1 + Math.abs(want)), `${name}: bias ${v} ≠ ${want}`);
    });
  });
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
    sameGrads(swapped, plain, name);
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

/** A Conv2d that is not the built-in class: Sequential runs it on its own, never fused. */
class PlainConv2d extends Conv2d {}

Deno.test("Sequential: Conv2d followed by MaxPool2d runs as one op, with the same values and gradients", () => {
  const x = randn([5, 2, 12, 12], { rng: new Rng(11) });
  type Make = (conv: typeof Conv2d, relu: boolean) => AnyModule[];
  const nets: [string, Make][] = [
    ["3×3 same, 2×2 pooling, ReLU between", (C, relu) => {
      const rng = new Rng(12);
      return [
        new C(2, 4, 3, { padding: "same", rng }),
        ...(relu ? [new ReLU()] : []),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(144, 3, { rng }),
      ];
    }],
    ["strided, grouped, no bias; overlapping padded ceil-mode pooling", (C, relu) => {
      const rng = new Rng(13);
      return [
        new C(2, 4, 3, { stride: 2, padding: 1, groups: 2, bias: false, rng }),
        ...(relu ? [new ReLU()] : []),
        new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
        new Flatten(),
        new Linear(64, 3, { rng }),
      ];
    }],
    ["two conv-pool stages", (C, relu) => {
      const rng = new Rng(14);
      return [
        new C(2, 3, 3, { padding: 1, rng }),
        ...(relu ? [new ReLU()] : []),
        new MaxPool2d(2),
        new C(3, 4, 2, { rng }),
        new MaxPool2d(2, { stride: 1 }),
        new Flatten(),
        new Linear(64, 3, { rng }),
      ];
    }],
  ];
  for (const [name, make] of nets) {
    for (const relu of [false, true]) {
      const fused = run(() => make(Conv2d, relu), () => new ReLU(), x);
      const plain = run(() => make(PlainConv2d, relu), () => new ReLU(), x);
      assert.deepEqual(fused.out, plain.out, name);
      sameGrads(fused, plain, name);
    }
  }
  // The pair's output is made by the fused op; a ReLU between them runs after it.
  const xg = randn([2, 1, 6, 6], { rng: new Rng(15), requiresGrad: true });
  const conv = new Conv2d(1, 2, 3, { rng: new Rng(16) });
  assert.equal(new Sequential(conv, new MaxPool2d(2)).forward(xg).gradFn?.name, "convMaxPool");
  const withRelu = new Sequential(conv, new ReLU(), new MaxPool2d(2)).forward(xg);
  assert.equal(withRelu.gradFn?.name, "relu");
  assert.equal(withRelu.gradFn?.inputs?.[0].gradFn?.name, "convMaxPool");
  // Not fused: another padding mode, a pooling layer that is a subclass, unbatched input.
  const reflect = new Conv2d(1, 2, 3, { padding: 1, paddingMode: "reflect", rng: new Rng(17) });
  assert.equal(new Sequential(reflect, new MaxPool2d(2)).forward(xg).gradFn?.name, "maxPool");
  class PlainPool extends MaxPool2d {}
  assert.equal(new Sequential(conv, new PlainPool(2)).forward(xg).gradFn?.name, "maxPool");
  const unbatched = randn([1, 6, 6], { rng: new Rng(18) });
  assert.deepEqual(
    new Sequential(conv, new MaxPool2d(2)).forward(unbatched).shape,
    [2, 2, 2],
  );
});

Deno.test("Sequential: a fused Conv2d and MaxPool2d report errors as the layers do", () => {
  const net = new Sequential(new Conv2d(3, 4, 3), new MaxPool2d(2));
  assert.throws(
    () => net.forward(randn([1, 2, 8, 8])),
    /Conv2d\(3→4\): expected input \[N, 3, H, W\]/,
  );
  // A window larger than the convolution's 2×2 output: MaxPool2d's own error.
  const big = new Sequential(new Conv2d(3, 4, 3), new MaxPool2d(3));
  assert.throws(() => big.forward(randn([1, 3, 4, 4])), (e: Error) => {
    assert.ok(e instanceof RangeError && e.message.startsWith("MaxPool2d("), e.message);
    return true;
  });
});

/** A LeakyReLU that is not the built-in class: Sequential applies it where it stands. */
class PlainLeakyReLU extends LeakyReLU {}

Deno.test("Sequential: batch norm followed by ReLU or LeakyReLU runs as one kernel, with the same values, gradients and statistics", () => {
  const make = (relu: () => AnyModule, leaky: () => AnyModule) => {
    const rng = new Rng(11);
    return [
      new Conv2d(2, 4, 3, { padding: 1, rng }),
      new BatchNorm2d(4),
      relu(),
      new Conv2d(4, 3, 3, { rng }),
      new BatchNorm2d(3),
      leaky(),
      new Flatten(),
      new Linear(75, 6, { rng }),
      new BatchNorm1d(6),
      relu(),
      new Linear(6, 2, { rng }),
    ];
  };
  const x = randn([8, 2, 7, 7], { rng: new Rng(12) });
  const fused = run(() => make(() => new ReLU(), () => new LeakyReLU(0.2)), () => new ReLU(), x);
  const plain = run(
    () => make(() => new PlainReLU(), () => new PlainLeakyReLU(0.2)),
    () => new ReLU(),
    x,
  );
  assert.deepEqual(fused.out, plain.out);
  sameGrads(fused, plain, "batch norm + activation");
  // The fused pair's output is made by the batch norm; the running statistics are the same.
  const xg = randn([4, 3, 5, 5], { rng: new Rng(13), requiresGrad: true });
  const pair = (act: AnyModule) => {
    const net = new Sequential(new BatchNorm2d(3), act);
    const out = net.forward(xg);
    return [out.gradFn?.name, Array.from((net.at(0) as BatchNorm2d).runningVar!.data.data)];
  };
  const [fusedMaker, fusedVar] = pair(new ReLU()), [plainMaker, plainVar] = pair(new PlainReLU());
  assert.equal(fusedMaker, "batchNorm");
  assert.equal(plainMaker, "relu");
  assert.deepEqual(fusedVar, plainVar);
  // In evaluation mode too.
  const net = new Sequential(new BatchNorm2d(3), new LeakyReLU(0.1));
  net.forward(xg);
  net.eval();
  const evalOut = Array.from(net.forward(xg).data.data);
  const bn = net.at(0) as BatchNorm2d;
  const separate = new LeakyReLU(0.1).forward(bn.forward(xg));
  assert.deepEqual(evalOut, Array.from(separate.data.data));
});
