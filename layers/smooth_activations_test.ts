import assert from "node:assert/strict";
import fc from "fast-check";
import { gradcheck, gradgradcheck, tensor } from "@nnc/autograd";
import {
  CELU,
  celu,
  elu,
  LogSigmoid,
  logSigmoid,
  Mish,
  mish,
  SELU,
  selu,
  SELU_ALPHA,
  SELU_SCALE,
  SiLU,
  silu,
  Softmin,
  softmin,
  Softsign,
  softsign,
  Tanhshrink,
  tanhshrink,
} from "./mod.ts";
import { checkLayerCase } from "./_testing.ts";

const FILE = "activations.json";

Deno.test("smooth activations match PyTorch 2.x (values and gradients, float64 and float32)", () => {
  checkLayerCase("silu", new SiLU(), FILE);
  checkLayerCase("silu_f32", new SiLU(), FILE);
  checkLayerCase("mish", new Mish(), FILE);
  checkLayerCase("mish_f32", new Mish(), FILE);
  checkLayerCase("selu", new SELU(), FILE);
  checkLayerCase("celu", new CELU(0.7), FILE);
  checkLayerCase("softsign", new Softsign(), FILE);
  checkLayerCase("log_sigmoid", new LogSigmoid(), FILE);
  checkLayerCase("tanhshrink", new Tanhshrink(), FILE);
  checkLayerCase("softmin", new Softmin(1), FILE);
});

/** Scalar forms written from the definitions, in float64: the independent reference. */
const scalar: Record<string, (x: number) => number> = {
  silu: (x) => x / (1 + Math.exp(-x)),
  mish: (x) => x * Math.tanh(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  celu: (x) => x > 0 ? x : 0.6 * Math.expm1(x / 0.6),
  softsign: (x) => x / (1 + Math.abs(x)),
  logSigmoid: (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
  tanhshrink: (x) => x - Math.tanh(x),
};
const applied: Record<string, (x: ReturnType<typeof tensor>) => ReturnType<typeof tensor>> = {
  silu,
  mish,
  selu,
  celu: (x) => celu(x, 0.6),
  softsign,
  logSigmoid,
  tanhshrink,
};

Deno.test("smooth activations equal their scalar definitions over the doubles (fast-check)", () => {
  const values = fc.array(fc.double({ min: -60, max: 60, noNaN: true }), {
    minLength: 1,
    maxLength: 20,
  });
  for (const name of Object.keys(scalar)) {
    fc.assert(
      fc.property(values, (xs) => {
        const y = applied[name](tensor(xs, { dtype: "float64" })).toArray() as number[];
        xs.forEach((x, i) => {
          const want = scalar[name](x);
          const err = Math.abs(y[i] - want);
          assert.ok(
            err <= 4e-16 * Math.max(1, Math.abs(want)),
            `${name}(${x}) = ${y[i]}, want ${want}`,
          );
        });
      }),
      { numRuns: 100 },
    );
  }
});

Deno.test("smooth activations: first and second derivatives (gradcheck, gradgradcheck)", () => {
  const x = tensor([-3.1, -0.7, 0.4, 1.3, 2.2, -0.05], { dtype: "float64", requiresGrad: true });
  for (const [name, f] of Object.entries(applied)) {
    assert.ok(gradcheck(f, [x], { mode: "both" }).ok, name);
    assert.ok(gradgradcheck(f, [x]).ok, name);
  }
  const m = tensor([[0.3, -1.2, 2], [0.1, 0.1, -0.4]], { dtype: "float64", requiresGrad: true });
  assert.ok(gradcheck((t) => softmin(t, 0), [m]).ok);
  assert.ok(gradgradcheck((t) => softmin(t, 1), [m]).ok);
});

Deno.test("smooth activations: PyTorch's conventions at 0, at the extremes and for NaN", () => {
  const x = tensor([0], { dtype: "float64", requiresGrad: true });
  selu(x).sum().backward();
  assert.equal(x.grad!.item(), SELU_SCALE * SELU_ALPHA); // the negative side's slope at 0
  x.grad = null;
  celu(x, 0.5).sum().backward();
  assert.equal(x.grad!.item(), 1);
  x.grad = null;
  softsign(x).sum().backward();
  assert.equal(x.grad!.item(), 1);
  assert.deepEqual(
    logSigmoid(tensor([-800, 800], { dtype: "float64" })).toArray(),
    [-800, -0],
  );
  assert.deepEqual(mish(tensor([100, -1000], { dtype: "float64" })).toArray(), [100, -0]);
  assert.deepEqual(celu(tensor([-Infinity], { dtype: "float64" }), 2).toArray(), [-2]);
  assert.equal(selu(tensor([-Infinity], { dtype: "float64" })).item(), -SELU_SCALE * SELU_ALPHA);
  // selu is scale·elu with PyTorch's α, exactly.
  const r = tensor([-2, -0.5, 0.25, 3], { dtype: "float64" });
  assert.deepEqual(selu(r).toArray(), elu(r, SELU_ALPHA).mul(SELU_SCALE).toArray());
  for (const [name, f] of Object.entries(applied)) {
    assert.ok(Number.isNaN(f(tensor([NaN], { dtype: "float64" })).item()), `${name}(NaN)`);
  }
  assert.ok((softmin(tensor([NaN, 1])).toArray() as number[]).every(Number.isNaN));
  const p = softmin(tensor([[1, 2, 3], [0, 0, 0]], { dtype: "float64" })).sum({ axis: 1 });
  assert.ok((p.toArray() as number[]).every((v) => Math.abs(v - 1) < 1e-15));
});

Deno.test("smooth activations: argument errors name the op, the value and the expectation", () => {
  const x = tensor([1]);
  assert.throws(() => celu(x, 0), /celu: alpha must not be 0, got 0/);
  assert.throws(() => new CELU(0), /CELU: alpha must not be 0/);
  assert.throws(() => new CELU(NaN), /CELU: alpha must be a finite number/);
  assert.throws(() => celu(x, "1" as unknown as number), /celu: alpha/);
  assert.throws(() => softmin(x, 0.5), /softmin: axis must be an integer, got 0.5/);
  assert.throws(() => new Softmin(1.5), /Softmin: axis must be an integer/);
  assert.throws(
    () => silu([1] as unknown as typeof x),
    /silu: input must be a Tensor or an NDArray/,
  );
  assert.throws(() => new Mish().forward(null as unknown as typeof x), /Mish: input must be/);
  assert.equal(new CELU(0.7).toString(), "CELU(alpha=0.7)");
  assert.equal(new Softmin().toString(), "Softmin(axis=-1)");
});
