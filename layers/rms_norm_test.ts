import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "@nnc/tensor";
import { randn, Tensor, tensor, zeros } from "@nnc/autograd";
import { RMSNorm, rmsNorm } from "./mod.ts";
import { gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

function assertClose(actual: number[], expected: number[], tol: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]) <= tol, `element ${i}: ${v} against ${expected[i]}`)
  );
}

Deno.test("RMSNorm matches PyTorch 2.15's nn.RMSNorm: values and gradients (float64)", () => {
  // torch.nn.RMSNorm(3, dtype=float64) with weight (1.5, −0.5, 2), eps None (machine epsilon);
  // gradients of Σ y ⊙ (1, 2, 3).
  const norm = new RMSNorm(3, f64);
  norm.weight!.data = tensor([1.5, -0.5, 2], f64).data;
  const x = tensor([[[0.5, -1, 2], [3, 0.25, -0.75]]], { ...f64, requiresGrad: true });
  const y = norm.forward(x);
  assertClose([...y.data.data], [
    0.5669467095138407,
    0.3779644730092272,
    3.0237157840738176,
    2.512307368075871,
    -0.06978631577988531,
    -0.8374357893586237,
  ], 1e-15);
  y.mul(tensor([1, 2, 3], f64)).sum().backward();
  assertClose([...x.grad!.data.data], [
    0.14398646590827713,
    1.2238849602203543,
    0.5759458636331085,
    0.8809389472473834,
    -0.5546652630816858,
    3.338867367962305,
  ], 1e-14);
  assertClose([...norm.weight!.grad!.data.data], [
    2.0528360517264748,
    -1.2327126289173675,
    3.2794199920727904,
  ], 1e-14);
});

Deno.test("rmsNorm's default eps is the machine epsilon of the dtype (PyTorch: 0.26333186 for float32)", () => {
  // Mean square 2.5e-8 is below float32's epsilon 2^-23, which therefore sets the scale.
  const y = new RMSNorm(2).forward(tensor([[1e-4, -2e-4]]));
  assertClose([...y.data.data], [0.2633318603038788, -0.5266637206077576], 1e-7);
  // float64's epsilon is 2^-52: the same values in float64 normalise to nearly unit mean square.
  const z = rmsNorm(tensor([[1e-4, -2e-4]], f64), [2]);
  assertClose([...z.data.data], [1e-4 / Math.sqrt(2.5e-8), -2e-4 / Math.sqrt(2.5e-8)], 1e-7);
  assertClose([...rmsNorm(tensor([[1e-4, -2e-4]], f64), [2], null, 1e-8).data.data], [
    1e-4 / Math.sqrt(2.5e-8 + 1e-8),
    -2e-4 / Math.sqrt(2.5e-8 + 1e-8),
  ], 1e-12);
});

Deno.test("rmsNorm equals x / √(mean(x²) + eps) · w over the trailing dims (fast-check, float64)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.boolean(),
      (rows, d1, d2, seed, twoDims) => {
        const rng = new Rng(seed);
        const x = randn([rows, d1, d2], { ...f64, rng });
        const shape = twoDims ? [d1, d2] : [d2];
        const w = randn(shape, { ...f64, rng });
        const got = [...rmsNorm(x, shape, w, 0.01).data.data];
        const xs = [...x.data.data], ws = [...w.data.data];
        const group = shape.reduce((p, s) => p * s, 1);
        const want = xs.map((v, i) => {
          const start = i - (i % group);
          const ms = xs.slice(start, start + group).reduce((s, u) => s + u * u, 0) / group;
          return v / Math.sqrt(ms + 0.01) * ws[i % group];
        });
        assertClose(got, want, 1e-13);
      },
    ),
    { numRuns: 100, seed: 3 },
  );
});

Deno.test("gradcheck passes for RMSNorm over one and two trailing dimensions", () => {
  const rng = new Rng(8);
  const one = new RMSNorm(3, f64);
  one.weight!.data = randn([3], { ...f64, rng }).data;
  assert.ok(gradcheckModule(one, [randn([2, 3], { ...f64, rng })]).ok);
  const two = new RMSNorm([2, 3], { ...f64, eps: 0.1 });
  two.weight!.data = randn([2, 3], { ...f64, rng }).data;
  assert.ok(gradcheckModule(two, [randn([2, 2, 3], { ...f64, rng })]).ok);
});

Deno.test("RMSNorm: parameters, state dict, repr and errors naming the layer", () => {
  const norm = new RMSNorm([2, 2]);
  assert.deepEqual(norm.weight!.toArray(), [[1, 1], [1, 1]]);
  assert.deepEqual(Object.keys(norm.stateDict()), ["weight"]);
  assert.equal(new RMSNorm(4, { elementwiseAffine: false }).parameters().length, 0);
  assert.match(
    String(new RMSNorm(4)),
    /RMSNorm\(\[4\], eps=machine epsilon, elementwiseAffine=true\)/,
  );
  assert.match(String(new RMSNorm(4, { eps: 1e-6 })), /eps=0\.000001/);
  assert.throws(() => new RMSNorm([3, 4]).forward(zeros([2, 4, 3])), {
    message: "RMSNorm([3, 4]): expected input [*, 3, 4], got [2, 4, 3]",
  });
  assert.throws(() => new RMSNorm(0), /^RangeError: RMSNorm: normalizedShape must be a positive/);
  assert.throws(() => new RMSNorm(3, { eps: -1 }), /^RangeError: RMSNorm: eps/);
  assert.throws(() => new RMSNorm(3, 5 as never), /^TypeError: RMSNorm: options must be an object/);
  assert.throws(
    () => rmsNorm(zeros([2, 3]), [4]),
    /^RangeError: rmsNorm: input \[2, 3\] does not end in the normalized shape \[4\]$/,
  );
  assert.throws(
    () => rmsNorm(zeros([2, 3]), [3], zeros([2])),
    /^RangeError: rmsNorm: weight \[2\] must have the normalized shape \[3\]$/,
  );
  assert.throws(() => rmsNorm(zeros([2, 3]), 3 as never), /^TypeError: rmsNorm: normalizedShape/);
  assert.throws(() => rmsNorm("x" as never, [3]), /^TypeError: rmsNorm: input must be a Tensor/);
  assert.throws(
    () => rmsNorm(new Tensor(zeros([2, 3]).data.astype("int32")), [3]),
    /^TypeError: rmsNorm: input's dtype must be "float32" or "float64", got "int32"$/,
  );
});
