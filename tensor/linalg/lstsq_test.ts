import assert from "node:assert/strict";
import { lstsq } from "./lstsq.ts";
import { svd } from "./svd.ts";
import { solve } from "./solve.ts";
import {
  arr,
  flat,
  loadFixture,
  mat,
  matmul,
  maxAbsDiff,
  mulberry32,
  randomMatrix,
  transpose,
  values,
} from "./_testing.ts";

const fx = loadFixture("linalg");

Deno.test("lstsq: the notes' minimum-norm solutions", () => {
  const one = lstsq(mat([[1, 1]]), arr([2], [1]));
  assert.ok(maxAbsDiff(values(one.solution), [1, 1]) < 1e-15);
  const a = mat([[1, 2, 3], [4, 5, 6]]);
  const r = lstsq(a, arr([1, 2], [2]));
  const xln = [-1 / 18, 1 / 9, 5 / 18];
  assert.ok(maxAbsDiff(values(r.solution), xln) < 1e-15);
  assert.equal(r.rank.item(), 2);
  assert.ok(maxAbsDiff(values(r.singularValues), [9.5080320, 0.7728696]) < 1e-7);
  assert.deepEqual(r.residuals.shape, [0]); // under-determined: no residuals, as NumPy
  // GD from x0 = (1, 0, 0) ends at x_ln + V2·V2ᵀ·x0 = (1/9, −2/9, 4/9); null(A) = span(1, −2, 1).
  const v2 = values(svd(a, { fullMatrices: true }).vt.slice(2));
  assert.ok(maxAbsDiff(v2.map((v) => Math.abs(v)), [1, 2, 1].map((v) => v / Math.sqrt(6))) < 1e-15);
  const end = xln.map((x, i) => x + v2[i] * v2[0]);
  assert.ok(maxAbsDiff(end, [1 / 9, -2 / 9, 4 / 9]) < 1e-15);
});

Deno.test("lstsq: the notes' line fits: exact (a=2, b=1) and with residual 1/6 (a=0.5, b=1/6)", () => {
  const x = mat([[0, 1], [1, 1], [2, 1]]);
  const exact = lstsq(x, arr([1, 3, 5], [3]));
  assert.ok(maxAbsDiff(values(exact.solution), [2, 1]) < 1e-15);
  assert.ok(values(exact.residuals)[0] < 1e-29);
  const noisy = lstsq(x, arr([0, 1, 1], [3]));
  assert.ok(maxAbsDiff(values(noisy.solution), [0.5, 1 / 6]) < 1e-15);
  assert.deepEqual(noisy.residuals.shape, [1]);
  assert.ok(Math.abs(values(noisy.residuals)[0] - 1 / 6) < 1e-15);
});

Deno.test("lstsq: ridge as least squares on [X; √μ·I], [y; 0] equals (XᵀX + μI)⁻¹Xᵀy = (5/3, 1)", () => {
  const aug = mat([[0, 1], [1, 1], [2, 1], [1, 0], [0, 1]]);
  const r = lstsq(aug, arr([1, 3, 5, 0, 0], [5]));
  assert.ok(maxAbsDiff(values(r.solution), [5 / 3, 1]) < 1e-15);
  assert.ok(
    maxAbsDiff(values(r.solution), values(solve(mat([[6, 3], [3, 4]]), arr([13, 9], [2])))) < 1e-15,
  );
});

Deno.test("lstsq: matches NumPy: over-determined with 2 right-hand sides, and rank-deficient", () => {
  const f = fx.lstsq;
  const r = lstsq(arr(flat(f.a), [6, 3]), arr(flat(f.b), [6, 2]));
  assert.ok(maxAbsDiff(values(r.solution), flat(f.x)) < 1e-14);
  assert.ok(maxAbsDiff(values(r.residuals), flat(f.residuals)) < 1e-14);
  assert.equal(r.rank.item(), f.rank);
  assert.ok(maxAbsDiff(values(r.singularValues), flat(f.s)) < 1e-14);
  const d = lstsq(arr(flat(f.deficient_a), [5, 4]), arr(flat(f.deficient_b), [5]));
  assert.equal(d.rank.item(), 2);
  assert.ok(maxAbsDiff(values(d.solution), flat(f.deficient_x)) < 1e-13);
  assert.deepEqual(d.residuals.shape, [0]);
});

Deno.test("lstsq: degree-15 polynomial fit (cond 1.5e11) matches NumPy's fitted values", () => {
  const f = fx.vandermonde;
  const t = flat(f.t);
  const van = t.flatMap((ti) => Array.from({ length: 16 }, (_, j) => ti ** j));
  const r = lstsq(arr(van, [40, 16]), arr(flat(f.y), [40]));
  assert.equal(r.rank.item(), 16);
  // The coefficients are ill-determined; the fitted values are not (both sides differ by ~3e-9).
  const fitted = matmul(van, values(r.solution), 40, 16, 1);
  assert.ok(maxAbsDiff(fitted, flat(f.fitted)) < 1e-8);
  const res = values(r.residuals)[0];
  assert.ok(Math.abs(res / flat(f.residuals)[0] - 1) < 1e-5, `${res}`);
});

Deno.test("lstsq: rcond drops small singular values (rank and solution change)", () => {
  const a = mat([[1, 0], [0, 1e-8], [0, 0]]);
  const b = arr([1, 1, 0], [3]);
  assert.equal(lstsq(a, b).rank.item(), 2);
  const cut = lstsq(a, b, { rcond: 1e-6 });
  assert.equal(cut.rank.item(), 1);
  assert.deepEqual(Array.from(values(cut.solution)), [1, 0]);
  assert.deepEqual(cut.residuals.shape, [0]);
  // The float32 default rcond is 2^-23·max(m, n): 1e-8 is below it.
  assert.equal(
    lstsq(mat([[1, 0], [0, 1e-8], [0, 0]], "float32"), arr([1, 1, 0], [3], "float32")).rank.item(),
    1,
  );
});

Deno.test("lstsq: batched, with broadcasting of b, equals one-by-one", () => {
  const rand = mulberry32(71);
  const a = arr(randomMatrix(rand, 3 * 5 * 2, 1), [3, 5, 2]);
  const b = arr(randomMatrix(rand, 5, 1), [5]);
  const r = lstsq(a, b);
  assert.deepEqual(r.solution.shape, [3, 2]);
  assert.deepEqual(r.residuals.shape, [3, 1]);
  assert.deepEqual(r.rank.shape, [3]);
  assert.deepEqual(r.singularValues.shape, [3, 2]);
  for (let i = 0; i < 3; i++) {
    const one = lstsq(arr(values(a.slice(i)), [5, 2]), b);
    assert.ok(maxAbsDiff(values(r.solution.slice(i)), values(one.solution)) === 0);
  }
});

Deno.test("lstsq: float32 normal-equations optimality Aᵀ(Ax − b) ≈ 0 on a random 200x50", () => {
  const rand = mulberry32(72);
  const a0 = randomMatrix(rand, 200, 50);
  const b0 = randomMatrix(rand, 200, 1);
  const r = lstsq(arr(a0, [200, 50], "float32"), arr(b0, [200], "float32"));
  assert.equal(r.solution.dtype, "float32");
  const a = values(arr(a0, [200, 50], "float32"));
  const res = matmul(a, values(r.solution), 200, 50, 1).map((v, i) => v - Math.fround(b0[i]));
  const grad = matmul(transpose(a, 200, 50), res, 50, 200, 1);
  assert.ok(
    maxAbsDiff(grad, new Float64Array(50)) < 1e-4,
    `${maxAbsDiff(grad, new Float64Array(50))}`,
  );
});

Deno.test("lstsq: bad input", () => {
  assert.throws(() => lstsq(mat([[1, 2], [3, 4]]), arr([1, 2, 3], [3])), {
    name: "RangeError",
    message: "linalg.lstsq: b must have 2 rows to match a [2, 2], got b [3]",
  });
  assert.throws(() => lstsq(mat([[1, 2]], "int32"), arr([1], [1])), { name: "TypeError" });
  assert.throws(() => lstsq(mat([[1, 2]]), arr([1], [1]), { rcond: -1 }), {
    name: "RangeError",
    message: "linalg.lstsq: rcond must be a non-negative number, got -1",
  });
  assert.throws(() => lstsq(mat([[NaN, 2]]), arr([1], [1])), {
    name: "RangeError",
    message: /contains NaN/,
  });
});
