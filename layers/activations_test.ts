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
