import assert from "node:assert/strict";
import { activationGrad, array, mul, randn, Rng, sigmoid, sub, tanh } from "./mod.ts";
import { relu } from "./elementwise.ts";

Deno.test("activationGrad equals the composite formulas bit for bit (float32 and float64)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const rng = new Rng(3);
    const x = randn([7, 300], { dtype, rng }), g = randn([7, 300], { dtype, rng });
    const s = sigmoid(x), t = tanh(x);
    assert.deepEqual(activationGrad("sigmoid", g, s).data, mul(g, mul(s, sub(1, s))).data);
    assert.deepEqual(activationGrad("tanh", g, t).data, mul(g, sub(1, mul(t, t))).data);
    const r = relu(x);
    const want = g.data.map((v, i) => (x.data[i] > 0 ? v : 0));
    assert.deepEqual(activationGrad("relu", g, r).data, want);
  }
});

Deno.test("activationGrad: PyTorch's values, non-contiguous and mixed-dtype operands", () => {
  // torch.ops.aten.threshold_backward(g, y, 0), sigmoid_backward(g, y), tanh_backward(g, y):
  // g = [2, -1, 3, 0.5], y = [0, 0.25, -0.5, 0.75].
  const g = array([2, -1, 3, 0.5], { dtype: "float64" }), y = array([0, 0.25, -0.5, 0.75]);
  assert.deepEqual(activationGrad("relu", g, y).toArray(), [0, -1, 0, 0.5]);
  assert.deepEqual(activationGrad("sigmoid", g, y).toArray(), [0, -0.1875, -2.25, 0.09375]);
  assert.deepEqual(activationGrad("tanh", g, y).toArray(), [2, -0.9375, 2.25, 0.21875]);
  // NaN outputs get a zero relu gradient (the mask y > 0 is false), as PyTorch's.
  assert.deepEqual(activationGrad("relu", array([1, 1]), array([NaN, 1])).toArray(), [0, 1]);
  const m = array([[1, 2], [3, 4]]);
  assert.deepEqual(
    activationGrad("relu", m.transpose(), array([[1, 0], [1, 1]])).toArray(),
    [[1, 0], [2, 4]],
  );
});

Deno.test("activationGrad leakyRelu: the leaky ReLU (g = y = x) and its gradient in one pass", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const rng = new Rng(5);
    const x = randn([4, 257], { dtype, rng }), g = randn([4, 257], { dtype, rng });
    for (const slope of [0.01, 0.2, -0.5, 3]) {
      // The composite it replaces: where(x > 0, x, x·slope), the product rounded to the dtype.
      const scaled = mul(x, slope);
      const want = x.data.map((v, i) => (v > 0 ? v : scaled.data[i]));
      assert.deepEqual(activationGrad("leakyRelu", x, x, slope).data, want);
      const gs = mul(g, slope);
      const wantGrad = g.data.map((v, i) => (x.data[i] > 0 ? v : gs.data[i]));
      assert.deepEqual(activationGrad("leakyRelu", g, x, slope).data, wantGrad);
    }
  }
  // PyTorch: F.leaky_relu(tensor([-2, -0.5, 0, 1.5]), 0.1) = [-0.2, -0.05, 0, 1.5] (float64).
  const x = array([-2, -0.5, 0, 1.5], { dtype: "float64" });
  assert.deepEqual(activationGrad("leakyRelu", x, x, 0.1).toArray(), [-0.2, -0.05, 0, 1.5]);
  assert.deepEqual(activationGrad("leakyRelu", array([1, 1]), array([NaN, 1]), 0.5).toArray(), [
    0.5,
    1,
  ]);
  assert.throws(
    () => activationGrad("leakyRelu", x, x, Infinity),
    /^RangeError: activationGrad: negativeSlope must be a finite number/,
  );
});

Deno.test("activationGrad checks its arguments", () => {
  const a = array([1, 2]);
  assert.throws(
    () => activationGrad("gelu" as never, a, a),
    /^TypeError: activationGrad: op must be one of relu, sigmoid, tanh/,
  );
  assert.throws(
    () => activationGrad("relu", a, array([1, 2, 3])),
    /^RangeError: activationGrad: g \[2\] and y \[3\] must have one shape/,
  );
  assert.throws(
    () => activationGrad("relu", a.astype("int32"), a),
    /^TypeError: activationGrad: g and y must be float arrays/,
  );
  assert.throws(
    () => activationGrad("tanh", [1, 2] as never, a),
    /^TypeError: activationGrad: g and y must be NDArrays/,
  );
});
