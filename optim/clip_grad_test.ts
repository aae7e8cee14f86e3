import assert from "node:assert/strict";
import fc from "fast-check";
import { NDArray } from "@nnc/tensor";
import { Tensor, tensor } from "@nnc/autograd";
import { clipGradNorm, clipGradValue } from "./mod.ts";
import { param, setGrad } from "./_scalar_testing.ts";

function grads(...gs: number[][]): Tensor[] {
  return gs.map((g) => {
    const p = param(g.map(() => 0));
    setGrad(p, g);
    return p;
  });
}

const values = (ps: Tensor[]) => ps.map((p) => p.grad?.toArray());

Deno.test("clipGradNorm: total norms (2, 1, ∞, 3) over all gradients, scaling by maxNorm/(total + 1e-6)", () => {
  const cases: [number, number][] = [[2, 13], [1, 19], [Infinity, 12], [
    3,
    Math.cbrt(27 + 64 + 1728),
  ]];
  for (const [p, total] of cases) {
    const ps = grads([3, 4], [12]);
    const got = clipGradNorm(ps, 1, p);
    assert.ok(Math.abs(got - total) < 1e-12, `p=${p}: ${got}`);
    const c = 1 / (total + 1e-6);
    assert.deepEqual(values(ps), [[3 * c, 4 * c], [12 * c]]);
  }
  const small = grads([0.3, 0.4]);
  assert.equal(clipGradNorm(small, 1), 0.5);
  assert.deepEqual(values(small), [[0.3, 0.4]], "below maxNorm: unchanged");
  const none = param([1]);
  assert.equal(clipGradNorm([none], 1), 0, "no gradients: norm 0");
});

Deno.test("clipGradNorm: the clipped gradients have norm ≤ maxNorm and keep their direction", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 5 }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.double({ min: 1e-3, max: 100, noNaN: true }),
      (gs, maxNorm) => {
        const ps = grads(...gs);
        const before = gs.flat();
        const total = clipGradNorm(ps, maxNorm);
        const after = ps.flatMap((p) => p.grad?.toArray() as number[]);
        assert.ok(Math.abs(total - Math.hypot(...before)) <= 1e-12 * Math.max(1, total));
        assert.ok(Math.hypot(...after) <= maxNorm * (1 + 1e-12) || total <= maxNorm);
        const k = Math.min(1, maxNorm / (total + 1e-6));
        after.forEach((a, i) =>
          assert.ok(Math.abs(a - before[i] * k) <= 1e-12 * Math.abs(before[i]))
        );
      },
    ),
  );
});

Deno.test("clipGradNorm: non-finite norms; gradients from backward; views are replaced, not written through", () => {
  const bad = grads([Infinity, 1]);
  assert.throws(() => clipGradNorm(bad, 1, 2, { errorIfNonfinite: true }), {
    name: "RangeError",
    message:
      "clipGradNorm: the total 2-norm of the gradients of 1 parameters is Infinity; pass errorIfNonfinite: false to clip anyway",
  });
  assert.equal(clipGradNorm(bad, 1), Infinity);
  assert.deepEqual(values(bad), [[NaN, 0]], "as PyTorch: ∞·0 = NaN");
  const w = tensor([3, 4], { dtype: "float64", requiresGrad: true });
  w.mul(w).sum().backward(); // grad 2w = [6, 8]
  assert.equal(clipGradNorm(w, 5), 10);
  assert.ok(Math.abs((w.grad?.get(0) ?? 0) - 3) < 1e-6);
  const shared = NDArray.fromTyped(new Float64Array([3, 4]));
  const p = param([0, 0, 0]);
  p.grad = new Tensor(shared.reshape([2, 1]).expand([2, 3]).slice(0));
  clipGradNorm(p, 1);
  assert.deepEqual(shared.toArray(), [3, 4], "a broadcast gradient's source is untouched");
  assert.throws(() => clipGradNorm(p, -1), {
    name: "RangeError",
    message: "clipGradNorm: maxNorm must be a finite number >= 0, got -1",
  });
  assert.throws(() => clipGradNorm(p, 1, 0), {
    name: "RangeError",
    message: "clipGradNorm: normType must be a number > 0 or Infinity, got 0",
  });
  assert.throws(() => clipGradNorm([p, 5 as never], 1), {
    name: "TypeError",
    message: "clipGradNorm: params[1] must be a Tensor, got 5",
  });
});

Deno.test("clipGradValue: clamps each element to [−c, c]", () => {
  const ps = grads([-3, 0.5, 2], [10, -0.25]);
  clipGradValue(ps, 1);
  assert.deepEqual(values(ps), [[-1, 0.5, 1], [1, -0.25]]);
  clipGradValue(ps, 0);
  assert.deepEqual(values(ps), [[-0, 0, 0], [0, -0]]);
  assert.throws(() => clipGradValue(ps, -1), {
    name: "RangeError",
    message: "clipGradValue: clipValue must be a finite number >= 0, got -1",
  });
  assert.throws(() => clipGradValue("w" as never, 1), {
    name: "TypeError",
    message: 'clipGradValue: params must be a Tensor or an iterable of Tensors, got "w"',
  });
});
