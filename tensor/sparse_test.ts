import assert from "node:assert/strict";
import fc from "fast-check";
import { CsrMatrix, sddmm, spmm } from "./sparse.ts";
import { NDArray } from "./ndarray.ts";
import { array, zeros } from "./creation.ts";
import { matmul } from "./matmul.ts";
import { assertClose } from "./testing.ts";

/** A random COO matrix: rows, cols, entry coordinates (repeats allowed) and float64 values. */
const cooArb = fc.record({
  rows: fc.integer({ min: 0, max: 6 }),
  cols: fc.integer({ min: 1, max: 6 }),
  heads: fc.integer({ min: 1, max: 3 }),
  width: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  nnz: fc.integer({ min: 0, max: 20 }),
}).map(({ rows, cols, heads, width, seed, nnz }) => {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const n = rows === 0 ? 0 : nnz;
  const row = Array.from({ length: n }, () => Math.floor(next() * rows));
  const col = Array.from({ length: n }, () => Math.floor(next() * cols));
  const values = Array.from({ length: n * heads }, () => next() * 4 - 2);
  const x = Array.from({ length: cols * heads * width }, () => next() * 4 - 2);
  const left = Array.from({ length: rows * heads * width }, () => next() * 4 - 2);
  return { rows, cols, heads, width, row, col, values, x, left };
});

/** Dense `[rows, cols, heads]` from the COO list, repeats added. */
function denseOf(
  c: { rows: number; cols: number; heads: number; row: number[]; col: number[]; values: number[] },
): Float64Array {
  const d = new Float64Array(c.rows * c.cols * c.heads);
  c.row.forEach((r, e) => {
    for (let h = 0; h < c.heads; h++) {
      d[(r * c.cols + c.col[e]) * c.heads + h] += c.values[e * c.heads + h];
    }
  });
  return d;
}

Deno.test("CsrMatrix.fromCoo: the dense matrix adds repeated entries; rows keep COO order", () => {
  const a = CsrMatrix.fromCoo([1, 0, 1, 1], [2, 0, 0, 2], [2, 3], { values: array([1, 2, 3, 4]) });
  assert.deepEqual(a.rowPtr.toArray(), [0, 1, 4]);
  assert.deepEqual(a.colIndex.toArray(), [0, 2, 0, 2]);
  assert.deepEqual(a.values?.toArray(), [2, 1, 3, 4]);
  assert.deepEqual(a.toDense().toArray(), [[2, 0, 0], [3, 0, 5]]);
  assert.equal(a.nnz, 4);
  assert.equal(String(a), "CsrMatrix(2×3, nnz=4, float32)");
});

Deno.test("spmm equals the dense product, for every head, on random matrices", () => {
  fc.assert(
    fc.property(cooArb, (c) => {
      const multi = c.heads > 1;
      const values = NDArray.fromTyped(
        Float64Array.from(c.values),
        multi ? [c.row.length, c.heads] : [c.row.length],
      );
      const a = CsrMatrix.fromCoo(c.row, c.col, [c.rows, c.cols], { values });
      const x = NDArray.fromTyped(Float64Array.from(c.x), [c.cols, c.heads, c.width]);
      const got = spmm(a, multi ? x : x.reshape([c.cols, c.heads * c.width]));
      const dense = denseOf(c);
      const want = new Float64Array(c.rows * c.heads * c.width);
      for (let i = 0; i < c.rows; i++) {
        for (let j = 0; j < c.cols; j++) {
          for (let h = 0; h < c.heads; h++) {
            for (let t = 0; t < c.width; t++) {
              // One head of values weighs its own slice; a single head weighs all features.
              const w = multi ? dense[(i * c.cols + j) * c.heads + h] : dense[i * c.cols + j];
              want[(i * c.heads + h) * c.width + t] += w * c.x[(j * c.heads + h) * c.width + t];
            }
          }
        }
      }
      assertClose(got.reshape([c.rows * c.heads * c.width]), NDArray.fromTyped(want), {
        atol: 1e-12,
      });
    }),
    { numRuns: 150 },
  );
});

Deno.test("sddmm equals the dense product left·rightᵀ read at the stored entries", () => {
  fc.assert(
    fc.property(cooArb, (c) => {
      const a = CsrMatrix.fromCoo(c.row, c.col, [c.rows, c.cols]);
      const left = NDArray.fromTyped(Float64Array.from(c.left), [c.rows, c.heads, c.width]);
      const right = NDArray.fromTyped(Float64Array.from(c.x), [c.cols, c.heads, c.width]);
      const got = sddmm(a, left, right);
      assert.deepEqual(got.shape, [a.nnz, c.heads]);
      const rowOf = a.rowIndex().data, colOf = a.colIndex.data;
      for (let k = 0; k < a.nnz; k++) {
        for (let h = 0; h < c.heads; h++) {
          let want = 0;
          for (let t = 0; t < c.width; t++) {
            want += c.left[(rowOf[k] * c.heads + h) * c.width + t] *
              c.x[(colOf[k] * c.heads + h) * c.width + t];
          }
          assert.ok(Math.abs(got.data[k * c.heads + h] - want) < 1e-12);
        }
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("transpose equals the dense transpose; transposing twice gives the pattern back", () => {
  fc.assert(
    fc.property(cooArb, (c) => {
      const values = NDArray.fromTyped(Float64Array.from(c.values.slice(0, c.row.length)));
      const a = CsrMatrix.fromCoo(c.row, c.col, [c.rows, c.cols], { values });
      const t = a.transpose();
      assert.deepEqual(t.shape, [c.cols, c.rows]);
      assertClose(t.toDense(), a.toDense().T.contiguous(), { atol: 0 });
      const tt = t.transpose();
      assert.deepEqual(tt.rowPtr.toArray(), a.rowPtr.toArray());
      assert.deepEqual(tt.colIndex.toArray(), a.colIndex.toArray());
      assert.deepEqual(tt.values?.toArray(), a.values?.toArray());
      // The order maps each entry of the transpose to the same entry of a.
      const order = a.transposeOrder().data, rows = a.rowIndex().data;
      const tRows = t.rowIndex().data;
      for (let k = 0; k < a.nnz; k++) {
        assert.equal(t.colIndex.data[k], rows[order[k]]);
        assert.equal(tRows[k], a.colIndex.data[order[k]]);
      }
    }),
    { numRuns: 100 },
  );
});

Deno.test("spmm: a pattern without values sums the neighbours; float32 matches the dense product", () => {
  const a = CsrMatrix.fromCoo([0, 0, 2], [1, 2, 0], [3, 3]);
  const x = array([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(spmm(a, x).toArray(), [[8, 10], [0, 0], [1, 2]]);
  assert.deepEqual(matmul(a.toDense(), x).toArray(), [[8, 10], [0, 0], [1, 2]]);
  assert.deepEqual(a.matmul(array([1, 10, 100])).toArray(), [110, 0, 1]);
  // A bias broadcast over the rows is the starting value of every sum.
  assert.deepEqual(spmm(a, x, array([0.5, -1])).toArray(), [[8.5, 9], [0.5, -1], [1.5, 1]]);
  assert.throws(
    () => spmm(a, x, array([1, 2, 3])),
    /spmm: bias \[3\] does not broadcast to the result \[3, 2\]/,
  );
  assert.throws(
    () => spmm(a, x, array([1, 2], { dtype: "float64" })),
    /spmm: bias must be a float32 NDArray/,
  );
});

Deno.test("empty matrices: no rows, no columns, no entries", () => {
  const none = CsrMatrix.fromCoo([], [], [0, 3]);
  assert.deepEqual(spmm(none, zeros([3, 2])).shape, [0, 2]);
  const noEntries = CsrMatrix.fromCoo([], [], [2, 0]);
  assert.deepEqual(spmm(noEntries, zeros([0, 4])).toArray(), [[0, 0, 0, 0], [0, 0, 0, 0]]);
  assert.deepEqual(sddmm(noEntries, zeros([2, 3]), zeros([0, 3])).shape, [0]);
  assert.deepEqual(noEntries.transpose().shape, [0, 2]);
});

Deno.test("CsrMatrix checks its arrays and names the offending entry", () => {
  assert.throws(
    () => CsrMatrix.fromCoo([0, 3], [0, 0], [3, 1]),
    /fromCoo: row\[1\] = 3 is outside 0\.\.2/,
  );
  assert.throws(() => CsrMatrix.fromCoo([0, -1], [0, 0], [3, 1]), /row\[1\] = -1 is outside/);
  assert.throws(
    () => CsrMatrix.fromCoo([0, 1.5], [0, 0], [3, 1]),
    /row\[1\] = 1\.5 is not an integer/,
  );
  assert.throws(() => CsrMatrix.fromCoo([0], [0, 0], [3, 1]), /row has 1 entries but col has 2/);
  assert.throws(() => new CsrMatrix([2, 2], [0, 2, 1], [0, 1]), /rowPtr decreases at row 1/);
  assert.throws(() => new CsrMatrix([2, 2], [1, 1, 1], [0]), /rowPtr\[0\] must be 0/);
  assert.throws(
    () => new CsrMatrix([2, 2], [0, 1, 2], [0, 2]),
    /colIndex\[1\] = 2 is outside 0\.\.1/,
  );
  assert.throws(
    () => new CsrMatrix([2, 2], [0, 1], [0]),
    /rowPtr has 2 entries, expected rows \+ 1 = 3/,
  );
  assert.throws(
    () => new CsrMatrix([1, 1], [0, 1], [0], array([1, 2])),
    /values must be \[nnz\] or \[nnz, heads\] with nnz = 1, got \[2\]/,
  );
  assert.throws(
    () => new CsrMatrix([1, 1], [0, 1], [0], array([1], { dtype: "int32" })),
    TypeError,
  );
  const a = CsrMatrix.fromCoo([0], [1], [1, 2]);
  assert.throws(
    () => spmm(a, zeros([3, 2])),
    /spmm: x must have a\.cols = 2 rows, got shape \[3, 2\]/,
  );
  assert.throws(
    () => spmm(a, zeros([2], { dtype: "int32" })),
    /spmm: x must be float32 or float64/,
  );
  assert.throws(
    () => spmm(a.withValues(array([1], { dtype: "float64" })), zeros([2])),
    /values are float64 but x is float32/,
  );
  assert.throws(
    () => spmm(a.withValues(array([[1, 2]])), zeros([2, 3, 1])),
    /with 2 heads x must be \[2, 2, C\], got \[2, 3, 1\]/,
  );
  assert.throws(
    () => sddmm(a, zeros([1, 2]), zeros([2, 3])),
    /left \[1, 2\] and right \[2, 3\] differ/,
  );
});
