import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { SGD, type SGDOptions, StepLR } from "./mod.ts";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";

registerTrajectoryTests("SGD");

function scalarParam(v: number): Tensor {
  return new Tensor(NDArray.fromTyped(new Float64Array([v])), { requiresGrad: true });
}

function vectorParam(v: readonly number[]): Tensor {
  return new Tensor(NDArray.fromTyped(Float64Array.from(v)), { requiresGrad: true });
}

function setGrad(p: Tensor, g: readonly number[]): void {
  p.grad = new Tensor(NDArray.fromTyped(Float64Array.from(g)));
}

/** Runs SGD on f(θ) = c·θ²/2 … given by its gradient function; returns θ after each step. */
function run1d(
  options: Partial<SGDOptions> & { lr: number },
  grad: (x: number) => number,
  x0: number,
  steps: number,
) {
  const theta = scalarParam(x0);
  const opt = new SGD([theta], options);
  const xs: number[] = [], vs: number[] = [];
  for (let k = 0; k < steps; k++) {
    setGrad(theta, [grad(theta.item())]);
    opt.step();
    xs.push(theta.item());
    const s = opt.state.get(theta);
    const v = s?.velocity ?? s?.momentum_buffer;
    vs.push(v instanceof NDArray ? v.item() : NaN);
  }
  return { xs, vs };
}

Deno.test("SGD: the notes' momentum run on f(θ)=θ² (0.8, 0.46, 0.062) in both forms", () => {
  // spec: 000-003/003.optimisers
  for (const variant of ["torch", "notes"] as const) {
    const { xs } = run1d({ lr: 0.1, momentum: 0.9, variant }, (x) => 2 * x, 1, 3);
    xs.forEach((x, k) =>
      assert.ok(Math.abs(x - [0.8, 0.46, 0.062][k]) < 1e-15, `${variant} θ${k + 1} = ${x}`)
    );
  }
});

Deno.test("SGD: the notes' momentum form on f(x)=x²/2: (v, x) = (−0.1, 0.9), (−0.18, 0.72), (−0.234, 0.486)", () => {
  // spec: 002-part-a/3b.momentum
  const { xs, vs } = run1d({ lr: 0.1, momentum: 0.9, variant: "notes" }, (x) => x, 1, 3);
  const expected = [[-0.1, 0.9], [-0.18, 0.72], [-0.234, 0.486]];
  expected.forEach(([v, x], k) => {
    assert.ok(Math.abs(vs[k] - v) < 1e-15, `v${k + 1} = ${vs[k]}`);
    assert.ok(Math.abs(xs[k] - x) < 1e-15, `x${k + 1} = ${xs[k]}`);
  });
  // PyTorch's buffer is the same velocity divided by −η.
  const torch = run1d({ lr: 0.1, momentum: 0.9 }, (x) => x, 1, 3);
  torch.vs.forEach((b, k) => assert.ok(Math.abs(-0.1 * b - expected[k][0]) < 1e-15));
});

Deno.test("SGD: momentum starts from v = 0, so its first step is the plain gradient step", () => {
  // spec: 002-part-a/3a.L2674
  const grad = (x: number) => 3 * x - 1;
  for (const variant of ["notes", "torch"] as const) {
    for (const lambda of [0.5, 0.9, 0.99]) {
      const [first] = run1d({ lr: 0.1, momentum: lambda, variant }, grad, 2, 1).xs;
      const [plain] = run1d({ lr: 0.1, momentum: 0, variant }, grad, 2, 1).xs;
      assert.equal(first, plain, `${variant}, λ = ${lambda}`);
      assert.equal(first, 2 - 0.1 * grad(2));
    }
  }
});

Deno.test("SGD: momentum λ=0.9 under a constant gradient reaches the terminal velocity −α/(1−λ) (10× the GD step)", () => {
  // spec: 002-part-a/3b.momentum
  // spec: 002-part-a/3a.L2654
  const { xs, vs } = run1d({ lr: 0.1, momentum: 0.9, variant: "notes" }, () => 1, 0, 400);
  assert.ok(Math.abs(vs[399] + 1) < 1e-15, `v = ${vs[399]}`);
  assert.ok(Math.abs(xs[399] - xs[398] + 1) < 1e-12, "terminal step = α‖∇f‖/(1−λ) = 1");
  // spec: 002-part-a/3b.gd-quadratic
  // λ = 0 is plain gradient descent: GD on x²/2, α = 0.1 gives 0.9, 0.81, 0.729.
  const gd = run1d({ lr: 0.1, momentum: 0, variant: "notes" }, (x) => x, 1, 3).xs;
  assert.deepEqual(gd.map((x) => Number(x.toFixed(15))), [0.9, 0.81, 0.729]);
});

Deno.test("SGD: HW5 Q1 step-size sweep on R(w) = 13w1² − 10w1w2 + 4w1 + 2w2² − 2w2 + 1 (w* = (1, 3))", () => {
  const dist = (w: Tensor) => Math.hypot(w.get(0) - 1, w.get(1) - 3);
  const expected: Record<
    string,
    { first: number; tenth?: number; last: number; w?: [number, number] }
  > = {
    "0.02": { first: 3.150873, last: 0.826191, w: [0.702078, 2.229394] },
    "0.05": { first: 3.138471, last: 0.109771, w: [0.960417, 2.897615] },
    "0.1": { first: 3.130495, tenth: 142.75, last: 1.7e148 },
  };
  for (const [eta, e] of Object.entries(expected)) {
    const w = vectorParam([0, 0]);
    const opt = new SGD([w], { lr: Number(eta) });
    const d: number[] = [];
    for (let k = 0; k < 500; k++) {
      const [w1, w2] = [w.get(0), w.get(1)];
      setGrad(w, [26 * w1 - 10 * w2 + 4, -10 * w1 + 4 * w2 - 2]);
      opt.step();
      d.push(dist(w));
    }
    assert.ok(Math.abs(d[0] - e.first) < 5e-7, `η=${eta}: distance after step 1 = ${d[0]}`);
    if (e.tenth) {
      assert.ok(Math.abs(d[9] - e.tenth) < 5e-3, `η=${eta}: distance after 10 = ${d[9]}`);
    }
    const finalOk = e.w
      ? Math.abs(d[499] - e.last) < 5e-7
      : Math.abs(d[499] - e.last) / e.last < 0.01;
    assert.ok(finalOk, `η=${eta}: final distance = ${d[499]}`);
    if (e.w) {
      assert.ok(
        Math.abs(w.get(0) - e.w[0]) < 5e-7 && Math.abs(w.get(1) - e.w[1]) < 5e-7,
        `η=${eta}: w = ${w.toArray()}`,
      );
      assert.ok(d[499] < d[0], `η=${eta} converges`);
    } else {
      assert.ok(d[499] > 1e100, "η=0.1 > 2/λmax = 0.0669656 diverges");
    }
  }
});

Deno.test("SGD: the notes' Nesterov look-ahead form, κ=4 ⇒ β=1/3, and its convergence bound", () => {
  // spec: 001-004/A3.nesterov-adam
  // f(x) = ½(μ x1² + L x2²), μ = 1, L = 4, η = 1/L, β = (√κ − 1)/(√κ + 1) = 1/3.
  const mu = 1, L = 4, eta = 1 / L, beta = (Math.sqrt(L / mu) - 1) / (Math.sqrt(L / mu) + 1);
  assert.equal(beta, 1 / 3);
  const grad = (v: number[]) => [mu * v[0], L * v[1]];
  const f = (v: number[]) => 0.5 * (mu * v[0] ** 2 + L * v[1] ** 2);
  const y = vectorParam([1, 1]);
  const opt = new SGD([y], { lr: eta, momentum: beta, nesterov: true, variant: "notes" });
  let xPrev = [1, 1], x = [1, 1];
  for (let k = 0; k < 10; k++) {
    // The notes, literally: y_{k+1} = x_k + β(x_k − x_{k−1}); x_{k+1} = y_{k+1} − η∇f(y_{k+1}).
    const yk = [x[0] + beta * (x[0] - xPrev[0]), x[1] + beta * (x[1] - xPrev[1])];
    const g = grad(yk);
    [xPrev, x] = [x, [yk[0] - eta * g[0], yk[1] - eta * g[1]]];
    assert.ok(
      Math.abs(y.get(0) - yk[0]) < 1e-15 && Math.abs(y.get(1) - yk[1]) < 1e-15,
      `y${k + 1}`,
    );
    setGrad(y, grad([y.get(0), y.get(1)]));
    opt.step();
    const iterate = opt.state.get(y)?.iterate as NDArray;
    assert.ok(
      Math.abs(iterate.get(0) - x[0]) < 1e-15 && Math.abs(iterate.get(1) - x[1]) < 1e-15,
      `x${k + 1}`,
    );
    // f(x^k) − f* ≤ L((√κ − 1)/√κ)^k ‖x^0 − x*‖².
    assert.ok(f(x) <= L * 0.5 ** (k + 1) * 2, `bound at k=${k + 1}: f = ${f(x)}`);
  }
});

Deno.test("SGD: notes and PyTorch forms agree with a constant learning rate (heavy ball and Nesterov)", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.001, max: 0.2, noNaN: true }),
      fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      fc.boolean(),
      fc.double({ min: 0, max: 0.1, noNaN: true }),
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }),
      (lr, momentum, nesterov, weightDecay, x0) => {
        const a = vectorParam(x0), b = vectorParam(x0);
        const ta = new SGD([a], { lr, momentum, nesterov, weightDecay });
        const tb = new SGD([b], { lr, momentum, nesterov, weightDecay, variant: "notes" });
        for (let k = 0; k < 8; k++) {
          for (const [p, o] of [[a, ta], [b, tb]] as const) {
            setGrad(p, [3 * p.get(0) + p.get(1), p.get(0) + 2 * p.get(1)]);
            o.step();
          }
        }
        for (let i = 0; i < 2; i++) {
          const scale = Math.max(1, Math.abs(a.get(i)));
          assert.ok(Math.abs(a.get(i) - b.get(i)) <= 1e-12 * scale, `${a.get(i)} vs ${b.get(i)}`);
        }
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("SGD: the forms differ once the learning rate changes (the notes' velocity keeps the old η)", () => {
  const a = scalarParam(1), b = scalarParam(1);
  const ta = new SGD([a], { lr: 0.1, momentum: 0.9 });
  const tb = new SGD([b], { lr: 0.1, momentum: 0.9, variant: "notes" });
  const sa = new StepLR(ta, { stepSize: 1, gamma: 0.5 }),
    sb = new StepLR(tb, { stepSize: 1, gamma: 0.5 });
  for (let k = 0; k < 2; k++) {
    for (const [p, o, s] of [[a, ta, sa], [b, tb, sb]] as const) {
      setGrad(p, [1]);
      o.step();
      s.step();
    }
  }
  // torch: buf = 1.9, θ = 1 − 0.1 − 0.05·1.9 = 0.805; notes: v = 0.9·(−0.1) − 0.05 = −0.14, θ = 0.76.
  assert.ok(
    Math.abs(a.item() - 0.805) < 1e-15 && Math.abs(b.item() - 0.76) < 1e-15,
    `${a.item()} ${b.item()}`,
  );
});

Deno.test("SGD: plain steps, maximize, weight decay and float32 parameters by hand", () => {
  const w = vectorParam([1, -2]);
  const opt = new SGD([w], { lr: 0.5, weightDecay: 0.1 });
  setGrad(w, [1, 1]);
  opt.step(); // θ − 0.5(g + 0.1θ)
  assert.deepEqual(w.toArray(), [1 - 0.5 * 1.1, -2 - 0.5 * (1 - 0.2)]);
  const up = new SGD([vectorParam([0])], { lr: 0.25, maximize: true });
  const p = up.paramGroups[0].params[0];
  setGrad(p, [2]);
  up.step();
  assert.equal(p.item(), 0.5);
  const f32 = new Tensor(NDArray.fromTyped(new Float32Array([1, 2])), { requiresGrad: true });
  const o32 = new SGD([f32], { lr: 0.5, momentum: 0.5 });
  f32.grad = new Tensor(NDArray.fromTyped(new Float64Array([0.5, 1])));
  o32.step();
  assert.equal(f32.dtype, "float32");
  assert.deepEqual(f32.toArray(), [0.75, 1.5]);
  assert.equal((o32.state.get(f32)?.momentum_buffer as NDArray).dtype, "float32");
});

Deno.test("SGD: option errors name SGD, the option and the value", () => {
  const p = () => [vectorParam([1])];
  assert.throws(() => new SGD(p(), {} as { lr: number }), {
    name: "TypeError",
    message: /SGD: options\.lr is required/,
  });
  assert.throws(() => new SGD(p(), { lr: -0.1 }), {
    name: "RangeError",
    message: "SGD: lr must be a finite number >= 0, got -0.1",
  });
  assert.throws(() => new SGD(p(), { lr: 0.1, momentum: -1 }), {
    name: "RangeError",
    message: /SGD: momentum .* got -1/,
  });
  assert.throws(() => new SGD(p(), { lr: 0.1, nesterov: true }), {
    name: "RangeError",
    message: /SGD: nesterov needs momentum > 0 and dampening 0, got momentum 0/,
  });
  assert.throws(() => new SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), {
    name: "RangeError",
    message: /dampening 0\.1/,
  });
  assert.throws(() => new SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, variant: "notes" }), {
    name: "RangeError",
    message: /notes' momentum has no dampening/,
  });
  assert.throws(() => new SGD(p(), { lr: 0.1, variant: "goodfellow" as "notes" }), {
    name: "RangeError",
    message: /variant must be one of "torch", "notes", got "goodfellow"/,
  });
  assert.throws(() => new SGD(p(), { lr: NaN }), { name: "RangeError", message: /lr .* got NaN/ });
});
