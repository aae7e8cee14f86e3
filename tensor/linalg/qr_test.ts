import assert from "node:assert/strict";
import { qr } from "./qr.ts";
import {
  arr,
  flat,
  fro,
  froDiff,
  loadFixture,
  logspace,
  mat,
  matmul,
  maxAbsDiff,
  mulberry32,
  orthogonalityError,
  randomMatrix,
  values,
  withSingularValues,
} from "./_testing.ts";

const fx = loadFixture("linalg").qr;

/** Checks ‖q·r − a‖/‖a‖ < tol, ‖qᵀq − I‖ < tol·√k, r upper triangular with a non-negative diagonal. */
function checkQr(
  a: Float64Array,
  m: number,
  n: number,
  q: Float64Array,
  r: Float64Array,
  k: number,
  tol: number,
) {
  const rec = froDiff(matmul(q, r, m, k, n), a) / Math.max(fro(a), 1e-300);
  assert.ok(rec < tol, `‖QR − A‖/‖A‖ = ${rec}`);
  const orth = orthogonalityError(q, m, k);
  assert.ok(orth < tol * Math.sqrt(k), `‖QᵀQ − I‖ = ${orth}`);
  const rows = r.length / n;
  for (let i = 0; i < rows; i++) {
    if (i < n) assert.ok(r[i * n + i] >= 0, `r[${i}, ${i}] = ${r[i * n + i]}`);
    for (let j = 0; j < Math.min(i, n); j++) assert.equal(r[i * n + j], 0);
  }
}

Deno.test("qr: hand-checked 2x2: q = [[0.6, -0.8], [0.8, 0.6]], r = [[5, 2.2], [0, 0.4]]", () => {
  const { q, r } = qr(mat([[3, 1], [4, 2]]));
  assert.ok(maxAbsDiff(values(q), [0.6, -0.8, 0.8, 0.6]) < 1e-15);
  assert.ok(maxAbsDiff(values(r), [5, 2.2, 0, 0.4]) < 1e-15);
});

Deno.test("qr: |R| matches NumPy on a 5x3 matrix", () => {
  const a = arr(flat(fx.a), [5, 3]);
  const { q, r } = qr(a);
  assert.deepEqual(q.shape, [5, 3]);
  assert.deepEqual(r.shape, [3, 3]);
  assert.ok(maxAbsDiff(values(r).map(Math.abs), flat(fx.abs_r)) < 1e-14);
  checkQr(values(a), 5, 3, values(q), values(r), 3, 1e-15);
});

Deno.test("qr: complete mode on tall input: square q, r [m, n], same leading columns as reduced", () => {
  const a = arr(flat(fx.a), [5, 3]);
  const full = qr(a, { mode: "complete" });
  assert.deepEqual(full.q.shape, [5, 5]);
  assert.deepEqual(full.r.shape, [5, 3]);
  checkQr(values(a), 5, 3, values(full.q), values(full.r), 5, 1e-15);
  const red = qr(a);
  assert.ok(maxAbsDiff(values(full.q.slice(null, { stop: 3 })), values(red.q)) < 1e-15);
  assert.ok(maxAbsDiff(values(full.r.slice({ stop: 3 })), values(red.r)) < 1e-15);
});

Deno.test("qr: wide input gives square q and trapezoidal r", () => {
  const a0 = randomMatrix(mulberry32(41), 3, 6);
  const { q, r } = qr(arr(a0, [3, 6]), { mode: "complete" });
  assert.deepEqual(q.shape, [3, 3]);
  assert.deepEqual(r.shape, [3, 6]);
  checkQr(a0, 3, 6, values(q), values(r), 3, 1e-15);
});

Deno.test("qr: batched over leading dims and strided input", () => {
  const rand = mulberry32(42);
  const a0 = randomMatrix(rand, 2 * 3 * 4 * 3, 1);
  const a = arr(a0, [2, 3, 4, 3]);
  const { q, r } = qr(a);
  assert.deepEqual(q.shape, [2, 3, 4, 3]);
  assert.deepEqual(r.shape, [2, 3, 3, 3]);
  const one = qr(a.slice(1, 2));
  assert.ok(maxAbsDiff(values(q.slice(1, 2)), values(one.q)) === 0);
  assert.ok(maxAbsDiff(values(r.slice(1, 2)), values(one.r)) === 0);
  const t = qr(a.transpose(-1, -2)); // [2, 3, 3, 4]
  const tOne = qr(arr(values(a.slice(0, 1).transpose()), [3, 4]));
  assert.ok(maxAbsDiff(values(t.r.slice(0, 1)), values(tOne.r)) === 0);
});

Deno.test("qr: rank-deficient and zero matrices still factor exactly", () => {
  const a0 = [1, 2, 2, 4, 3, 6];
  const { q, r } = qr(arr(a0, [3, 2]));
  checkQr(Float64Array.from(a0), 3, 2, values(q), values(r), 2, 1e-15);
  const z = qr(arr(new Float64Array(6), [3, 2]));
  assert.deepEqual(Array.from(values(z.r)), [0, 0, 0, 0]);
  assert.ok(orthogonalityError(values(z.q), 3, 2) === 0);
});

for (const dtype of ["float64", "float32"] as const) {
  const tol = dtype === "float64" ? 4e-15 : 4e-7;
  Deno.test(`qr: ${dtype} ‖QR − A‖/‖A‖ < ${tol}, ‖QᵀQ − I‖ < ${tol}·√k: 256², 300x100, cond 1e8`, () => {
    const rand = mulberry32(dtype === "float64" ? 43 : 44);
    for (
      const [m, n, a0] of [
        [256, 256, randomMatrix(rand, 256, 256)],
        [300, 100, randomMatrix(rand, 300, 100)],
        [120, 80, withSingularValues(rand, 120, 80, logspace(80, 1e-8))],
      ] as const
    ) {
      const a = arr(a0, [m, n], dtype);
      const { q, r } = qr(a);
      assert.equal(q.dtype, dtype);
      checkQr(values(a), m, n, values(q), values(r), Math.min(m, n), tol);
    }
  });
}

Deno.test("qr: bad input", () => {
  assert.throws(() => qr(arr([1, 2], [2])), {
    name: "RangeError",
    message: "linalg.qr: a must have at least 2 dimensions [..., m, n], got [2]",
  });
  assert.throws(() => qr(mat([[1]]), { mode: "r" as "reduced" }), {
    name: "TypeError",
    message: 'linalg.qr: mode must be "reduced" or "complete", got "r"',
  });
  assert.throws(() => qr(mat([[1]], "int32")), { name: "TypeError" });
});
