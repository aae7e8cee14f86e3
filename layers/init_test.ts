import assert from "node:assert/strict";
import { matmul, type NDArray, Rng, zeros } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { init } from "./mod.ts";

/** Mean within 5 standard errors, variance within 5 standard errors of the sample variance. */
function assertMoments(a: NDArray, mean: number, variance: number, kurtosis: number): void {
  const n = a.size;
  const m = a.astype("float64").mean().item();
  const v = a.astype("float64").var({ correction: 0 }).item();
  assert.ok(Math.abs(m - mean) < 5 * Math.sqrt(variance / n), `mean ${m}, expected ${mean}`);
  // Var of the sample variance ≈ σ⁴ (κ − 1) / n, κ the kurtosis (3 normal, 1.8 uniform).
  assert.ok(
    Math.abs(v - variance) < 5 * variance * Math.sqrt((kurtosis - 1) / n),
    `variance ${v}, expected ${variance}`,
  );
}

function assertUniform(a: NDArray, bound: number): void {
  const lo = a.min().item(), hi = a.max().item();
  assert.ok(lo >= -bound && hi <= bound, `values in [${lo}, ${hi}], bound ${bound}`);
  assert.ok(lo < -0.99 * bound && hi > 0.99 * bound, "the samples reach the bounds");
  assertMoments(a, 0, (bound * bound) / 3, 1.8);
}

Deno.test("calculateGain equals torch.nn.init.calculate_gain", () => {
  assert.equal(init.calculateGain("linear"), 1);
  assert.equal(init.calculateGain("conv2d"), 1);
  assert.equal(init.calculateGain("sigmoid"), 1);
  assert.equal(init.calculateGain("tanh"), 5 / 3);
  assert.equal(init.calculateGain("relu"), Math.SQRT2);
  assert.equal(init.calculateGain("leaky_relu"), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain("leakyRelu", 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain("selu"), 0.75);
  assert.throws(() => init.calculateGain("swish" as init.Nonlinearity), RangeError);
});

Deno.test("fans follow PyTorch for linear, conv and transposed-conv shapes", () => {
  assert.deepEqual(init.fans([128, 784]), { fanIn: 784, fanOut: 128 });
  assert.deepEqual(init.fans([16, 3, 5, 5]), { fanIn: 75, fanOut: 400 });
  assert.deepEqual(init.fans([4, 2, 3, 3, 3]), { fanIn: 54, fanOut: 108 });
  assert.throws(() => init.fans([5]), /at least 2 dimensions, got \[5\]/);
});

Deno.test("uniform and normal: exact bounds and moments; same seed, same values", () => {
  const u = init.uniform(zeros([50000]), -2, 3, { rng: new Rng(1) });
  assert.ok(u.min().item() >= -2 && u.max().item() < 3);
  assertMoments(u, 0.5, 25 / 12, 1.8);
  const n = init.normal(zeros([50000], { dtype: "float64" }), 1, 0.5, { rng: new Rng(2) });
  assertMoments(n, 1, 0.25, 3);
  const a = init.normal(zeros([10]), 0, 1, { rng: new Rng(7) }),
    b = init.normal(zeros([10]), 0, 1, { rng: new Rng(7) });
  assert.deepEqual(a.toArray(), b.toArray());
  assert.deepEqual(init.constant(zeros([2]), 3).toArray(), [3, 3]);
  assert.deepEqual(init.ones(new Tensor(zeros([2]))).toArray(), [1, 1]);
  assert.deepEqual(init.zeros(init.ones(zeros([2]))).toArray(), [0, 0]);
  assert.throws(
    () => init.uniform(zeros([2], { dtype: "int32" })),
    /float32 or float64, got int32/,
  );
  assert.throws(() => init.uniform(zeros([2]), 1, 0), RangeError);
  assert.throws(() => init.normal(zeros([2]), 0, -1), RangeError);
});

Deno.test("Xavier/Glorot uniform and normal: bound gain·√(6/(fanIn+fanOut)), std gain·√(2/(fanIn+fanOut))", () => {
  const w = init.xavierUniform(zeros([300, 200]), {
    gain: init.calculateGain("tanh"),
    rng: new Rng(3),
  });
  assertUniform(w, (5 / 3) * Math.sqrt(6 / 500));
  const g = init.xavierNormal(zeros([30, 20, 3, 3], { dtype: "float64" }), { rng: new Rng(4) });
  assertMoments(g, 0, 2 / (180 + 270), 3);
});

Deno.test("Kaiming/He uniform and normal: fan modes and gains; PyTorch's layer default is U(±1/√fanIn)", () => {
  assertUniform(
    init.kaimingUniform(zeros([256, 128]), { nonlinearity: "relu", rng: new Rng(5) }),
    Math.sqrt(6 / 128),
  );
  assertUniform(
    init.kaimingUniform(zeros([256, 128]), {
      mode: "fanOut",
      nonlinearity: "relu",
      rng: new Rng(6),
    }),
    Math.sqrt(6 / 256),
  );
  assertUniform(
    init.kaimingUniform(zeros([64, 16, 3, 3]), { a: Math.sqrt(5), rng: new Rng(7) }),
    1 / Math.sqrt(144),
  );
  const n = init.kaimingNormal(zeros([64, 32, 3, 3], { dtype: "float64" }), {
    mode: "fan_out",
    nonlinearity: "leakyRelu",
    a: 0.1,
    rng: new Rng(8),
  });
  assertMoments(n, 0, 2 / (1 + 0.01) / (64 * 9), 3);
  assert.throws(
    () => init.kaimingUniform(zeros([4, 4]), { mode: "fanAvg" as "fanIn" }),
    /mode must be "fanIn" or "fanOut"/,
  );
});

Deno.test("orthogonal: orthonormal rows or columns, scaled by gain, for matrices and conv kernels", () => {
  const close = (a: NDArray, b: number[][]) => {
    const d = a.toArray() as number[][];
    d.forEach((row, i) =>
      row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-12, `${v} vs ${b[i][j]}`))
    );
  };
  const eye = (n: number, s = 1) =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? s : 0)));
  const wide = init.orthogonal(zeros([3, 6], { dtype: "float64" }), { rng: new Rng(1) });
  close(matmul(wide, wide.T), eye(3));
  const tall = init.orthogonal(zeros([6, 3], { dtype: "float64" }), { gain: 2, rng: new Rng(2) });
  close(matmul(tall.T, tall), eye(3, 4));
  const k = init.orthogonal(zeros([4, 2, 3, 3], { dtype: "float64" }), { rng: new Rng(3) }).reshape(
    [4, 18],
  );
  close(matmul(k, k.T), eye(4));
  assert.throws(() => init.orthogonal(zeros([3])), RangeError);
});

Deno.test("init: zeros and ones name themselves; empty targets are left as they are", () => {
  assert.throws(() => init.zeros({} as never), /^TypeError: zeros: target must be an NDArray/);
  assert.throws(
    () => init.ones(zeros([2], { dtype: "int32" })),
    /^TypeError: ones: target must be float/,
  );
  assert.throws(
    () => init.constant(zeros([2]), NaN),
    /^TypeError: constant: value must be a number/,
  );
  for (const shape of [[0, 0], [3, 0, 3]]) {
    const empty = zeros(shape).expand(shape);
    for (const f of [init.zeros, init.ones, init.xavierNormal, init.xavierUniform]) {
      assert.equal(f(empty), empty);
    }
  }
});
