import assert from "node:assert/strict";
import { det, slogdet } from "./det.ts";
import { solve } from "./solve.ts";
import { svdvals } from "./svd.ts";
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

Deno.test("det: the notes' (1, 2), (3, 5.07) are a basis of ℝ² (det −0.93 ≠ 0) with unique coordinates", () => {
  // spec: 002-part-a/3a.L966
  const b = mat([[1, 3], [2, 5.07]]); // the vectors as columns
  assert.ok(Math.abs(det(b).item() + 0.93) < 1e-14);
  // (4, 7.07) = 1·(1, 2) + 1·(3, 5.07), and no other combination.
  assert.ok(maxAbsDiff(values(solve(b, arr([4, 7.07], [2]))), [1, 1]) < 1e-13);
});

Deno.test("det and svdvals: v and 2v are dependent, their span is a line, not a basis of ℝ²", () => {
  // spec: 002-part-a/3a.L939
  for (const v of [[1, 2], [3, -0.5], [0.1, 7]]) {
    const pair = mat([[v[0], 2 * v[0]], [v[1], 2 * v[1]]]);
    assert.ok(Math.abs(det(pair).item()) < 1e-14);
    // One non-zero singular value (rank 1): ‖(v, 2v)‖_F = √5‖v‖; the other is 0.
    const s = values(svdvals(pair));
    assert.ok(Math.abs(s[0] - Math.sqrt(5) * Math.hypot(v[0], v[1])) < 1e-13 && s[1] < 1e-14);
  }
});
