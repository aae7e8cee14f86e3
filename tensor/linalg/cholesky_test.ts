import assert from "node:assert/strict";
import { cholesky } from "./cholesky.ts";
import {
  arr,
  flat,
  fro,
  froDiff,
  loadFixture,
  mat,
  matmul,
  maxAbsDiff,
  mulberry32,
  randomMatrix,
  transpose,
  values,
} from "./_testing.ts";

const fx = loadFixture("linalg").cholesky;

Deno.test("cholesky: hand-checked factors", () => {
  assert.deepEqual(Array.from(values(cholesky(mat([[4, 2], [2, 5]])))), [2, 0, 1, 2]);
  const l = cholesky(mat([[4, 12, -16], [12, 37, -43], [-16, -43, 98]]));
  assert.deepEqual(Array.from(values(l)), [2, 0, 0, 6, 1, 0, -8, 5, 3]);
  const u = cholesky(mat([[4, 12, -16], [12, 37, -43], [-16, -43, 98]]), { upper: true });
  assert.deepEqual(Array.from(values(u)), [2, 6, -8, 0, 1, 5, 0, 0, 3]);
});

Deno.test("cholesky: matches NumPy", () => {
  assert.ok(maxAbsDiff(values(cholesky(arr(flat(fx.a), [4, 4]))), flat(fx.l)) < 1e-14);
});

Deno.test("cholesky: reads only the lower triangle", () => {
  const l = cholesky(mat([[4, 999], [2, 5]]));
  assert.deepEqual(Array.from(values(l)), [2, 0, 1, 2]);
});

Deno.test("cholesky: batched, and a strided view", () => {
  const a = arr([4, 2, 2, 5, 9, 3, 3, 5], [2, 2, 2]);
  assert.deepEqual(Array.from(values(cholesky(a))), [2, 0, 1, 2, 3, 0, 1, 2]);
  assert.deepEqual(Array.from(values(cholesky(a.flip(0)))), [3, 0, 1, 2, 2, 0, 1, 2]);
});

for (const dtype of ["float64", "float32"] as const) {
  const bound = dtype === "float64" ? 1e-15 : 1e-7;
  Deno.test(`cholesky: ${dtype} ‖L·Lᵀ − A‖/‖A‖ below ${bound} for a random 256x256 SPD matrix`, () => {
    const n = 256;
    const m = randomMatrix(mulberry32(31), n, n);
    const a0 = matmul(m, transpose(m, n, n), n, n, n);
    for (let i = 0; i < n; i++) a0[i * n + i] += 1;
    const a = arr(a0, [n, n], dtype);
    const l = cholesky(a);
    assert.equal(l.dtype, dtype);
    const lv = values(l);
    const err = froDiff(matmul(lv, transpose(lv, n, n), n, n, n), values(a)) / fro(values(a));
    assert.ok(err < bound, `${err}`);
  });
}

Deno.test("cholesky: not positive definite is a RangeError naming the batch index", () => {
  assert.throws(() => cholesky(mat([[1, 2], [2, 1]])), {
    name: "RangeError",
    message: "linalg.cholesky: a is not positive definite",
  });
  assert.throws(() => cholesky(arr([4, 2, 2, 5, 0, 0, 0, 1], [2, 2, 2])), {
    name: "RangeError",
    message: "linalg.cholesky: a is not positive definite (batch index [1] of batch shape [2])",
  });
  assert.throws(() => cholesky(arr([1, 2, 3, 4, 5, 6], [2, 3])), {
    name: "RangeError",
    message: "linalg.cholesky: a must be square, got [2, 3]",
  });
  assert.throws(() => cholesky(mat([[NaN, 0], [0, 1]])), {
    name: "RangeError",
    message: /contains NaN/,
  });
  assert.throws(() => cholesky(mat([[1]], "int32")), { name: "TypeError" });
});
