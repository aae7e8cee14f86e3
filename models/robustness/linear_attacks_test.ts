import assert from "node:assert/strict";
import fc from "fast-check";
import { array } from "@nnc/tensor";
import { linearMaxLinfAttack, linearMinL2Attack, linearMinLinfAttack } from "./mod.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);
const g = (x: number[]) => 3 * x[0] - 4 * x[1] + 1;

Deno.test("closed-form attacks on w = (3, −4), w0 = 1, x0 = (2, 1)", () => {
  // spec: 000-003/3.8
  const l2 = linearMinL2Attack([3, -4], 1, [2, 1]).toArray() as number[];
  close(l2[0], 1.64);
  close(l2[1], 1.48);
  close(Math.hypot(l2[0] - 2, l2[1] - 1), 0.6);
  close(g(l2), 0);
  const li = linearMinLinfAttack([3, -4], 1, [2, 1]).toArray() as number[];
  close(li[0], 11 / 7);
  close(li[1], 10 / 7);
  close(Math.max(Math.abs(li[0] - 2), Math.abs(li[1] - 1)), 3 / 7);
  close(g(li), 0);
  const mx = linearMaxLinfAttack([3, -4], 1, [2, 1], 0.5).toArray() as number[];
  assert.deepEqual(mx, [1.5, 1.5]);
  close(g(mx), -0.5); // the label flips
});

Deno.test("linear attacks on a batch; overshoot crosses the boundary; a negative point moves up", () => {
  const x0 = array([[2, 1], [0, 1]], { dtype: "float64" }); // g = 3 and −3
  const l2 = linearMinL2Attack([3, -4], 1, x0, { overshoot: 0.02 }).toArray() as number[][];
  assert.ok(g(l2[0]) < 0 && g(l2[1]) > 0);
  close(g(l2[0]), -0.06);
  const mx = linearMaxLinfAttack([3, -4], 1, x0, 0.5).toArray() as number[][];
  assert.deepEqual(mx[1], [0.5, 0.5]); // g: −3 → 0.5
});

Deno.test("property: the minimal attacks land on the boundary at distance |g|/‖w‖ (dual norms)", () => {
  const v = fc.double({ min: -5, max: 5, noNaN: true });
  fc.assert(
    fc.property(v, v, v, v, v, (w1, w2, b, x1, x2) => {
      fc.pre(Math.abs(w1) + Math.abs(w2) > 0.1);
      const gg = w1 * x1 + w2 * x2 + b;
      const a = linearMinL2Attack([w1, w2], b, [x1, x2]).toArray() as number[];
      const c = linearMinLinfAttack([w1, w2], b, [x1, x2]).toArray() as number[];
      const at = (p: number[]) => w1 * p[0] + w2 * p[1] + b;
      const tol = 1e-9 * (1 + Math.abs(gg));
      return Math.abs(at(a)) <= tol && Math.abs(at(c)) <= tol &&
        Math.abs(Math.hypot(a[0] - x1, a[1] - x2) - Math.abs(gg) / Math.hypot(w1, w2)) <= tol &&
        Math.abs(
            Math.max(Math.abs(c[0] - x1), Math.abs(c[1] - x2)) -
              Math.abs(gg) / (Math.abs(w1) + Math.abs(w2)),
          ) <= tol;
    }),
  );
});

Deno.test("linear attacks: clear errors", () => {
  assert.throws(
    () => linearMinL2Attack([0, 0], 1, [2, 1]),
    /linearMinL2Attack: w must not be zero/,
  );
  assert.throws(
    () => linearMinL2Attack([3, -4], 1, [2, 1, 0]),
    /linearMinL2Attack: x0 must be \[2\] or \[N, 2\]/,
  );
  assert.throws(
    () => linearMinLinfAttack([3, -4], 1, [2, 1], { overshoot: -1 }),
    /overshoot must be a finite number >= 0/,
  );
  assert.throws(
    () => linearMaxLinfAttack([3, -4], 1, [2, 1], -0.5),
    /linearMaxLinfAttack: eta must be a finite number >= 0, got -0.5/,
  );
  assert.throws(
    () => linearMinL2Attack([3, -4], NaN, [2, 1]),
    /linearMinL2Attack: w0 must be a finite number/,
  );
});
