import assert from "node:assert/strict";
import fc from "fast-check";
import { gradgradcheck, type Tensor, tensor } from "@nnc/autograd";
import {
  Hardshrink,
  hardshrink,
  Hardsigmoid,
  hardsigmoid,
  Hardswish,
  hardswish,
  Hardtanh,
  hardtanh,
  ReLU6,
  relu6,
  Softshrink,
  softshrink,
  Threshold,
  threshold,
} from "./mod.ts";
import { checkLayerCase } from "./_testing.ts";

const FILE = "activations.json";

Deno.test("piecewise activations match PyTorch 2.x, kinks included (values and gradients)", () => {
  checkLayerCase("hardtanh", new Hardtanh(-0.5, 1.5), FILE);
  checkLayerCase("hardtanh_default", new Hardtanh(), FILE);
  checkLayerCase("hardtanh_fn", new Hardtanh(-2, 2.5), FILE);
  checkLayerCase("relu6", new ReLU6(), FILE);
  checkLayerCase("hardsigmoid", new Hardsigmoid(), FILE);
  checkLayerCase("hardswish", new Hardswish(), FILE);
  checkLayerCase("hardswish_f32", new Hardswish(), FILE);
  checkLayerCase("hardshrink", new Hardshrink(0.3), FILE);
  checkLayerCase("softshrink", new Softshrink(0.3), FILE);
  checkLayerCase("threshold", new Threshold(0.2, -1.5), FILE);
});

/** Each function and its derivative as PyTorch 2.x defines them, one double at a time. */
const scalar: Record<string, [(x: number) => number, (x: number) => number]> = {
  hardtanh: [(x) => Math.min(Math.max(x, -0.5), 1.5), (x) => x > -0.5 && x < 1.5 ? 1 : 0],
  relu6: [(x) => Math.min(Math.max(x, 0), 6), (x) => x > 0 && x < 6 ? 1 : 0],
  hardsigmoid: [
    (x) => x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5,
    (x) => x > -3 && x < 3 ? 1 / 6 : 0,
  ],
  hardswish: [
    (x) => x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6,
    (x) => x <= -3 ? 0 : x >= 3 ? 1 : x / 3 + 0.5,
  ],
  hardshrink: [(x) => Math.abs(x) > 0.3 ? x : 0, (x) => Math.abs(x) > 0.3 ? 1 : 0],
  softshrink: [
    (x) => x > 0.3 ? x - 0.3 : x < -0.3 ? x + 0.3 : 0,
    (x) => Math.abs(x) > 0.3 ? 1 : 0,
  ],
  threshold: [(x) => x > 0.2 ? x : -1.5, (x) => x > 0.2 ? 1 : 0],
};
const applied: Record<string, (x: Tensor) => Tensor> = {
  hardtanh: (x) => hardtanh(x, -0.5, 1.5),
  relu6,
  hardsigmoid,
  hardswish,
  hardshrink: (x) => hardshrink(x, 0.3),
  softshrink: (x) => softshrink(x, 0.3),
  threshold: (x) => threshold(x, 0.2, -1.5),
};

Deno.test("piecewise activations equal their scalar definitions, kinks and all (fast-check)", () => {
  // Doubles, with every kink of every function drawn often.
  const kinks = [-3, 3, 0, 6, -0.5, 1.5, 0.3, -0.3, 0.2, -0, Infinity, -Infinity];
  const values = fc.array(
    fc.oneof(fc.constantFrom(...kinks), fc.double({ min: -8, max: 8, noNaN: true })),
    { minLength: 1, maxLength: 24 },
  );
  for (const name of Object.keys(scalar)) {
    const [f, df] = scalar[name];
    fc.assert(
      fc.property(values, (xs) => {
        const x = tensor(xs, { dtype: "float64", requiresGrad: true });
        const y = applied[name](x);
        y.sum().backward();
        const ys = y.toArray() as number[], gs = x.grad!.toArray() as number[];
        xs.forEach((v, i) => {
          assert.equal(ys[i], f(v), `${name}(${v})`);
          assert.ok(Math.abs(gs[i] - df(v)) <= 1e-15, `${name}'(${v}) = ${gs[i]}, want ${df(v)}`);
        });
      }),
      { numRuns: 100 },
    );
  }
});

Deno.test("piecewise activations: NaN passes through as in PyTorch 2.x, second derivatives", () => {
  for (const [name, f] of Object.entries(applied)) {
    const x = tensor([NaN, 1], { dtype: "float64", requiresGrad: true });
    const y = f(x);
    assert.ok(Number.isNaN(y.get(0)), `${name}(NaN)`);
    y.sum().backward();
    // PyTorch passes the gradient through at NaN, except hardsigmoid's (0).
    assert.equal(x.grad!.get(0), name === "hardsigmoid" ? 0 : 1, `${name}'(NaN)`);
  }
  // Away from the kinks the pieces are smooth: their second derivatives too.
  const x = tensor([-5, -2.5, -0.1, 0.9, 2, 4, 7], { dtype: "float64", requiresGrad: true });
  for (const [name, f] of Object.entries(applied)) assert.ok(gradgradcheck(f, [x]).ok, name);
  // relu6 is hardtanh over [0, 6].
  const r = tensor([-1, 0, 3, 6, 9]);
  assert.deepEqual(relu6(r).toArray(), hardtanh(r, 0, 6).toArray());
  // float32 keeps its dtype through the scalar branches.
  assert.equal(hardswish(tensor([-4, 4])).dtype, "float32");
});

Deno.test("piecewise activations: argument errors name the op, the value and the expectation", () => {
  const x = tensor([1]);
  assert.throws(() => hardtanh(x, 2, 1), /hardtanh: min 2 is greater than max 1/);
  assert.throws(() => new Hardtanh(1, -1), /Hardtanh: min 1 is greater than max -1/);
  assert.throws(() => hardtanh(x, NaN), /hardtanh: min must be a finite number/);
  assert.throws(() => softshrink(x, -0.1), /softshrink: lambda must be .*>= 0.*got -0.1/);
  assert.throws(() => new Softshrink(-1), /Softshrink: lambda/);
  assert.throws(() => hardshrink(x, Infinity), /hardshrink: lambda must be a finite number/);
  assert.throws(() => threshold(x, 0, "a" as unknown as number), /threshold: value must be/);
  assert.throws(() => new Threshold(undefined as unknown as number, 0), /Threshold: threshold/);
  assert.throws(() => relu6(3 as unknown as Tensor), /relu6: input must be a Tensor or an NDArray/);
  assert.equal(new Hardtanh(-2, 2).toString(), "Hardtanh(min=-2, max=2)");
  assert.equal(new Threshold(0.1, 20).toString(), "Threshold(threshold=0.1, value=20)");
});
