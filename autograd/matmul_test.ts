import assert from "node:assert/strict";
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
