import assert from "node:assert/strict";
import fc from "fast-check";
import { assertClose, type NDArray, Rng } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { type Tensor, tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

type Unary = (x: Tensor) => Tensor;
const UNARY: Record<string, [Unary, boolean]> = {
  neg: [ag.neg, false],
  abs: [ag.abs, false],
  exp: [ag.exp, false],
  expm1: [ag.expm1, false],
  log: [ag.log, true],
  log1p: [ag.log1p, true],
  sqrt: [ag.sqrt, true],
  rsqrt: [ag.rsqrt, true],
  square: [ag.square, false],
  reciprocal: [ag.reciprocal, true],
  sin: [ag.sin, false],
  cos: [ag.cos, false],
  tan: [ag.tan, false],
  tanh: [ag.tanh, false],
  sigmoid: [ag.sigmoid, false],
  relu: [ag.relu, false],
  softplus: [ag.softplus, false],
  erf: [ag.erf, false],
  sign: [ag.sign, false],
  floor: [ag.floor, false],
  ceil: [ag.ceil, false],
  round: [ag.round, false],
  trunc: [ag.trunc, false],
};

Deno.test("unary ops: gradcheck (reverse and forward) on contiguous, strided and 0-d inputs", () => {
  for (const [name, [f, positive]] of Object.entries(UNARY)) {
    for (
      const x of [R([2, 3], 1, { positive }), S([3, 4], 2, { positive }), R([], 3, { positive })]
    ) {
      check(f, [x], { atol: 1e-5 });
    }
    // The zero-derivative ops must report exactly zero.
    if (["sign", "floor", "ceil", "round", "trunc"].includes(name)) {
      const x = R([3], 4);
      f(x).sum().backward();
      assert.equal(x.grad, null, name);
    }
  }
});

Deno.test("unary maths: gradgradcheck", () => {
  for (
    const name of [
      "exp",
      "log",
      "sqrt",
      "rsqrt",
      "reciprocal",
      "sin",
      "cos",
      "tan",
      "tanh",
      "sigmoid",
      "softplus",
      "erf",
      "square",
      "expm1",
      "log1p",
    ]
  ) {
    const [f, positive] = UNARY[name];
    check2(f, [R([2, 3], 5, { positive })]);
  }
});

type Binary = (a: Tensor, b: Tensor) => Tensor;
const BINARY: Record<string, Binary> = {
  add: ag.add,
  sub: ag.sub,
  mul: ag.mul,
  div: ag.div,
  pow: ag.pow,
  minimum: ag.minimum,
  maximum: ag.maximum,
  atan2: ag.atan2,
  mod: ag.mod,
};

Deno.test("binary ops: gradcheck with broadcasting, strided and 0-d operands", () => {
  for (const [name, f] of Object.entries(BINARY)) {
    const pairs: [Tensor, Tensor][] = [
      [R([3, 1, 4], 6, { positive: true }), S([2, 4], 7, { positive: true })],
      [R([], 8, { positive: true }), R([3], 9, { positive: true })],
      [S([4, 3], 10, { positive: true }), R([4, 1], 11, { positive: true })],
    ];
    for (const [a, b] of pairs) check(f, [a, b], { atol: name === "mod" ? 1e-4 : 1e-5 });
  }
});

Deno.test("binary arithmetic: gradgradcheck (broadcast)", () => {
  for (const name of ["add", "sub", "mul", "div", "pow", "atan2"]) {
    check2(BINARY[name], [R([3, 1], 12, { positive: true }), R([2], 13, { positive: true })]);
  }
});

Deno.test("scalar operands and mixed dtypes: gradients keep each input's dtype", () => {
  const a = tensor([1, 2], { requiresGrad: true }); // float32
  const b = tensor([3, 4], { dtype: "float64", requiresGrad: true });
  const y = a.mul(b).add(2).mul(3);
  assert.equal(y.dtype, "float64");
  y.sum().backward();
  assert.equal(a.grad?.dtype, "float32");
  assert.equal(b.grad?.dtype, "float64");
  assert.deepEqual(a.grad?.toArray(), [9, 12]);
  assert.deepEqual(b.grad?.toArray(), [3, 6]);
  const c = tensor([2], { requiresGrad: true });
  ag.sub(10, ag.div(1, c)).backward();
  assert.equal(c.grad?.item(), 0.25);
});

Deno.test("one-sided conventions: relu'(0) = 0, |x|'(0) = 0, ties split, clamp bounds pass", () => {
  const x = tensor([-1, 0, 2], { dtype: "float64", requiresGrad: true });
  x.relu().sum().backward();
  assert.deepEqual(x.grad?.toArray(), [0, 0, 1]);
  const z = tensor([0], { dtype: "float64", requiresGrad: true });
  z.abs().sum().backward();
  assert.deepEqual(z.grad?.toArray(), [0]);
  const a = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
  const b = tensor([2, 2, 2], { dtype: "float64", requiresGrad: true });
  ag.maximum(a, b).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [0, 0.5, 1]);
  assert.deepEqual(b.grad?.toArray(), [1, 0.5, 0]);
  const c = tensor([-1, 0, 0.5, 1, 2], { dtype: "float64", requiresGrad: true });
  ag.clamp(c, 0, 1).sum().backward();
  assert.deepEqual(c.grad?.toArray(), [0, 1, 1, 1, 0]);
});

Deno.test("pow at zero follows PyTorch: d/da 0^0 = 0, d/db 0^b = 0 for b >= 0", () => {
  const a = tensor([0, 0, 2], { dtype: "float64", requiresGrad: true });
  const b = tensor([0, 2, 3], { dtype: "float64", requiresGrad: true });
  ag.pow(a, b).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [0, 0, 12]);
  assertClose((b.grad as Tensor).data, [0, 0, 8 * Math.log(2)], { rtol: 1e-15 });
});

Deno.test("where routes gradients to the chosen operand; comparisons are constants", () => {
  const a = R([2, 3], 14), b = R([3], 15);
  check((p, q) => ag.where(tensor([1, 0, 1]), p, q), [a, b]);
  check2((p, q) => ag.where(tensor([[1], [0]]), p.square(), q.exp()), [a, b]);
  const y = ag.gt(a, 0);
  assert.equal(y.requiresGrad, false);
  assert.equal(y.dtype, "float64");
});

Deno.test("clamp and astype: gradcheck", () => {
  check((x) => ag.clamp(x, -0.3, 0.4), [S([3, 4], 16)]);
  check((x) => ag.clamp(x, undefined, 0.2), [R([5], 17)]);
  check((x) => ag.astype(x, "float32").square().astype("float64"), [R([4], 18)], {
    atol: 1e-4,
    rtol: 1e-2,
    eps: 1e-3,
  });
  const x = tensor([1.5], { requiresGrad: true });
  assert.equal(ag.astype(x, "int32").requiresGrad, false);
  assert.equal(ag.astype(x, "float32"), x);
});

Deno.test("property: the gradient of sum(a + b) counts how often each element was broadcast", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
      fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      (shape, ones) => {
        const aShape = shape.map((d, i) => (ones[i] ? 1 : d));
        const a = ag.ones(aShape, { requiresGrad: true });
        const b = ag.ones(shape);
        ag.add(a, b).sum().backward();
        const times = shape.reduce((p, d) => p * d, 1) / aShape.reduce((p, d) => p * d, 1);
        return (a.grad?.data.toArray() as number[]).flat(3).every((v) => v === times);
      },
    ),
  );
});

Deno.test("errors name the op and the operand", () => {
  assert.throws(
    () => ag.add(tensor([1]), "x" as unknown as number),
    /add: second operand must be a Tensor, an NDArray or a number/,
  );
  assert.throws(
    () => ag.mul(tensor([1, 2]), tensor([1, 2, 3])),
    /mul: shapes \[2\] and \[3\] cannot be broadcast/,
  );
  assert.throws(() => ag.clamp(tensor([1]), 2, 1), /clamp: min 2 is greater than max 1/);
  assert.throws(() => ag.exp([1] as unknown as Tensor), /exp: input must be a Tensor/);
});

Deno.test("gelu: fused values, gradcheck and gradgradcheck in both modes", () => {
  const x = tensor([-3, -1, 0, 0.5, 2], { dtype: "float64" });
  const expect = [-3, -1, 0, 0.5, 2].map((v) => v * 0.5 * (1 + erfRef(v / Math.SQRT2)));
  (ag.gelu(x).toArray() as number[]).forEach((y, i) => assert.ok(Math.abs(y - expect[i]) < 1e-12));
  check((t) => ag.gelu(t), [R([3, 4], 31)]);
  check2((t) => ag.gelu(t), [R([5], 32)]);
});

Deno.test("gelu: backward makes one array, the slope scaled in place; the gradient is v · gelu'(x)", async () => {
  const {
    allocTyped,
    emptyStoragePool,
    geluGrad,
    geluGradFromOutput,
    mul,
    releaseStorage,
    storagePoolStats,
  } = await import("@nnc/tensor");
  const x = ag.randn([256, 256], { rng: new Rng(3), requiresGrad: true }); // 256 KiB
  const v = ag.randn([256, 256], { rng: new Rng(4) });
  emptyStoragePool();
  const stock = [0, 1, 2].map(() => allocTyped("float32", 256 * 256));
  for (const a of stock) releaseStorage(a);
  const out = ag.gelu(x);
  const before = storagePoolStats();
  out.backward(v);
  const after = storagePoolStats();
  assert.equal(after.hits - before.hits, 1); // the slope, which becomes the gradient
  assert.equal(after.releases - before.releases, 0);
  // Unrecorded, the slope comes from the kept output (Φ(x) = y/x, float32 y): within a few float32
  // ulps of its terms' size (Φ(x) ≤ 1, |x·φ(x)| ≤ 0.25; they cancel near GELU's minimum at
  // x ≈ −0.75, where the relative error grows) of gelu'(x) from erf.
  const fromOutput = mul(v.data, geluGradFromOutput(x.data, out.data));
  assert.deepEqual(x.grad!.toArray(), fromOutput.toArray());
  const viaErf = mul(v.data, geluGrad(x.data)).data, d = fromOutput.data;
  const xs = x.data.data, vs = v.data.data;
  for (let i = 0; i < d.length; i++) {
    const bound = 3e-7 * Math.abs(vs[i]) * (1 + Math.abs(xs[i])) + 1e-30; // and the product with v
    assert.ok(Math.abs(d[i] - viaErf[i]) <= bound, `${xs[i]}: ${d[i]} vs ${viaErf[i]}`);
  }
  // Recorded (createGraph), the product is a graph value of its own: the slope stays.
  const y = ag.randn([256, 256], { rng: new Rng(5), requiresGrad: true });
  const [g] = ag.gradients(ag.gelu(y), y, { gradOutputs: v, createGraph: true });
  assert.equal(g?.requiresGrad, true);
  assert.deepEqual(g?.toArray(), mul(v.data, geluGrad(y.data)).toArray());
  emptyStoragePool();
});

Deno.test("square, abs, sin, softplus: backward makes one array, v times the fresh slope in place", async () => {
  const {
    allocTyped,
    cos,
    emptyStoragePool,
    mul,
    releaseStorage,
    sigmoid,
    sign,
    storagePoolStats,
  } = await import("@nnc/tensor");
  const x = ag.randn([256, 256], { rng: new Rng(6), requiresGrad: true }); // 256 KiB
  const v = ag.randn([256, 256], { rng: new Rng(7) });
  const cases: [Unary, (x: NDArray) => NDArray][] = [
    [ag.square, (a) => mul(a, 2)],
    [ag.abs, sign],
    [ag.sin, cos],
    [ag.softplus, sigmoid],
  ];
  for (const [f, slope] of cases) {
    emptyStoragePool();
    const stock = [0, 1, 2].map(() => allocTyped("float32", 256 * 256));
    for (const a of stock) releaseStorage(a);
    const out = f(x);
    x.grad = null;
    const before = storagePoolStats();
    out.backward(v);
    const after = storagePoolStats();
    assert.equal(after.hits - before.hits, 1, `${f.name}: one array`); // the slope, now the gradient
    assert.deepEqual(x.grad!.toArray(), mul(v.data, slope(x.data)).toArray(), f.name);
  }
  emptyStoragePool();
});

Deno.test("sigmoidCrossEntropy: the forward keeps σ(x) − y for backward, which recycles it; a retained graph's second pass and a higher order compute it again", async () => {
  const {
    emptyStoragePool,
    getBackend,
    mul,
    registerBackend,
    sigmoidCrossEntropyGrad,
    storagePoolStats,
    useBackend,
  } = await import("@nnc/tensor");
  const base = getBackend();
  const calls = { fused: 0, slope: 0 };
  registerBackend({
    ...base,
    name: "sce-spy",
    binary(op, out, a, b) {
      if (op === "sigmoidCrossEntropyGrad") calls.slope++;
      base.binary(op, out, a, b);
    },
    sigmoidCrossEntropyWithGrad(loss, grad, x, y) {
      calls.fused++;
      base.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
    },
  });
  useBackend("sce-spy");
  try {
    emptyStoragePool();
    const x = ag.randn([256, 256], { rng: new Rng(8), requiresGrad: true }).mul(3); // 256 KiB
    const y = ag.rand([256, 256], { rng: new Rng(9) });
    const v = ag.randn([256, 256], { rng: new Rng(10) });
    const want = mul(v.data, sigmoidCrossEntropyGrad(x.data, y.data));
    calls.slope = 0;
    const loss = ag.sigmoidCrossEntropy(x, y);
    assert.deepEqual(calls, { fused: 1, slope: 0 });
    const before = storagePoolStats();
    const [g1] = ag.gradients(loss, x, { gradOutputs: v, retainGraph: true });
    assert.deepEqual(calls, { fused: 1, slope: 0 }); // the kept slope
    assertClose(g1!.data, want, { rtol: 1.2e-7, atol: 0 });
    // Multiplied into an array of the pass, the kept slope went to the pool.
    assert.equal(storagePoolStats().releases - before.releases, 1);
    const [g2] = ag.gradients(loss, x, { gradOutputs: v });
    assert.deepEqual(calls, { fused: 1, slope: 1 }); // taken by the first pass: computed again
    assert.deepEqual(g2!.toArray(), mul(v.data, sigmoidCrossEntropyGrad(x.data, y.data)).toArray());
    // No gradient wanted for x (a constant, or no grad mode): the forward keeps nothing.
    ag.sigmoidCrossEntropy(x.detach(), y);
    ag.noGrad(() => ag.sigmoidCrossEntropy(x, y));
    assert.equal(calls.fused, 1);
    // A higher order records σ(x) − y: d/dx of v·(σ(x) − y) is v·σ(x)(1 − σ(x)).
    const z = ag.tensor([-2, 0, 3], { dtype: "float64", requiresGrad: true });
    const [dz] = ag.gradients(
      ag.sigmoidCrossEntropy(z, ag.tensor([0, 1, 0.5], { dtype: "float64" })),
      z,
      {
        gradOutputs: ag.tensor([1, 2, 3], { dtype: "float64" }),
        createGraph: true,
      },
    );
    assert.equal(dz?.requiresGrad, true);
    dz!.sum().backward();
    const s = [-2, 0, 3].map((t) => 1 / (1 + Math.exp(-t)));
    assertClose(z.grad!.data, s.map((p, i) => [1, 2, 3][i] * p * (1 - p)), {
      rtol: 1e-15,
      atol: 0,
    });
  } finally {
    useBackend(base.name);
    emptyStoragePool();
  }
});

Deno.test("leakyRelu: one kernel equal to the where composite, gradcheck and gradgradcheck", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const slope of [0.01, 0.2, -0.5]) {
      const x = ag.randn([6, 50], { dtype, rng: new Rng(41) });
      const composite = ag.where(x.data.gt(0), x, ag.mul(x, slope));
      assert.deepEqual(ag.leakyRelu(x, slope).data.data, composite.data.data);
      // The gradient of a sum: 1 where x > 0, the slope (rounded to the dtype) elsewhere.
      const xg = x.detach().requiresGrad_();
      ag.leakyRelu(xg, slope).sum().backward();
      const s = dtype === "float32" ? Math.fround(slope) : slope;
      assert.deepEqual(
        Array.from(xg.grad!.data.data),
        Array.from(x.data.data, (v) => (v > 0 ? 1 : s)),
      );
    }
  }
  // PyTorch: F.leaky_relu(x, 0.1) at x = 0 has gradient 0.1; integer tensors take the composite.
  const z = tensor([0], { dtype: "float64", requiresGrad: true });
  ag.leakyRelu(z, 0.1).sum().backward();
  assert.equal(z.grad!.item(), 0.1);
  assert.deepEqual(ag.leakyRelu(tensor([-4, 5], { dtype: "int32" }), 0.5).toArray(), [-2, 5]);
  check((t) => ag.leakyRelu(t, 0.2), [R([3, 4], 43)]);
  check2((t) => ag.leakyRelu(t, 0.2).mul(t), [R([5], 44)]);
  assert.throws(
    () => ag.leakyRelu(tensor([1]), NaN),
    /^RangeError: leakyRelu: negativeSlope must be a finite number/,
  );
});

/** erf by its Taylor series (|x| ≤ 3 is plenty here). */
function erfRef(x: number): number {
  let sum = 0, term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= -x * x / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

Deno.test("sigmoidCrossEntropy: −y·log σ(x) − (1−y)·log(1−σ(x)) stably, gradcheck and gradgradcheck in both arguments", () => {
  // Reference from the definition with log σ(x) = −log1p(e^−x) for x ≥ 0 and x − log1p(e^x) below.
  const logSigmoid = (
    v: number,
  ) => (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v)));
  const xs = [-1000, -30, -5, -1, -0.25, 0, 0.25, 1, 5, 30, 1000];
  for (const y of [0, 0.3, 1]) {
    const got = ag.sigmoidCrossEntropy(tensor(xs, { dtype: "float64" }), y).toArray() as number[];
    xs.forEach((v, i) => {
      const want = -y * logSigmoid(v) - (1 - y) * logSigmoid(-v);
      assert.ok(
        Math.abs(got[i] - want) <= 1e-12 * Math.max(1, Math.abs(want)),
        `x ${v}, y ${y}: got ${got[i]}, want ${want}`,
      );
    });
    const d = ag.sigmoidCrossEntropyGrad(tensor(xs, { dtype: "float64" }), y).toArray() as number[];
    xs.forEach((v, i) => {
      const want = Math.exp(logSigmoid(v)) - y;
      assert.ok(
        Math.abs(d[i] - want) <= 1e-15,
        `grad at x ${v}, y ${y}: got ${d[i]}, want ${want}`,
      );
    });
  }
  // float32: the double result rounded once, so equal to the composite within one rounding per step.
  const x32 = ag.randn([4, 300], { rng: new Rng(51) }).mul(6);
  const y32 = ag.rand([4, 300], { rng: new Rng(52) });
  const composite = ag.add(ag.mul(ag.sub(1, y32), x32), ag.softplus(ag.neg(x32)));
  assertClose(ag.sigmoidCrossEntropy(x32, y32).data, composite.data, { rtol: 1e-6, atol: 1e-6 });
  // Gradients in x and y (reverse and forward), and second order, with broadcasting.
  check((a, b) => ag.sigmoidCrossEntropy(a, b), [R([3, 4], 53), R([4], 54)]);
  check((a, b) => ag.sigmoidCrossEntropyGrad(a, b), [R([3, 1], 55), S([3, 4], 56)]);
  check2((a, b) => ag.sigmoidCrossEntropy(a, b), [R([5], 57), R([5], 58)]);
});
