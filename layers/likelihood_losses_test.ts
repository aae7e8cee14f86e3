import assert from "node:assert/strict";
import fc from "fast-check";
import { array } from "@nnc/tensor";
import { gradcheck, gradgradcheck, type Tensor, tensor } from "@nnc/autograd";
import { GaussianNLLLoss, gaussianNllLoss, PoissonNLLLoss, poissonNllLoss } from "./mod.ts";
import { checkMoreLossCases, moreLossFixtures, type MoreLossImpl } from "./_more_losses_testing.ts";

const f64 = { dtype: "float64" as const };

/** The fixture's options as nnc's: a number variance travels in the options. */
function split(o: Record<string, unknown>): [number | undefined, Record<string, unknown>] {
  const { var: v, ...rest } = o;
  return [v as number | undefined, rest];
}

const functional: Record<string, MoreLossImpl> = {
  poissonNllLoss: ([x, t], others, o) => poissonNllLoss(x, t ?? others[0], o),
  gaussianNllLoss: ([x, t, v], _, o) => {
    const [number, rest] = split(o);
    return gaussianNllLoss(x, t, v ?? number!, rest);
  },
};

const modules: Record<string, MoreLossImpl> = {
  poissonNllLoss: ([x, t], others, o) => new PoissonNLLLoss(o).forward(x, t ?? others[0]),
  gaussianNllLoss: ([x, t, v], _, o) => {
    const [number, rest] = split(o);
    return new GaussianNLLLoss(rest).forward(x, t, v ?? number!);
  },
};

Deno.test("likelihood losses match PyTorch 2.x: values and gradients (input, target, var)", () => {
  assert.match(moreLossFixtures().torch, /^2\./);
  const ran = checkMoreLossCases(functional);
  assert.ok(ran.some((n) => n.startsWith("poisson")) && ran.some((n) => n.startsWith("gaussian")));
  assert.ok(ran.length >= 30, `${ran.length} cases`);
  assert.deepEqual(checkMoreLossCases(modules), ran);
});

Deno.test("likelihood losses: gradcheck and gradgradcheck", () => {
  const r = (shape: number[], seed: number, lo = -2) =>
    tensor(
      Array.from(
        { length: shape.reduce((a, b) => a * b, 1) },
        (_, i) => lo + (Math.sin(5 * i + seed) + 1) * 1.5,
      ),
      { ...f64, shape, requiresGrad: true },
    );
  const x = r([3, 4], 1), t = r([3, 4], 2, 1.5), rate = r([3, 4], 3, 0.2), v = r([3, 4], 4, 0.1);
  const cases: [string, (...xs: Tensor[]) => Tensor, Tensor[]][] = [
    ["poisson log-rate full", (a, b) => poissonNllLoss(a, b, { full: true }), [x, t]],
    ["poisson rate", (a, b) => poissonNllLoss(a, b, { logInput: false, reduction: "sum" }), [
      rate,
      t,
    ]],
    ["gaussian", (a, b, c) => gaussianNllLoss(a, b, c, { full: true }), [x, t, v]],
    ["gaussian homoscedastic", (a, b, c) => gaussianNllLoss(a, b, c.sum({ axis: 1 })), [x, t, v]],
  ];
  for (const [name, f, xs] of cases) {
    assert.ok(gradcheck(f, xs).ok, `${name}: gradcheck`);
    assert.ok(gradgradcheck(f, xs).ok, `${name}: gradgradcheck`);
  }
});

Deno.test("poissonNllLoss and gaussianNllLoss equal their scalar formulas (fast-check)", () => {
  const stirling = (y: number) => y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-11 * Math.max(1, Math.abs(b));
  const rows = fc.array(
    fc.tuple(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.oneof(fc.constantFrom(0, 1, 2), fc.double({ min: 0, max: 20, noNaN: true })),
      fc.oneof(fc.constantFrom(0, 1e-9, 1e-6), fc.double({ min: 0, max: 10, noNaN: true })),
    ),
    { minLength: 1, maxLength: 10 },
  );
  fc.assert(
    fc.property(rows, fc.boolean(), fc.boolean(), (rs, logInput, full) => {
      const x = tensor(rs.map((r) => r[0]), f64), y = tensor(rs.map((r) => r[1]), f64);
      const v = tensor(rs.map((r) => r[2]), f64);
      const rate = x.abs();
      const p = poissonNllLoss(logInput ? x : rate, y, { logInput, full, reduction: "none" })
        .toArray() as number[];
      const g = gaussianNllLoss(x, y, v, { full, reduction: "none" }).toArray() as number[];
      rs.forEach(([xi, yi, vi], i) => {
        let want = logInput
          ? Math.exp(xi) - yi * xi
          : Math.abs(xi) - yi * Math.log(Math.abs(xi) + 1e-8);
        if (full && yi > 1) want += stirling(yi);
        assert.ok(close(p[i], want), `poisson ${i}: ${p[i]} vs ${want}`);
        const vc = Math.max(vi, 1e-6);
        let wantG = 0.5 * (Math.log(vc) + (xi - yi) ** 2 / vc);
        if (full) wantG += 0.5 * Math.log(2 * Math.PI);
        assert.ok(close(g[i], wantG), `gaussian ${i}: ${g[i]} vs ${wantG}`);
      });
    }),
    { numRuns: 100 },
  );
});

Deno.test("gaussianNllLoss: the clamp passes the gradient straight through, as PyTorch 2.x", () => {
  // PyTorch clamps a copy of var in place under no_grad: where var < eps the gradient is the
  // unclamped formula's at eps, −½(x − y)²/eps² + ½/eps, not 0.
  const v = tensor([0, 1e-9, 0.5, -0], { ...f64, requiresGrad: true });
  const l = gaussianNllLoss(tensor([1, 1, 1, 1], f64), tensor([0, 0, 0, 0], f64), v, {
    reduction: "sum",
  });
  l.backward();
  const atEps = 0.5 * (1 / 1e-6 - 1 / 1e-12);
  const g = v.grad!.toArray() as number[];
  assert.ok([0, 1, 3].every((i) => Math.abs(g[i] - atEps) <= 1e-6 * Math.abs(atEps)), String(g));
  assert.ok(Math.abs(g[2] - 0.5 * (1 / 0.5 - 1 / 0.25)) < 1e-15);
  assert.equal(l.item(), 3 * 0.5 * (Math.log(1e-6) + 1e6) + 0.5 * (Math.log(0.5) + 2));
  // Homoscedastic shapes: one fewer dimension, or one dimension of size 1; a number; a 0-d
  // variance for a vector input.
  const x = tensor([[1, 2, 3], [4, 5, 6]], f64), y = tensor([[0, 0, 0], [0, 0, 0]], f64);
  const full = gaussianNllLoss(x, y, tensor([[2, 2, 2], [3, 3, 3]], f64), { reduction: "none" });
  for (const short of [tensor([2, 3], f64), tensor([[2], [3]], f64)]) {
    assert.deepEqual(gaussianNllLoss(x, y, short, { reduction: "none" }).toArray(), full.toArray());
  }
  assert.deepEqual(
    gaussianNllLoss(x, y, 2, { reduction: "none" }).toArray(),
    gaussianNllLoss(x, y, tensor([[2, 2, 2]], f64), { reduction: "none" }).toArray(),
  );
  assert.deepEqual(
    gaussianNllLoss(tensor([1, 2], f64), tensor([0, 0], f64), tensor(1, f64), {
      reduction: "none",
    }).shape,
    [2],
  );
  // NaN variances pass through (PyTorch's check is var < 0).
  assert.ok(Number.isNaN(gaussianNllLoss(tensor([1]), tensor([0]), tensor([NaN])).item()));
});

Deno.test("poissonNllLoss: Stirling's term only above 1, its target gradient 0 below (PyTorch: NaN at 0)", () => {
  const y = tensor([0, 1, 2], { ...f64, requiresGrad: true });
  const l = poissonNllLoss(tensor([0, 0, 0], f64), y, { full: true, reduction: "none" });
  const s2 = 2 * Math.log(2) - 2 + 0.5 * Math.log(4 * Math.PI);
  assert.deepEqual(l.toArray(), [1, 1, 1 + s2]);
  l.sum().backward();
  const g = y.grad!.toArray() as number[];
  assert.deepEqual(g.slice(0, 2), [0, 0]);
  assert.ok(Math.abs(g[2] - (Math.log(2) + 0.25)) < 1e-15);
  // Broadcasting as PyTorch: [3, 1] against [2] gives [3, 2].
  assert.deepEqual(
    poissonNllLoss(tensor([[0], [1], [2]]), array([1, 2]), { reduction: "none" }).shape,
    [3, 2],
  );
});

Deno.test("likelihood losses: argument errors name the op, the argument, the value and the expectation", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]), y = tensor([[0, 0, 0], [0, 0, 0]]);
  assert.throws(
    () => gaussianNllLoss(x, y, tensor([[1, -0.5, 1], [1, 1, 1]])),
    /^RangeError: gaussianNllLoss: var has negative entries \(the smallest is -0.5\); var must be >= 0$/,
  );
  assert.throws(
    () => gaussianNllLoss(x, y, -1),
    /^RangeError: gaussianNllLoss: var must be >= 0, got -1$/,
  );
  assert.throws(() => new GaussianNLLLoss().forward(x, y, -1), /GaussianNLLLoss: var must be >= 0/);
  for (const bad of [tensor([1, 1, 1]), tensor([[1, 1]]), tensor([[1]]), tensor([[[1, 1, 1]]])]) {
    assert.throws(
      () => gaussianNllLoss(x, y, bad),
      new RegExp(
        `^RangeError: gaussianNllLoss: var \\[${
          bad.shape.join(", ")
        }\\] must have the input's shape \\[2, 3\\], ` +
          `that shape without its last dimension, or that shape with one dimension of size 1$`,
      ),
    );
  }
  assert.throws(
    () => gaussianNllLoss(x, tensor([1, 2]), 1),
    /gaussianNllLoss: shapes \[2, 3\] and \[2\] cannot be broadcast/,
  );
  assert.throws(
    () => gaussianNllLoss(x, y, "1" as unknown as number),
    /TypeError: gaussianNllLoss: var must be a Tensor or an NDArray, got "1"/,
  );
  assert.throws(
    () => gaussianNllLoss(x, y, 1, { eps: -1 }),
    /gaussianNllLoss: eps must be a finite number >= 0, got -1/,
  );
  assert.throws(
    () => gaussianNllLoss(x, y, 1, { full: 1 as unknown as boolean }),
    /gaussianNllLoss: full must be a boolean, got 1/,
  );
  assert.throws(
    () => new GaussianNLLLoss({ reduction: "batchmean" as "mean" }),
    /GaussianNLLLoss: reduction must be "mean", "sum" or "none", got "batchmean"/,
  );
  assert.throws(
    () => poissonNllLoss(x, tensor([1, 2])),
    /poissonNllLoss: shapes \[2, 3\] and \[2\] cannot be broadcast/,
  );
  assert.throws(
    () => poissonNllLoss(x, y, { logInput: "yes" as unknown as boolean }),
    /poissonNllLoss: logInput must be a boolean, got "yes"/,
  );
  assert.throws(
    () => new PoissonNLLLoss({ eps: NaN }),
    /PoissonNLLLoss: eps must be a finite number/,
  );
  assert.equal(
    new PoissonNLLLoss().toString(),
    "PoissonNLLLoss(logInput=true, full=false, eps=1e-8, reduction=mean)",
  );
});
