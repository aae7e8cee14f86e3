import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { gradcheck, randn, tensor } from "@nnc/autograd";
import {
  Abs,
  ELU,
  elu,
  GELU,
  gelu,
  LeakyReLU,
  leakyRelu,
  LogSoftmax,
  Maxout,
  maxout,
  ReLU,
  Sigmoid,
  sigmoid,
  Softmax,
  Softplus,
  softplus,
  Tanh,
} from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

Deno.test("activation modules match PyTorch (values and gradients)", () => {
  checkLayerCase("relu", new ReLU());
  checkLayerCase("leaky_relu", new LeakyReLU(0.1));
  checkLayerCase("elu", new ELU(0.7));
  checkLayerCase("gelu", new GELU());
  checkLayerCase("gelu_tanh", new GELU("tanh"));
  checkLayerCase("gelu_f32", new GELU());
  checkLayerCase("sigmoid", new Sigmoid());
  checkLayerCase("sigmoid_slope5", new Sigmoid(5));
  checkLayerCase("tanh", new Tanh());
  checkLayerCase("softplus", new Softplus({ beta: 2, threshold: 3 }));
  checkLayerCase("softmax", new Softmax(1));
  checkLayerCase("log_softmax", new LogSoftmax(1));
  checkLayerCase("abs", new Abs());
  checkLayerCase("maxout", new Maxout(4, 3, 2, { dtype: "float64" }));
});

Deno.test("activation functions: the notes' values and PyTorch's conventions at the kinks", () => {
  const x = tensor([-2, -0.5, 0, 1.5], { dtype: "float64", requiresGrad: true });
  assert.deepEqual(leakyRelu(x, 0.1).toArray(), [-0.2, -0.05, 0, 1.5]);
  leakyRelu(x, 0.1).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [0.1, 0.1, 0.1, 1]); // slope at 0, as PyTorch
  x.grad = null;
  elu(x, 2).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [2 * Math.exp(-2), 2 * Math.exp(-0.5), 2, 1]);
  assert.equal(elu(tensor([1000], { dtype: "float64" })).item(), 1000);
  // GELU(1) = Φ(1) = 0.841344746…; tanh form differs by < 1e-3.
  assert.ok(Math.abs(gelu(tensor([1], { dtype: "float64" })).item() - 0.8413447460685429) < 1e-15);
  assert.ok(
    Math.abs(gelu(tensor([1], { dtype: "float64" }), "tanh").item() - 0.8411919906082768) < 1e-15,
  );
  assert.equal(sigmoid(tensor([0.2], { dtype: "float64" }), 5).item(), 1 / (1 + Math.exp(-1)));
  assert.deepEqual(softplus(tensor([30, 0], { dtype: "float64" })).toArray(), [30, Math.LN2]);
  assert.deepEqual(maxout(tensor([[1, 5, 3, 2, -1, -4]]), 3).toArray(), [[5, 2]]);
  assert.throws(() => maxout(tensor([[1, 2, 3]]), 2), /3 features, not a multiple of 2 pieces/);
  assert.throws(() => gelu(x, "erf" as "none"), RangeError);
});

Deno.test("activations pass gradcheck away from their kinks", () => {
  const rng = new Rng(12);
  const x = randn([3, 4], { dtype: "float64", rng }).mul(2).add(0.05);
  for (
    const f of [
      (t: typeof x) => elu(t, 0.5),
      (t: typeof x) => gelu(t),
      (t: typeof x) => gelu(t, "tanh"),
      (t: typeof x) => softplus(t, { beta: 3 }),
      (t: typeof x) => sigmoid(t, 2),
    ]
  ) {
    assert.ok(gradcheck(f, [x]).ok);
  }
  assert.ok(
    gradcheckModule(new Maxout(3, 2, 3, { dtype: "float64", rng }), [
      randn([2, 3], { dtype: "float64", rng }),
    ]).ok,
  );
});

Deno.test("tanh(z) = 2σ(2z) − 1 (tanh 0.7 = 0.6043678), and a two-class softmax is the sigmoid of the logit difference", () => {
  // spec: 001-004/A3.tanh-softmax
  const f64 = { dtype: "float64" as const };
  const t = new Tanh().forward(tensor([0.7], f64)).item();
  assert.ok(Math.abs(t - 0.6043678) < 5e-8);
  assert.ok(Math.abs(t - (2 * sigmoid(tensor([1.4], f64)).item() - 1)) < 1e-15);
  const rng = new Rng(17);
  const z = randn([200], { ...f64, rng }).mul(3);
  const viaSigmoid = sigmoid(z.mul(2)).mul(2).sub(1);
  assert.ok(new Tanh().forward(z).sub(viaSigmoid).abs().max().item() < 4e-15);
  // softmax(x·θ1, x·θ2)₁ = σ(x·(θ1 − θ2)).
  const x = randn([50, 3], { ...f64, rng }), theta = randn([3, 2], { ...f64, rng });
  const p = new Softmax(1).forward(x.matmul(theta)).slice(null, 0);
  const diff = theta.slice(null, 0).sub(theta.slice(null, 1));
  assert.ok(p.sub(sigmoid(x.matmul(diff))).abs().max().item() < 4e-15);
});

Deno.test("the sigmoid maps ℝ into (0, 1), increasing, with σ(0) = 0.5 and σ(−x) = 1 − σ(x)", () => {
  // spec: 002-part-a/3a.L2108
  const f64 = { dtype: "float64" as const };
  assert.equal(sigmoid(tensor([0], f64)).item(), 0.5);
  const xs = Array.from({ length: 601 }, (_, i) => -30 + i / 10);
  const s = sigmoid(tensor(xs, f64)).toArray() as number[];
  s.forEach((v, i) => {
    assert.ok(v > 0 && v < 1, `σ(${xs[i]}) = ${v}`);
    if (i > 0) assert.ok(v > s[i - 1]);
    assert.ok(Math.abs(v + s[s.length - 1 - i] - 1) < 2e-15);
  });
});

Deno.test("maxout names itself for an axis that is not an integer", () => {
  assert.throws(
    () => maxout(tensor([1, 2]), 2, {} as never),
    /^RangeError: maxout: axis must be an integer, got an object$/,
  );
});
