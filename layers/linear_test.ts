import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { randn, tensor } from "@nnc/autograd";
import { Bilinear, bilinear, Flatten, Identity, Linear, linear, Unflatten } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("Linear matches PyTorch (float64, 2-d input)", () => {
  checkLayerCase("linear", new Linear(5, 3, f64));
});

Deno.test("Linear without bias matches PyTorch on 3-d float32 input", () => {
  const fc = new Linear(5, 3, { bias: false });
  assert.deepEqual(fc.namedParameters().map(([n]) => n), ["weight"]);
  checkLayerCase("linear_nobias_f32_3d", fc);
});

Deno.test("Bilinear, Identity, Flatten and Unflatten match PyTorch", () => {
  checkLayerCase("bilinear", new Bilinear(3, 4, 2, f64));
  checkLayerCase("identity", new Identity());
  checkLayerCase("flatten", new Flatten());
  checkLayerCase("unflatten", new Unflatten(1, [2, 3]));
});

Deno.test("gradcheck passes for Linear and Bilinear", () => {
  const rng = new Rng(3);
  assert.ok(
    gradcheckModule(new Linear(3, 2, { ...f64, rng }), [randn([4, 3], { ...f64, rng })]).ok,
  );
  const bl = new Bilinear(2, 3, 2, { ...f64, rng });
  assert.ok(
    gradcheckModule(bl, [randn([3, 2], { ...f64, rng }), randn([3, 3], { ...f64, rng })]).ok,
  );
});

Deno.test("linear and bilinear compute y = xWᵀ + b and x1ᵀWx2 + b exactly", () => {
  const y = linear(tensor([[1, 2, 3]]), tensor([[1, 0, -1], [2, 2, 2]]), tensor([0.5, -1]));
  assert.deepEqual(y.toArray(), [[-1.5, 11]]);
  // x1ᵀ W x2 with W = [[1, 2], [3, 4]]: [1, 1]·W = [4, 6], ·[1, 2] = 16, plus bias 1.
  assert.equal(
    bilinear(tensor([[1, 1]]), tensor([[1, 2]]), tensor([[[1, 2], [3, 4]]]), tensor([1])).item(),
    17,
  );
});

Deno.test("Linear names the layer, the expected and the received shape", () => {
  const fc = new Linear(784, 128);
  assert.throws(() => fc.forward(randn([8, 100])), {
    name: "RangeError",
    message: "Linear(784→128): expected input [*, 784], got [8, 100]",
  });
  assert.throws(() => new Linear(0, 3), RangeError);
  assert.throws(() => new Linear(3, 2, { dtype: "int32" }), TypeError);
  assert.throws(
    () => new Bilinear(2, 3, 1).forward(randn([4, 2]), randn([4, 2])),
    /Bilinear\(2×3→1\): expected input x2 \[\*, 3\], got \[4, 2\]/,
  );
  assert.throws(
    () => new Unflatten(1, [2, 3]).forward(randn([4, 7])),
    /Unflatten\(1, \[2, 3\]\): expected input a dimension 1 of size 6, got \[4, 7\]/,
  );
});

Deno.test("Linear's default initialisation is PyTorch's U(-1/√in, 1/√in) for weight and bias", () => {
  const fc = new Linear(400, 300, { rng: new Rng(11) });
  const b = 1 / Math.sqrt(400);
  const w = fc.weight.data;
  assert.ok(w.max().item() <= b && w.min().item() >= -b);
  assert.ok(w.max().item() > 0.99 * b && w.min().item() < -0.99 * b);
  // U(−b, b): mean 0, variance b²/3 (120,000 samples: 5σ bounds).
  const n = w.size, mean = w.mean().item(), variance = w.var({ correction: 0 }).item();
  assert.ok(Math.abs(mean) < 5 * b / Math.sqrt(3 * n));
  assert.ok(Math.abs(variance - (b * b) / 3) < 5 * (b * b) * Math.sqrt(4 / 45 / n));
  const bias = fc.bias!.data;
  assert.ok(bias.max().item() <= b && bias.min().item() >= -b);
});
