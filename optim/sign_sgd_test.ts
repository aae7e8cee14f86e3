import assert from "node:assert/strict";
import fc from "fast-check";
import { SignSGD } from "./mod.ts";
import { param, setGrad } from "./_scalar_testing.ts";

Deno.test("SignSGD: every coordinate moves by exactly η against the gradient's sign (0 stays)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 }),
      fc.double({ min: 1e-4, max: 1, noNaN: true }),
      (g, lr) => {
        const w = param(g.map(() => 0));
        new SignSGD([w], { lr }).step();
        setGrad(w, g);
        new SignSGD([w], { lr }).step();
        (w.toArray() as number[]).forEach((x, i) =>
          assert.equal(x, g[i] === 0 ? 0 : -lr * Math.sign(g[i]))
        );
      },
    ),
  );
});

Deno.test("SignSGD: Signum (momentum) and the HW5 quadratic", () => {
  const w = param([0]);
  const opt = new SignSGD([w], { lr: 0.1, momentum: 0.5 });
  for (const g of [1, -0.5, -2]) {
    setGrad(w, [g]);
    opt.step();
  }
  // m = 0.5, then 0, then −1: steps −0.1, 0, +0.1.
  assert.ok(Math.abs(w.item() - 0) < 1e-15);
  // On R(w) of HW5, fixed steps of 1e-3 reach the valley of w* = (1, 3), then zigzag along it.
  const v = param([0, 0]);
  const sgn = new SignSGD([v], { lr: 1e-3 });
  for (let k = 0; k < 5000; k++) {
    const [a, b] = [v.get(0), v.get(1)];
    setGrad(v, [26 * a - 10 * b + 4, -10 * a + 4 * b - 2]);
    sgn.step();
  }
  const [a, b] = [v.get(0), v.get(1)];
  const R = 13 * a * a - 10 * a * b + 4 * a + 2 * b * b - 2 * b + 1;
  assert.ok(Math.hypot(a - 1, b - 3) < 0.1 && R < 1e-3, `w = ${v.toArray()}, R = ${R}`);
});

Deno.test("SignSGD: option errors", () => {
  assert.throws(() => new SignSGD([param([1])], {} as { lr: number }), {
    name: "TypeError",
    message: /SignSGD: options\.lr is required/,
  });
  assert.throws(() => new SignSGD([param([1])], { lr: 0.1, momentum: 1 }), {
    name: "RangeError",
    message: "SignSGD: momentum must be a number in [0, 1), got 1",
  });
});
