import assert from "node:assert/strict";
import { inv } from "./inv.ts";
import {
  arr,
  flat,
  fro,
  loadFixture,
  logspace,
  mat,
  matmul,
  maxAbsDiff,
  mulberry32,
  randomMatrix,
  values,
  withSingularValues,
} from "./_testing.ts";

const fx = loadFixture("linalg").inv;

Deno.test("inv: a unimodular 3x3 has the integer inverse [[-24,18,5],[20,-15,-4],[-5,4,1]]", () => {
  const ai = inv(mat([[1, 2, 3], [0, 1, 4], [5, 6, 0]]));
  assert.ok(maxAbsDiff(values(ai), [-24, 18, 5, 20, -15, -4, -5, 4, 1]) < 1e-13);
});

Deno.test("inv: diagonal and permutation matrices", () => {
  assert.deepEqual(Array.from(values(inv(mat([[2, 0], [0, 4]])))), [0.5, 0, 0, 0.25]);
  assert.deepEqual(Array.from(values(inv(mat([[0, 1], [1, 0]])))), [0, 1, 1, 0]);
});

Deno.test("inv: matches NumPy on a 4x4 matrix and a batch of two 3x3", () => {
  assert.ok(maxAbsDiff(values(inv(arr(flat(fx.a), [4, 4]))), flat(fx.inv)) < 1e-13);
  const b = inv(arr(flat(fx.batch_a), [2, 3, 3]));
  assert.deepEqual(b.shape, [2, 3, 3]);
  assert.ok(maxAbsDiff(values(b), flat(fx.batch_inv)) < 1e-13);
});

for (const dtype of ["float64", "float32"] as const) {
  // ‖A·inv(A) − I‖_F / (‖A‖_F·‖inv(A)‖_F): the rounding of inv(A) to the dtype dominates in float32.
  const bound = dtype === "float64" ? 1e-15 : 2e-7;
  Deno.test(`inv: ${dtype} ‖A·A⁻¹ − I‖ / (‖A‖·‖A⁻¹‖) below ${bound}, random 256x256 and cond 1e6 128x128`, () => {
    const rand = mulberry32(dtype === "float64" ? 21 : 22);
    for (
      const [n, a0] of [
        [256, randomMatrix(rand, 256, 256)],
        [128, withSingularValues(rand, 128, 128, logspace(128, 1e-6))],
      ] as const
    ) {
      const a = arr(a0, [n, n], dtype);
      const ai = inv(a);
      assert.equal(ai.dtype, dtype);
      const av = values(a);
      const aiv = values(ai);
      const p = matmul(av, aiv, n, n, n);
      for (let i = 0; i < n; i++) p[i * n + i] -= 1;
      const err = fro(p) / (fro(av) * fro(aiv));
      assert.ok(err < bound, `n = ${n}: ${err}`);
    }
  });
}

Deno.test("inv: strided input (a transposed view) gives the transpose of the inverse", () => {
  const a = arr(randomMatrix(mulberry32(3), 6, 6), [6, 6]);
  const direct = values(inv(a).transpose());
  assert.ok(maxAbsDiff(values(inv(a.transpose())), direct) < 1e-12);
});

Deno.test("inv: bad input and singular matrices", () => {
  assert.throws(() => inv(arr([1, 2, 3, 4, 5, 6], [2, 3])), {
    name: "RangeError",
    message: "linalg.inv: a must be square, got [2, 3]",
  });
  assert.throws(() => inv(mat([[1, 2], [3, 4]], "int32")), { name: "TypeError" });
  assert.throws(() => inv(mat([[1, 2], [2, 4]])), {
    name: "RangeError",
    message: "linalg.inv: a is singular",
  });
  assert.throws(() => inv(arr([1, 0, 0, 1, 0, 0, 0, 0], [2, 2, 2])), {
    name: "RangeError",
    message: "linalg.inv: a is singular (batch index [1] of batch shape [2])",
  });
  assert.throws(() => inv(mat([[Infinity, 0], [0, 1]])), {
    name: "RangeError",
    message: "linalg.inv: a [2, 2] contains Infinity; expected finite values",
  });
  assert.deepEqual(inv(arr([], [0, 0])).shape, [0, 0]);
});
