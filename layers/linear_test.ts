import assert from "node:assert/strict";
import { assertClose, Rng } from "@nnc/tensor";
import { jacobian, randn, type Tensor, tensor, zeros } from "@nnc/autograd";
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
  // A 1-d input is one sample, as in PyTorch's F.linear: the output is 1-d too; its gradients
  // are those of the 2-d case.
  const w = tensor([[1, 0, -1], [2, 2, 2]], { requiresGrad: true });
  const b = tensor([0.5, -1], { requiresGrad: true });
  const y1 = linear(tensor([1, 2, 3]), w, b);
  assert.deepEqual(y1.toArray(), [-1.5, 11]);
  y1.sum().backward();
  assert.deepEqual(w.grad?.toArray(), [[1, 2, 3], [1, 2, 3]]);
  assert.deepEqual(b.grad?.toArray(), [1, 1]);
  assert.deepEqual(linear(tensor([1, 2, 3]), w).toArray(), [-2, 12]);
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
  assert.throws(() => new Linear(1, 2 ** 31), {
    name: "RangeError",
    message: "Linear: weight [2147483648, 1] would hold 2147483648 elements, more than 2^31-1",
  });
  assert.throws(() => new Bilinear(1e12, 3, 4), /Bilinear: weight \[4, 1000000000000, 3\]/);
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

Deno.test("Linear without bias is the notes' linear map T(x, y, z) = (2x − y + 3z, 7x + 5y − 6z)", () => {
  // spec: 002-part-a/3a.L1046
  const T = new Linear(3, 2, { ...f64, bias: false });
  T.weight.data = tensor([[2, -1, 3], [7, 5, -6]], f64).data;
  const apply = (v: Tensor): Tensor => T.forward(v.reshape(1, 3)).reshape(2);
  assert.deepEqual(apply(tensor([1, 2, 3], f64)).toArray(), [9, -1]);
  // Column j of the matrix is the image of the j-th basis vector.
  for (let j = 0; j < 3; j++) {
    const e = tensor([0, 1, 2].map((i) => (i === j ? 1 : 0)), f64);
    assert.deepEqual(apply(e).toArray(), [[2, -1, 3][j], [7, 5, -6][j]]);
  }
  // Additivity and homogeneity.
  const rng = new Rng(21);
  for (let k = 0; k < 20; k++) {
    const u = randn([3], { ...f64, rng }), v = randn([3], { ...f64, rng });
    const lambda = 4 * rng.random() - 2;
    assertClose(apply(u.add(v)).data, apply(u).add(apply(v)).data, { atol: 1e-13, rtol: 0 });
    assertClose(apply(u.mul(lambda)).data, apply(u).mul(lambda).data, { atol: 1e-13, rtol: 0 });
  }
  // y = Wx + b with b ≠ 0 is not linear: T(0) = b, and T(2u) ≠ 2T(u).
  const affine = new Linear(3, 2, { ...f64, rng });
  const zero = affine.forward(tensor([[0, 0, 0]], f64));
  assert.deepEqual(zero.data.reshape(-1).toArray(), affine.bias!.data.toArray());
  const u = randn([1, 3], { ...f64, rng });
  const gap = affine.forward(u.mul(2)).sub(affine.forward(u).mul(2));
  assertClose(gap.data.reshape(-1), affine.bias!.data.neg(), { atol: 1e-13, rtol: 0 });
});

Deno.test("a fully connected 5 → 5 layer has 25 weights, and every output depends on every input", () => {
  // spec: 002-part-a/3a.L4146
  const fc = new Linear(5, 5, { ...f64, bias: false, rng: new Rng(2) });
  assert.equal(fc.numParameters(), 25);
  assert.equal(new Linear(5, 5).numParameters(), 30); // plus one bias per output
  const J = jacobian((x) => fc.forward(x), randn([1, 5], f64)) as Tensor;
  assert.equal((J.data.reshape(25).toArray() as number[]).filter((v) => v !== 0).length, 25);
});

Deno.test("Flatten turns a 1-megapixel grayscale image into one point of a 10⁶-dimensional space", () => {
  // spec: 002-part-a/3a.L555
  const image = zeros([1, 1, 1000, 1000]);
  assert.deepEqual(new Flatten().forward(image).shape, [1, 1_000_000]);
});

Deno.test("bilinear names itself for a bias that is not [out]", () => {
  const x1 = zeros([2, 3]), x2 = zeros([2, 4]), w = zeros([5, 3, 4]);
  assert.deepEqual(bilinear(x1, x2, w, zeros([5])).shape, [2, 5]);
  assert.throws(
    () => bilinear(x1, x2, w, zeros([1, 3, 1])),
    /^RangeError: bilinear: bias must be \[5\] \(out\), got \[1, 3, 1\]$/,
  );
});
