import assert from "node:assert/strict";
import fc from "fast-check";
import * as t from "./mod.ts";
import { array, assertClose, Rng } from "./mod.ts";
import { loadFixture } from "./_fixture.ts";

const fx = loadFixture("core");

/**
 * Random operands of an m×k by k×n product in the given layouts: each stored transposed (and viewed
 * back through `.T`) when its flag is set, so that the product reads it with a unit row stride.
 */
function operands(
  rng: Rng,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  dtype: "float32" | "float64" = "float32",
): [t.NDArray, t.NDArray] {
  const a = t.randn(ta ? [k, m] : [m, k], { rng, dtype });
  const b = t.randn(tb ? [n, k] : [k, n], { rng, dtype });
  return [ta ? a.T : a, tb ? b.T : b];
}

/** Textbook triple loop over nested arrays: the independent reference. */
function reference(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

Deno.test("matmul equals PyTorch with broadcast batch dimensions", () => {
  const a = array(fx.matmul_a, { dtype: "float64" }), b = array(fx.matmul_b, { dtype: "float64" });
  const c = t.matmul(a, b);
  assert.deepEqual(c.shape, [2, 3, 5, 4]);
  assertClose(c, fx.matmul as number[], { rtol: 1e-12, atol: 1e-13 });
});

Deno.test("blocked matmul on a large odd-sized product equals PyTorch", () => {
  const a = array(fx.matmul_big_a, { dtype: "float64" }),
    b = array(fx.matmul_big_b, { dtype: "float64" });
  assertClose(t.matmul(a, b), fx.matmul_big as number[], { rtol: 1e-12, atol: 1e-12 });
  // Transposed operands arrive as strided views; the product must not change.
  assertClose(t.matmul(a.T.contiguous().T, b.T.contiguous().T), fx.matmul_big as number[], {
    rtol: 1e-12,
    atol: 1e-12,
  });
  assertClose(t.matmul(b.T, a.T), t.matmul(a, b).T, { rtol: 1e-12, atol: 1e-12 });
});

Deno.test("matmul: 1-d operands, dot and outer", () => {
  const m = array([[1, 2], [3, 4]]);
  assert.deepEqual(t.matmul(m, array([1, 1])).toArray(), [3, 7]);
  assert.deepEqual(t.matmul(array([1, 1]), m).toArray(), [4, 6]);
  assert.equal(t.matmul(array([1, 2]), array([3, 4])).item(), 11);
  assert.equal(t.dot(array([1, 2, 3]), array([4, 5, 6])).item(), 32);
  assert.deepEqual(t.outer(array([1, 2]), array([1, 2, 3])).toArray(), [[1, 2, 3], [2, 4, 6]]);
  assert.deepEqual(
    t.matmul(array([[2]], { dtype: "int32" }), array([[3]], { dtype: "int32" })).dtype,
    "int32",
  );
  assert.deepEqual(t.matmul(t.zeros([2, 0]), t.zeros([0, 3])).toArray(), [[0, 0, 0], [0, 0, 0]]);
});

Deno.test("matmul rejects mismatched shapes", () => {
  assert.throws(
    () => t.matmul(t.zeros([2, 3]), t.zeros([4, 5])),
    /matmul: inner dimensions differ: \[2, 3\] @ \[4, 5\]/,
  );
  assert.throws(
    () => t.matmul(t.zeros([2, 2, 3]), t.zeros([3, 3, 1])),
    /matmul: shapes \[2\] and \[3\] cannot be broadcast/,
  );
  assert.throws(
    () => t.matmul(array(1), t.zeros([1])),
    /matmul: operands must have at least one dimension/,
  );
  assert.throws(
    () => t.dot(t.zeros([2]), t.zeros([3])),
    /dot: expected two 1-d arrays of equal length/,
  );
});

Deno.test("property: matmul equals the textbook triple loop on random shapes and layouts", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 40 }),
      fc.boolean(),
      fc.boolean(),
      fc.integer(),
      (m, k, n, ta, tb, seed) => {
        const [av, bv] = operands(new Rng(seed), m, k, n, ta, tb, "float64");
        const expected = reference(av.toArray() as number[][], bv.toArray() as number[][]);
        assertClose(t.matmul(av, bv), expected, { rtol: 1e-12, atol: 1e-12 });
      },
    ),
    { numRuns: 60 },
  );
});

/**
 * Checks a float32 product against float64 sums of the same float32 inputs, element by element,
 * within the classic bound for a length-K dot product: |ĉ − c| ≤ γ_K · Σ|a||b| with γ_K ≈ K·2⁻²⁴
 * (doubled for the rounding of the inputs' products).
 */
function assertFloat32Product(c: t.NDArray, a: number[][], b: number[][]): void {
  const got = c.toArray() as number[][];
  const K = b.length, gamma = 2 * K * 2 ** -24;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b[0].length; j++) {
      let sum = 0, mag = 0;
      for (let k = 0; k < K; k++) {
        sum += a[i][k] * b[k][j];
        mag += Math.abs(a[i][k] * b[k][j]);
      }
      const err = Math.abs(got[i][j] - sum);
      if (err > gamma * mag + 1e-30) {
        assert.fail(
          `C[${i}][${j}] = ${got[i][j]}, expected ${sum} (error ${err} > ${gamma * mag})`,
        );
      }
    }
  }
}

// Mid-size float32 products (2^20–2^29 multiply-adds) run on libnnc's own kernels on machines with
// AVX-512 (≥ 8 rows, ≥ 32 columns) or AVX2 (K ≤ 128, or ≤ 512 with ≥ 128 rows) beside OpenBLAS (native/README.md,
// "ownSgemm"): odd sizes reach every edge — partial row tiles, partial 8-, 16- and 32-column
// panels, k blocks that are not multiples of 16 — and the transposed layouts reach the in-place
// rows kernel and the transposing pack.
Deno.test("property: mid-size float32 matmul is within the dot-product error bound on every layout", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 8, max: 140 }),
      fc.integer({ min: 16, max: 420 }),
      fc.integer({ min: 32, max: 300 }),
      fc.boolean(),
      fc.boolean(),
      fc.integer(),
      (m, depth, n, ta, tb, seed) => {
        const k = Math.max(depth, Math.ceil(2 ** 20 / (m * n))); // at least 2^20 multiply-adds
        const [av, bv] = operands(new Rng(seed), m, k, n, ta, tb);
        assertFloat32Product(
          t.matmul(av, bv),
          av.toArray() as number[][],
          bv.toArray() as number[][],
        );
      },
    ),
    { numRuns: 12 },
  );
});

Deno.test("mid-size float32 matmul: 16 and 28 rows (tiles of 8 + 8 and 12 + 8 + 8) on every layout", () => {
  const rng = new Rng(7);
  for (const m of [16, 28]) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      const [av, bv] = operands(rng, m, 300, 270, ta, tb);
      assertFloat32Product(
        t.matmul(av, bv),
        av.toArray() as number[][],
        bv.toArray() as number[][],
      );
    }
  }
});

Deno.test("matmul: the reflection T(x, y) = (−x, y), applied to an image's pixel coordinates, mirrors it", () => {
  // spec: 002-part-a/3a.L1077
  const reflect = array([[-1, 0], [0, 1]], { dtype: "float64" });
  assert.deepEqual(t.matmul(reflect, array([[3], [2]], { dtype: "float64" })).toArray(), [[-3], [
    2,
  ]]);
  assert.deepEqual(t.matmul(reflect, reflect).toArray(), [[1, 0], [0, 1]]); // an involution
  const [h, w] = [3, 5];
  const image = t.arange(h * w).reshape(h, w);
  // Pixel (r, c) sits at x = c − (w − 1)/2, y = r; move every pixel to T(x, y).
  const coords = array([
    Array.from({ length: h * w }, (_, k) => (k % w) - (w - 1) / 2),
    Array.from({ length: h * w }, (_, k) => Math.floor(k / w)),
  ], { dtype: "float64" });
  const moved = t.matmul(reflect, coords).toArray() as number[][];
  const mirrored = Array.from({ length: h }, () => new Array<number>(w).fill(NaN));
  for (let k = 0; k < h * w; k++) {
    mirrored[moved[1][k]][moved[0][k] + (w - 1) / 2] = image.get(Math.floor(k / w), k % w);
  }
  assert.deepEqual(mirrored, image.flip([1]).toArray()); // the horizontal mirror image
});

Deno.test("property: matmul with a bias is bit for bit add(matmul(a, b), bias), on every layout and size", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 150 }),
      fc.integer({ min: 0, max: 800 }),
      fc.integer({ min: 1, max: 300 }),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom("float32" as const, "float64" as const),
      fc.integer(),
      (m, k, n, ta, tb, dtype, seed) => {
        const rng = new Rng(seed);
        const [a, b] = operands(rng, m, k, n, ta, tb, dtype);
        const bias = t.randn([n], { rng, dtype });
        const got = t.matmul(a, b, { bias }).data, want = t.add(t.matmul(a, b), bias).data;
        const i = got.findIndex((v, j) => !Object.is(v, want[j]));
        assert.equal(i, -1, `${m}x${k}x${n} [${i}]: ${got[i]} vs ${want[i]}`);
      },
    ),
    { numRuns: 40 },
  );
  // Shapes of libnnc's own GEMM (work from 2^20 multiply-adds): one block of K (W4's K = 64), four
  // (W8's K = 784: the bias joins the tile after the last), and splits over threads by rows or
  // columns; each with both layouts of b.
  const rng = new Rng(11);
  for (const [m, k, n] of [[512, 64, 1024], [128, 784, 400], [700, 300, 40], [40, 600, 700]]) {
    for (const tb of [false, true]) {
      const [a, b] = operands(rng, m, k, n, false, tb);
      const bias = t.randn([n], { rng });
      const got = t.matmul(a, b, { bias }).data, want = t.add(t.matmul(a, b), bias).data;
      const i = got.findIndex((v, j) => !Object.is(v, want[j]));
      assert.equal(i, -1, `${m}x${k}x${n}${tb ? " (b transposed)" : ""} [${i}]`);
    }
  }
});

Deno.test("matmul with a bias: batches share it, dtypes promote, int32 wraps, bad biases are named", () => {
  const a = t.arange(12).reshape(2, 2, 3), b = t.arange(6).reshape(3, 2);
  const bias = array([100, -100]);
  assert.deepEqual(
    t.matmul(a, b, { bias }).toArray(),
    t.add(t.matmul(a, b), bias).toArray(),
  );
  const wide = t.matmul(array([[1, 2]]), array([[3], [4]]), {
    bias: array([0.25], { dtype: "float64" }),
  });
  assert.equal(wide.dtype, "float64");
  assert.equal(wide.item(), 11.25);
  const ints = t.matmul(
    array([[2 ** 30, 0]], { dtype: "int32" }),
    array([[2], [0]], { dtype: "int32" }),
    { bias: array([2 ** 31 - 1], { dtype: "int32" }) },
  );
  assert.equal(ints.item(), (2 ** 31 + 2 ** 31 - 1) | 0); // int32 arithmetic, as add's
  assert.equal(
    t.matmul(t.zeros([2, 0]), t.zeros([0, 3]), { bias: array([1, 2, 3]) }).sum().item(),
    12,
  );
  assert.throws(() => t.matmul(a, b, { bias: array([1, 2, 3]) }), /matmul: bias must be \[2\]/);
  assert.throws(() => t.matmul(a, array([1, 1, 1]), { bias: array([1]) }), /with a matrix b/);
  assert.throws(() => t.matmul(a, b, { bias: [1, 2] as never }), /matmul: bias must be an NDArray/);
  assert.throws(() => t.matmul(a, b, 5 as never), /matmul: options must be an object/);
});
