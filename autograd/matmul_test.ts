import assert from "node:assert/strict";
import fc from "fast-check";
import * as nd from "@nnc/tensor";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("matmul: gradcheck for 1-d and 2-d operands, strided, and broadcast batches", () => {
  const cases: [number[], number[]][] = [
    [[4], [4]],
    [[4], [4, 3]],
    [[3, 4], [4]],
    [[3, 4], [4, 2]],
    [[2, 3, 4], [4, 5]],
    [[2, 1, 3, 4], [5, 4, 2]],
    [[4], [2, 4, 3]],
  ];
  cases.forEach(([a, b], k) => check(ag.matmul, [R(a, k), R(b, k + 10)]));
  check(ag.matmul, [S([3, 4], 1), S([4, 2], 2)]);
});

Deno.test("matmul: gradgradcheck (2-d and batched)", () => {
  check2(ag.matmul, [R([3, 4], 3), R([4, 2], 4)]);
  check2(ag.matmul, [R([2, 2, 3], 5), R([3, 2], 6)]);
});

Deno.test("matmul gradients: Ā = Ḡ Bᵀ and B̄ = Aᵀ Ḡ, batch summed", () => {
  const a = tensor([[1, 2], [3, 4]], { dtype: "float64", requiresGrad: true });
  const b = tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]], { dtype: "float64", requiresGrad: true });
  ag.matmul(a, b).sum().backward();
  assert.deepEqual(a.grad?.toArray(), [[3, 3], [3, 3]]);
  assert.deepEqual(b.grad?.toArray(), [[[4, 4], [6, 6]], [[4, 4], [6, 6]]]);
});

Deno.test("dot and outer: values and gradcheck", () => {
  check(ag.dot, [R([5], 7), R([5], 8)]);
  check(ag.outer, [R([3], 9), R([2], 10)]);
  assert.deepEqual(ag.outer(tensor([1, 2]), tensor([3, 4])).toArray(), [[3, 4], [6, 8]]);
});

Deno.test("matmul errors name the shapes", () => {
  assert.throws(
    () => ag.matmul(tensor([[1, 2, 3]]), tensor([[1, 2]])),
    /matmul: inner dimensions differ: \[1, 3\] @ \[1, 2\]/,
  );
  assert.throws(
    () => ag.matmul(tensor(1), tensor([1])),
    /matmul: operands must have at least one dimension/,
  );
  assert.throws(
    () => ag.dot(tensor([1, 2]), tensor([1])),
    /dot: expected two 1-d tensors of equal length/,
  );
});

Deno.test("addmm: beta·input + alpha·(mat1·mat2) for every broadcast input, exactly", () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });
  const b = tensor([[1, 0], [0, 1], [1, 1]], { dtype: "float64" });
  // a·b = [[4, 5], [10, 11]]
  const cases: [number[] | number[][] | number, number[][]][] = [
    [[10, 20], [[14, 25], [20, 31]]],
    [[[10, 20]], [[14, 25], [20, 31]]],
    [[[10], [20]], [[14, 15], [30, 31]]],
    [[[1, 2], [3, 4]], [[5, 7], [13, 15]]],
    [7, [[11, 12], [17, 18]]],
  ];
  for (const [c, want] of cases) {
    assert.deepEqual(ag.addmm(tensor(c, { dtype: "float64" }), a, b).toArray(), want);
  }
  const scaled = ag.addmm(tensor([10, 20], { dtype: "float64" }), a, b, { beta: 0.5, alpha: -2 });
  assert.deepEqual(scaled.toArray(), [[-3, 0], [-15, -12]]);
});

Deno.test("addmm: gradcheck and gradgradcheck in both modes, broadcast inputs, strided operands", () => {
  const plain = (c: ag.Tensor, a: ag.Tensor, b: ag.Tensor) => ag.addmm(c, a, b);
  check(plain, [R([4], 1), R([3, 5], 2), R([5, 4], 3)]);
  check(plain, [R([3, 1], 4), S([3, 5], 5), S([5, 4], 6)]);
  check(plain, [R([], 7), R([3, 5], 8), R([5, 4], 9)]);
  const scaled = (c: ag.Tensor, a: ag.Tensor, b: ag.Tensor) =>
    ag.addmm(c, a, b, { beta: -0.5, alpha: 3 });
  check(scaled, [R([1, 4], 10), R([3, 5], 11), R([5, 4], 12)]);
  check2(scaled, [R([4], 13), R([3, 2], 14), R([2, 4], 15)]);
});

Deno.test("addmm equals matmul then add bit for bit (float32, random shapes and values)", () => {
  // Small and mid-size: a bias row goes into the product's own pass (libnnc's GEMM tiles).
  const size = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 60, max: 160 }));
  fc.assert(
    fc.property(
      size,
      size,
      size,
      fc.constantFrom("row", "column", "full"),
      fc.integer({ min: 0, max: 1000 }),
      (m, k, n, kind, seed) => {
        const rng = new nd.Rng(seed);
        const a = nd.randn([m, k], { rng }), b = nd.randn([n, k], { rng }).T;
        const cShape = kind === "row" ? [n] : kind === "column" ? [m, 1] : [m, n];
        const c = nd.randn(cShape, { rng });
        const before = c.toArray();
        const got = ag.addmm(new ag.Tensor(c), new ag.Tensor(a), new ag.Tensor(b)).data;
        assert.deepEqual(got.toArray(), nd.add(nd.matmul(a, b), c).toArray());
        assert.deepEqual(c.toArray(), before); // the input is read, never written
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("addmm: a float64 input promotes a float32 product, as add does", () => {
  const y = ag.addmm(
    tensor([0.1], { dtype: "float64" }),
    tensor([[1, 2]], { dtype: "float32" }),
    tensor([[3], [4]], { dtype: "float32" }),
  );
  assert.equal(y.dtype, "float64");
  assert.equal(y.item(), 11.1);
});

Deno.test("addmm errors name the op, the shapes and the options", () => {
  const a = tensor([[1, 2, 3]]), b = tensor([[1], [2], [3]]);
  assert.throws(
    () => ag.addmm(tensor([1]), tensor([1, 2, 3]), b),
    /addmm: expected mat1 \[M, K\] and mat2 \[K, N\], got \[3\] and \[3, 1\]/,
  );
  assert.throws(
    () => ag.addmm(tensor([1]), a, tensor([[1], [2]])),
    /addmm: expected mat1 \[M, K\] and mat2 \[K, N\], got \[1, 3\] and \[2, 1\]/,
  );
  assert.throws(
    () => ag.addmm(tensor([1, 2]), a, b),
    /addmm: input \[2\] does not broadcast to the product's shape \[1, 1\]/,
  );
  assert.throws(
    () => ag.addmm(tensor([[[1]]]), a, b),
    /addmm: input \[1, 1, 1\] does not broadcast/,
  );
  assert.throws(() => ag.addmm(tensor([1]), a, b, { alpha: "2" as unknown as number }), /addmm/);
  assert.throws(() => ag.addmm(tensor([1]), a, b, 5 as never), /addmm/);
});
