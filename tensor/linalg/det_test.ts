import assert from "node:assert/strict";
import { det, slogdet } from "./det.ts";
import { arr, flat, loadFixture, mat, maxAbsDiff, values } from "./_testing.ts";

const fx = loadFixture("linalg").det;

Deno.test("det: hand-checked matrices", () => {
  assert.ok(Math.abs(det(mat([[1, 2], [3, 4]])).item() + 2) < 1e-14);
  assert.ok(Math.abs(det(mat([[1, 2, 3], [0, 1, 4], [5, 6, 0]])).item() - 1) < 1e-13);
  assert.ok(Math.abs(det(mat([[2, 0, 0], [1, 3, 0], [7, 8, 4]])).item() - 24) < 1e-13);
  assert.equal(det(mat([[0, 1, 0], [0, 0, 1], [1, 0, 0]])).item(), 1); // cyclic permutation: even
  assert.equal(det(mat([[0, 1], [1, 0]])).item(), -1);
  assert.equal(det(mat([[1, 2], [2, 4]])).item(), 0);
  assert.equal(det(arr([], [0, 0])).item(), 1);
});

Deno.test("det: a numerically singular matrix gives a tiny value, not an error", () => {
  const d = det(mat([[1, 2, 3], [4, 5, 6], [7, 8, 9]])).item();
  assert.ok(Math.abs(d) < 1e-14, `${d}`);
});

Deno.test("det and slogdet: match NumPy, single and batched", () => {
  const a = arr(flat(fx.a), [5, 5]);
  assert.ok(Math.abs(det(a).item() - (fx.det as number)) < 1e-13 * Math.abs(fx.det as number));
  const s = slogdet(a);
  assert.equal(s.sign.item(), fx.sign);
  assert.ok(Math.abs(s.logabsdet.item() - (fx.logabsdet as number)) < 1e-14);
  const b = det(arr(flat(fx.batch_a), [2, 3, 3]));
  assert.deepEqual(b.shape, [2]);
  assert.ok(maxAbsDiff(values(b), flat(fx.batch_det)) < 1e-14);
});

Deno.test("slogdet: signs, zero determinant, and no overflow where det overflows", () => {
  const s = slogdet(mat([[0, 2], [3, 0]]));
  assert.equal(s.sign.item(), -1);
  assert.ok(Math.abs(s.logabsdet.item() - Math.log(6)) < 1e-15);
  const z = slogdet(mat([[1, 2], [2, 4]]));
  assert.equal(z.sign.item(), 0);
  assert.equal(z.logabsdet.item(), -Infinity);
  const n = 400;
  const big = new Float64Array(n * n);
  for (let i = 0; i < n; i++) big[i * n + i] = 10;
  assert.equal(det(arr(big, [n, n])).item(), Infinity);
  const l = slogdet(arr(big, [n, n]));
  assert.equal(l.sign.item(), 1);
  assert.ok(Math.abs(l.logabsdet.item() / (n * Math.log(10)) - 1) < 1e-14); // n rounded logs summed
});

Deno.test("det: float32 input gives float32 output, factored in float64", () => {
  const d = det(mat([[1, 2, 3], [0, 1, 4], [5, 6, 0]], "float32"));
  assert.equal(d.dtype, "float32");
  assert.equal(d.item(), 1);
  assert.equal(slogdet(mat([[2, 0], [0, 3]], "float32")).logabsdet.dtype, "float32");
});

Deno.test("det: NaN propagates; bad input throws", () => {
  assert.ok(Number.isNaN(det(mat([[NaN, 1], [1, 1]])).item()));
  assert.throws(() => det(arr([1, 2, 3, 4, 5, 6], [3, 2])), {
    name: "RangeError",
    message: "linalg.det: a must be square, got [3, 2]",
  });
  assert.throws(() => slogdet(mat([[1]], "int32")), {
    name: "TypeError",
    message: /linalg\.slogdet: a must be a float32 or float64 array, got int32/,
  });
});
