import assert from "node:assert/strict";
import { CsrMatrix, NDArray } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

// A 4×3 pattern with an empty row (2), a repeated entry (0, 1) and rows out of COO order.
const ROW = [3, 0, 1, 0, 3, 0, 1];
const COL = [2, 1, 0, 1, 0, 2, 2];
const a = CsrMatrix.fromCoo(ROW, COL, [4, 3]);
const aConst = a.withValues(R([7], 1).data);

Deno.test("spmm: gradcheck in x and in the values (one head and two heads, both modes)", () => {
  check((x) => ag.spmm(a, x), [R([3, 2], 2)]);
  check((x) => ag.spmm(aConst, x), [S([3, 2], 3)]);
  check((x, v) => ag.spmm(a, x, v), [R([3, 5], 4), R([7], 5)]);
  check((x, v) => ag.spmm(a, x, v), [R([3, 2, 3], 6), R([7, 2], 7)]);
  check((v) => ag.spmm(a, tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float64" }), v), [S([7], 8)]);
  // With a bias added in the same pass (broadcast over the rows).
  check((x, b) => ag.spmm(aConst, x, null, b), [R([3, 2], 25), R([2], 26)]);
  check((x, v, b) => ag.spmm(a, x, v, b), [R([3, 2, 2], 27), R([7, 2], 28), R([4, 2, 2], 29)]);
});

Deno.test("sddmm: gradcheck in both operands (one head and two heads, both modes)", () => {
  check((l, r) => ag.sddmm(a, l, r), [R([4, 3], 9), R([3, 3], 10)]);
  check((l, r) => ag.sddmm(a, l, r), [R([4, 2, 2], 11), S([3, 2, 2], 12)]);
});

Deno.test("gatherRows and every segment reduction: gradcheck (both modes), with an empty segment", () => {
  const index = [2, 0, 2, 2, 0];
  check((x) => ag.gatherRows(x, [1, 1, 0, 3]), [R([4, 2], 13)]);
  for (const reduce of ["sum", "mean", "max", "min"] as const) {
    check((x) => ag.segmentReduce(x, index, 4, reduce), [R([5, 3], 14)]);
    check((x) => ag.segmentReduce(x, tensor(index, { dtype: "int32" }), 3, reduce), [
      S([5, 2], 15),
    ]);
  }
  check((x) => ag.segmentSoftmax(x, index, 3), [R([5, 2], 16)]);
  check((x) => ag.segmentSoftmax(x, index, 4), [R([5], 17)]);
});

Deno.test("second derivatives: gradgradcheck of spmm, sddmm, segment ops", () => {
  check2((x, v) => ag.spmm(a, x, v).square(), [R([3, 2], 18), R([7], 19)]);
  check2((l, r) => ag.sddmm(a, l, r).square(), [R([4, 2], 20), R([3, 2], 21)]);
  check2((x, b) => ag.spmm(aConst, x, null, b).square(), [R([3, 2], 30), R([1, 2], 31)]);
  check2((x) => ag.segmentReduce(x.square(), [1, 0, 1], 2, "mean"), [R([3, 2], 22)]);
  check2((x) => ag.segmentReduce(x, [1, 0, 1], 2, "max").square(), [R([3, 2], 23)]);
  check2((x) => ag.segmentSoftmax(x, [1, 0, 1, 1], 2).square(), [R([4, 2], 24)]);
});

Deno.test("the gradients have the closed forms: Aᵀg for x, g_i·x_j for the edge values", () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]], { dtype: "float64", requiresGrad: true });
  const v = tensor([1, 2, 3, 4, 5, 6, 7], { dtype: "float64", requiresGrad: true });
  const g = new ag.Tensor(
    NDArray.fromTyped(Float64Array.from([1, -1, 2, 0, 0, 0, 3, 1]), [4, 2]),
  );
  const y = ag.spmm(a, x, v);
  y.backward(g);
  const dense = a.withValues(v.data).toDense("float64");
  const want = ag.matmul(new ag.Tensor(dense.T.contiguous()), g).toArray();
  assert.deepEqual(x.grad?.toArray(), want);
  const rows = a.rowIndex().data, cols = a.colIndex.data;
  const gv = [...Array(7).keys()].map((k) =>
    g.data.get(rows[k], 0) * x.data.get(cols[k], 0) +
    g.data.get(rows[k], 1) * x.data.get(cols[k], 1)
  );
  assert.deepEqual(v.grad?.toArray(), gv);
});

Deno.test("sparse ops name the op and the offending argument", () => {
  assert.throws(() => ag.spmm({} as CsrMatrix, R([3, 2], 1)), /spmm: a must be a CsrMatrix/);
  assert.throws(
    () => ag.spmm(a, R([3, 2], 1), R([6], 2)),
    /values must be \[nnz\] or \[nnz, heads\] with nnz = 7, got \[6\]/,
  );
  assert.throws(() => ag.spmm(a, R([2, 2], 1)), /spmm: x must have a\.cols = 3 rows/);
  assert.throws(
    () => ag.segmentReduce(R([3], 1), [0, 4, 0], 2),
    /segmentReduce: index\[1\] = 4 is outside 0\.\.1 \(2 segments\)/,
  );
  assert.throws(
    () => ag.segmentReduce(R([3], 1), [0, 1], 2),
    /segmentReduce: index has 2 entries but src has 3 rows/,
  );
  assert.throws(() => ag.segmentReduce(R([3], 1), [0, 1, 0], 2, "avg" as "mean"), /reduce must be/);
  assert.throws(
    () => ag.gatherRows(R([3], 1), [3]),
    /gatherRows: index\[0\] = 3 is outside 0\.\.2/,
  );
  assert.throws(
    () => ag.segmentSoftmax(tensor([1], { dtype: "int32" }), [0], 1),
    /src must be float32 or float64/,
  );
});

Deno.test("spmmLinear: A·(x·Wᵀ) + b equals spmm of matmul; gradcheck and gradgradcheck (both modes)", () => {
  const x = R([3, 2], 40), w = R([5, 2], 41), b = R([5], 42);
  const fused = ag.spmmLinear(aConst, x, w, b);
  const composite = ag.spmm(aConst, ag.matmul(x, w.transpose()), null, b);
  const fd = fused.data.contiguous().data, cd = composite.data.contiguous().data;
  assert.deepEqual(fused.shape, [4, 5]);
  fd.forEach((v, i) => assert.ok(Math.abs(v - cd[i]) < 1e-12, `element ${i}: ${v} vs ${cd[i]}`));
  check((x, w, b) => ag.spmmLinear(aConst, x, w, b), [x, w, b]);
  check((x, w) => ag.spmmLinear(a, x, w), [S([3, 2], 43), R([1, 2], 44)]);
  check2((x, w, b) => ag.spmmLinear(aConst, x, w, b).square(), [
    R([3, 2], 45),
    R([2, 2], 46),
    R([2], 47),
  ]);
});

Deno.test("spmmLinear names the op and the mismatched shape", () => {
  const x = R([3, 2], 48);
  assert.throws(
    () => ag.spmmLinear(aConst, x, R([5, 3], 49)),
    /spmmLinear: x must be \[N, in\] and weight \[out, in\], got x \[3, 2\] and weight \[5, 3\]/,
  );
  assert.throws(
    () => ag.spmmLinear(aConst, R([4, 2], 50), R([5, 2], 51)),
    /spmmLinear: a is 4×3 but x has 4 rows/,
  );
  assert.throws(
    () => ag.spmmLinear(aConst, x, R([5, 2], 52), R([4], 53)),
    /spmmLinear: bias must have 5 elements/,
  );
  assert.throws(
    () => ag.spmmLinear({} as CsrMatrix, x, R([5, 2], 52)),
    /spmmLinear: a must be a CsrMatrix/,
  );
});
