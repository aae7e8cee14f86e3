import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { Adagrad, Adam } from "./mod.ts";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { param, setGrad, squareRun } from "./_scalar_testing.ts";

registerTrajectoryTests("Adam");

Deno.test("Adam: the notes' 3-step run on f(θ)=θ² with the defaults", () => {
  // spec: 000-003/003.optimisers
  const xs = squareRun((p) => new Adam(p));
  [0.999000000005, 0.9980000262138, 0.9970000960651].forEach((e, k) => {
    assert.ok(Math.abs(xs[k] - e) < 1e-13, `θ${k + 1} = ${xs[k]}, expected ${e}`);
  });
});

Deno.test("Adam: the first step is exactly −η·g/(|g| + ε), as the notes say (≈ −η·sign g)", () => {
  // spec: 001-004/A3.nesterov-adam
  fc.assert(
    fc.property(
      fc.double({ min: -100, max: 100, noNaN: true }).filter((g) => Math.abs(g) > 1e-6),
      fc.double({ min: 1e-4, max: 1, noNaN: true }),
      fc.constantFrom(0.9, 0.5, 0),
      (g, lr, beta1) => {
        const w = param([0]);
        const opt = new Adam([w], { lr, betas: [beta1, 0.999] });
        setGrad(w, [g]);
        opt.step();
        const expected = (-lr * g) / (Math.abs(g) + 1e-8);
        assert.ok(
          Math.abs(w.item() - expected) <= 1e-14 * Math.abs(expected),
          `${w.item()} vs ${expected}`,
        );
      },
    ),
  );
});

Deno.test('Adam: variant "notes" only changes the default β2 to the notes\' 0.99', () => {
  const notes = new Adam([param([1])], { variant: "notes" });
  assert.deepEqual(notes.defaults.betas, [0.9, 0.99]);
  assert.deepEqual(new Adam([param([1])]).defaults.betas, [0.9, 0.999]);
  const a = squareRun((p) => new Adam(p, { lr: 0.1, variant: "notes" }), 10);
  const b = squareRun((p) => new Adam(p, { lr: 0.1, betas: [0.9, 0.99] }), 10);
  assert.deepEqual(a, b);
  // Explicit betas win over the variant's default.
  assert.deepEqual(new Adam([param([1])], { variant: "notes", betas: [0.5, 0.5] }).defaults.betas, [
    0.5,
    0.5,
  ]);
});

Deno.test("Adam: AMSGrad keeps max_exp_avg_sq non-decreasing and ≥ exp_avg_sq", () => {
  const w = param([1, -1, 2]);
  const opt = new Adam([w], { lr: 0.1, amsgrad: true, betas: [0.9, 0.5] });
  let prev = [0, 0, 0];
  for (let k = 0; k < 20; k++) {
    setGrad(w, [Math.sin(k), 5 * Math.cos(3 * k), k % 2 ? 4 : 0.1]);
    opt.step();
    const s = opt.state.get(w) as Record<string, NDArray | number>;
    const mx = (s.max_exp_avg_sq as NDArray).toArray() as number[];
    const v = (s.exp_avg_sq as NDArray).toArray() as number[];
    mx.forEach((m, i) => {
      assert.ok(m >= prev[i] && m >= v[i], `step ${k}: max ${m}, prev ${prev[i]}, v ${v[i]}`);
    });
    prev = mx;
    assert.equal(s.step, k + 1);
  }
});

Deno.test("Adam: maximize ascends (the mirror image of descending −f)", () => {
  const a = param([0.5]), b = param([0.5]);
  const up = new Adam([a], { lr: 0.1, maximize: true }), down = new Adam([b], { lr: 0.1 });
  for (let k = 0; k < 5; k++) {
    setGrad(a, [-2 * a.item()]); // f = −θ², maximised
    setGrad(b, [2 * b.item()]); // f = θ², minimised
    up.step();
    down.step();
  }
  assert.equal(a.item(), b.item());
  // Adagrad's first step has the same −η g/(|g| + δ) form.
  const w = param([0]);
  const ada = new Adagrad([w], { lr: 0.3, eps: 1e-7 });
  setGrad(w, [-4]);
  ada.step();
  assert.ok(Math.abs(w.item() - 0.3 * 4 / (4 + 1e-7)) < 1e-16);
});

Deno.test("Adam: option errors name Adam, the option and the value", () => {
  const p = () => [param([1])];
  assert.throws(() => new Adam(p(), { lr: -1 }), {
    name: "RangeError",
    message: "Adam: lr must be a finite number >= 0, got -1",
  });
  assert.throws(() => new Adam(p(), { betas: [0.9, 1] }), {
    name: "RangeError",
    message: "Adam: betas[1] must be a number in [0, 1), got 1",
  });
  assert.throws(() => new Adam(p(), { betas: [-0.1, 0.9] }), {
    name: "RangeError",
    message: "Adam: betas[0] must be a number in [0, 1), got -0.1",
  });
  assert.throws(() => new Adam(p(), { betas: [0.9] as unknown as [number, number] }), {
    name: "TypeError",
    message: "Adam: betas must be a pair [beta1, beta2], got an array of length 1",
  });
  assert.throws(() => new Adam(p(), { eps: -1e-8 }), {
    name: "RangeError",
    message: /Adam: eps must be .* got -1e-8/,
  });
  assert.throws(() => new Adam(p(), { amsgrad: 1 as unknown as boolean }), {
    name: "TypeError",
    message: "Adam: amsgrad must be a boolean, got 1",
  });
  assert.throws(() => new Adam([{ params: p(), betas: [0.9, 1.5] }]), {
    name: "RangeError",
    message: "Adam: param group 0: betas[1] must be a number in [0, 1), got 1.5",
  });
});

Deno.test("Adam: a moment whose gradient stays zero decays to exactly 0 (PyTorch's stays subnormal)", () => {
  // PyTorch 2.x, float32, one step with gradient 1 then zeros: exp_avg turns subnormal at step 809
  // (1.07e-38) and later sticks at 4·2⁻¹⁴⁹ ≈ 5.6e-45 for good (0.9·m rounds back to m). Here it is
  // 1.1849383e-38 (normal) after step 808, as PyTorch's, and flushes to 0 at step 809.
  const w = new Tensor(NDArray.fromTyped(new Float32Array([0])), { requiresGrad: true });
  const opt = new Adam([w], { lr: 1e-3 });
  const zero = new Tensor(NDArray.fromTyped(new Float32Array([0])));
  const expAvg = () =>
    ((opt.state.get(w) as Record<string, NDArray>).exp_avg.toArray() as number[])[0];
  w.grad = new Tensor(NDArray.fromTyped(new Float32Array([1])));
  opt.step();
  for (let k = 2; k <= 808; k++) {
    w.grad = zero;
    opt.step();
  }
  assert.equal(expAvg(), Math.fround(1.1849383e-38));
  w.grad = zero;
  opt.step();
  assert.equal(expAvg(), 0);
});

Deno.test("Adam: moments flush below the smallest normal number, float32 and float64", () => {
  // β = 0.5 halves m and v exactly each step after the first (m = v = 2⁻ᵏ after step k): the last
  // normal power of two stays, the first subnormal one is 0.
  for (const [dtype, last] of [["float32", 126], ["float64", 1022]] as const) {
    const data = dtype === "float32" ? new Float32Array([3, -2]) : new Float64Array([3, -2]);
    const w = new Tensor(NDArray.fromTyped(data), { requiresGrad: true });
    const opt = new Adam([w], { lr: 1e-3, betas: [0.5, 0.5] });
    const make = (g: number[]) =>
      new Tensor(
        NDArray.fromTyped(dtype === "float32" ? Float32Array.from(g) : Float64Array.from(g)),
      );
    const moments = () => {
      const s = opt.state.get(w) as Record<string, NDArray>;
      return [...(s.exp_avg.toArray() as number[]), ...(s.exp_avg_sq.toArray() as number[])];
    };
    w.grad = make([1, -1]);
    opt.step();
    for (let k = 2; k <= last; k++) {
      w.grad = make([0, 0]);
      opt.step();
    }
    assert.deepEqual(moments(), [2 ** -last, -(2 ** -last), 2 ** -last, 2 ** -last], dtype);
    w.grad = make([0, 0]);
    opt.step();
    assert.deepEqual(moments().map((x) => x === 0), [true, true, true, true], dtype);
  }
});
