import assert from "node:assert/strict";
import fc from "fast-check";
import { solve } from "./solve.ts";
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
  randomMatrix,
  values,
  withSingularValues,
} from "./_testing.ts";

const fx = loadFixture("linalg").solve;

Deno.test("solve: hand-checked 2x2 system", () => {
  const x = solve(mat([[3, 1], [1, 2]]), arr([9, 8], [2]));
  assert.deepEqual(x.shape, [2]);
  assert.ok(maxAbsDiff(values(x), [2, 3]) < 1e-15);
});

Deno.test("solve: the notes' quadratic optimum, Hessian [[26,-10],[-10,4]] w = (-4, 2) gives w* = (1, 3)", () => {
  const w = solve(mat([[26, -10], [-10, 4]]), arr([-4, 2], [2]));
  assert.ok(maxAbsDiff(values(w), [1, 3]) < 1e-14);
});

Deno.test("solve: normal equations of the notes' linear regressions", () => {
  // Columns (t, 1): XᵀX θ = Xᵀy. Points (0,1),(1,3),(2,5) → a=2, b=1; (0,0),(1,1),(2,1) → 0.5, 1/6.
  const xtx = mat([[5, 3], [3, 3]]);
  assert.ok(maxAbsDiff(values(solve(xtx, arr([13, 9], [2]))), [2, 1]) < 1e-14);
  assert.ok(maxAbsDiff(values(solve(xtx, arr([3, 2], [2]))), [0.5, 1 / 6]) < 1e-15);
});

Deno.test("solve: ridge (XᵀX + μI)θ = Xᵀy with μ = 1 gives (5/3, 1)", () => {
  const theta = solve(mat([[6, 3], [3, 4]]), arr([13, 9], [2]));
  assert.ok(maxAbsDiff(values(theta), [5 / 3, 1]) < 1e-15);
});

Deno.test("solve: matches NumPy on a 4x4 system and a batch of 3x3 systems with 2 right-hand sides", () => {
  const x = solve(arr(flat(fx.a), [4, 4]), arr(flat(fx.b), [4]));
  assert.ok(maxAbsDiff(values(x), flat(fx.x)) < 1e-13);
  const xb = solve(arr(flat(fx.batch_a), [2, 3, 3]), arr(flat(fx.batch_b), [2, 3, 2]));
  assert.deepEqual(xb.shape, [2, 3, 2]);
  assert.ok(maxAbsDiff(values(xb), flat(fx.batch_x)) < 1e-13);
});

Deno.test("solve: b is a batch of vectors when its shape is a's without the last axis", () => {
  const a = arr(flat(fx.batch_a), [2, 3, 3]);
  const bFull = values(arr(flat(fx.batch_b), [2, 3, 2]));
  const b0 = [0, 1, 2].map((i) => bFull[i * 2]).concat([0, 1, 2].map((i) => bFull[6 + i * 2]));
  const x = solve(a, arr(b0, [2, 3]));
  assert.deepEqual(x.shape, [2, 3]);
  const want = values(arr(flat(fx.batch_x), [2, 3, 2]));
  assert.ok(maxAbsDiff(values(x), [0, 1, 2, 3, 4, 5].map((i) => want[i * 2])) < 1e-13);
});

Deno.test("solve: batch dimensions broadcast (one b for many a, one a for many b)", () => {
  const a = arr(flat(fx.batch_a), [2, 3, 3]);
  const b = arr([1, 2, 3], [3]);
  const x = solve(a, b);
  assert.deepEqual(x.shape, [2, 3]);
  const x1 = solve(a.slice(1), b);
  assert.ok(maxAbsDiff(values(x.slice(1)), values(x1)) === 0);
  const many = solve(a.slice(0), arr([1, 2, 3, 4, 5, 6], [2, 3, 1]));
  assert.deepEqual(many.shape, [2, 3, 1]);
  assert.ok(
    maxAbsDiff(values(many.slice(1)), values(solve(a.slice(0), arr([4, 5, 6], [3])))) === 0,
  );
});

Deno.test("solve: strided views give the same result as contiguous copies", () => {
  const rand = mulberry32(7);
  const a = randomMatrix(rand, 5, 5);
  const at = arr(a, [5, 5]).transpose();
  const b = arr(randomMatrix(rand, 5, 4), [5, 4]).slice(null, { step: 2 }); // [5, 2], strides [4, 2]
  const x = solve(at, b);
  const x2 = solve(arr(values(at), [5, 5]), arr(values(b), [5, 2]));
  assert.ok(maxAbsDiff(values(x), values(x2)) === 0);
});

Deno.test("solve: dtypes: float32 stays float32, float32 with float64 promotes to float64", () => {
  const a32 = mat([[3, 1], [1, 2]], "float32");
  assert.equal(solve(a32, arr([9, 8], [2], "float32")).dtype, "float32");
  const x = solve(a32, arr([9, 8], [2], "float64"));
  assert.equal(x.dtype, "float64");
  assert.ok(maxAbsDiff(values(x), [2, 3]) < 1e-15);
});

/** Normwise backward error ‖A·x − b‖ / (‖A‖·‖x‖ + ‖b‖), in float64 from the stored values. */
function backwardError(
  a: Float64Array,
  x: Float64Array,
  b: Float64Array,
  n: number,
  k: number,
): number {
  const r = matmul(a, x, n, n, k);
  return froDiff(r, b) / (fro(a) * fro(x) + fro(b));
}

for (const dtype of ["float64", "float32"] as const) {
  const bound = dtype === "float64" ? 1e-15 : 1e-7;
  Deno.test(`solve: ${dtype} backward error below ${bound} on random 256x256 and ill-conditioned 128x128`, () => {
    const rand = mulberry32(dtype === "float64" ? 11 : 12);
    for (
      const [n, a0] of [
        [256, randomMatrix(rand, 256, 256)],
        [128, withSingularValues(rand, 128, 128, logspace(128, 1e-6))],
      ] as const
    ) {
      const a = arr(a0, [n, n], dtype);
      const b = arr(randomMatrix(rand, n, 3), [n, 3], dtype);
      const x = solve(a, b);
      assert.equal(x.dtype, dtype);
      const err = backwardError(values(a), values(x), values(b), n, 3);
      assert.ok(err < bound, `backward error ${err} for n = ${n}`);
    }
  });
}

Deno.test("solve: float64 forward error within cond·ε on U·diag(1 .. 1e-6)·Vᵀ", () => {
  const rand = mulberry32(5);
  const n = 64;
  const a = withSingularValues(rand, n, n, logspace(n, 1e-6));
  const xTrue = randomMatrix(rand, n, 1);
  const b = matmul(a, xTrue, n, n, 1);
  const x = values(solve(arr(a, [n, n]), arr(b, [n])));
  const rel = froDiff(x, xTrue) / fro(xTrue);
  assert.ok(rel < 1e6 * 2 ** -52 * 10, `relative forward error ${rel}`);
});

Deno.test("solve: property: a·solve(a, b) = b for diagonally dominant a", () => {
  const entry = fc.double({ min: -1, max: 1, noNaN: true });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.array(entry, { minLength: 48, maxLength: 48 }),
      (n, r) => {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n * n; i++) a[i] = r[i];
        for (let i = 0; i < n; i++) a[i * n + i] += n + 1; // strictly diagonally dominant
        const b = r.slice(36, 36 + n);
        const x = values(solve(arr(a, [n, n]), arr(b, [n])));
        return maxAbsDiff(matmul(a, x, n, n, 1), b) < 1e-13;
      },
    ),
  );
});

Deno.test("solve: bad input", () => {
  assert.throws(
    () => solve(mat([[1, 2, 3], [4, 5, 6], [7, 8, 1]]).slice({ stop: 2 }), arr([1, 2], [2])),
    {
      name: "RangeError",
      message: "linalg.solve: a must be square, got [2, 3]",
    },
  );
  assert.throws(() => solve(arr([1, 2], [2]), arr([1, 2], [2])), {
    name: "RangeError",
    message: "linalg.solve: a must have at least 2 dimensions [..., m, n], got [2]",
  });
  assert.throws(() => solve(mat([[1, 0], [0, 1]]), arr([1, 2, 3], [3])), {
    name: "RangeError",
    message: "linalg.solve: b must have 2 rows to match a [2, 2], got b [3]",
  });
  assert.throws(() => solve(mat([[1, 0], [0, 1]], "int32"), arr([1, 2], [2])), {
    name: "TypeError",
    message: /linalg\.solve: a must be a float32 or float64 array, got int32/,
  });
  assert.throws(
    () => solve(arr([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), arr([1, 2, 3, 4, 5, 6], [3, 2, 1])),
    {
      name: "RangeError",
      message: /linalg\.solve: shapes \[2\] and \[3\] cannot be broadcast together/,
    },
  );
  assert.throws(() => solve(mat([[NaN, 0], [0, 1]]), arr([1, 2], [2])), {
    name: "RangeError",
    message: "linalg.solve: a [2, 2] contains NaN; expected finite values",
  });
});

Deno.test("solve: singular matrices are a RangeError naming the batch index", () => {
  assert.throws(() => solve(mat([[1, 2], [2, 4]]), arr([1, 2], [2])), {
    name: "RangeError",
    message: "linalg.solve: a is singular",
  });
  // Singular in exact arithmetic, a pivot of order ε after rounding: still flagged.
  assert.throws(() => solve(mat([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), arr([1, 2, 3], [3])), {
    message: "linalg.solve: a is singular",
  });
  const batch = arr([1, 0, 0, 1, 2, 0, 0, 1, 1, 1, 1, 1, 3, 0, 0, 3], [2, 2, 2, 2]);
  assert.throws(() => solve(batch, arr([1, 1], [2])), {
    name: "RangeError",
    message: "linalg.solve: a is singular (batch index [1, 0] of batch shape [2, 2])",
  });
});

Deno.test("solve: empty systems", () => {
  assert.deepEqual(solve(arr([], [0, 0]), arr([], [0])).shape, [0]);
  assert.deepEqual(solve(arr([], [0, 2, 2]), arr([], [0, 2, 3])).shape, [0, 2, 3]);
});
