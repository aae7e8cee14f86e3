import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("concat, stack, split, chunk: gradcheck", () => {
  check((a, b, c) => ag.concat([a, b, c], 1), [R([2, 3], 1), S([2, 2], 2), R([2, 1], 3)]);
  check((a, b) => ag.stack([a, b], -1), [R([2, 3], 4), S([2, 3], 5)]);
  check((a) => ag.concat(ag.split(a, [1, 3], 1).reverse(), 1), [S([3, 4], 6)]);
  check((a) => ag.stack(ag.chunk(a, 2, 0), 0).square(), [R([4, 2], 7)]);
});

Deno.test("concat: gradgradcheck and mixed dtypes", () => {
  check2((a, b) => ag.concat([a.square(), b], 0), [R([1, 2], 8), R([2, 2], 9)]);
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3], { dtype: "float64", requiresGrad: true });
  const c = ag.concat([a, b]);
  assert.equal(c.dtype, "float64");
  c.mul(tensor([1, 2, 3], { dtype: "float64" })).sum().backward();
  assert.equal(a.grad?.dtype, "float32");
  assert.deepEqual(a.grad?.toArray(), [1, 2]);
  assert.deepEqual(b.grad?.toArray(), [3]);
});

Deno.test("split pieces are views with gradients in their own part", () => {
  const x = tensor([1, 2, 3, 4, 5], { requiresGrad: true });
  const parts = x.split(2);
  assert.deepEqual(parts.map((p) => p.size), [2, 2, 1]);
  parts[0].mul(2).sum().add(parts[2].sum()).backward();
  assert.deepEqual(x.grad?.toArray(), [2, 2, 0, 0, 1]);
});

Deno.test("join errors name the op", () => {
  assert.throws(() => ag.concat([]), /concat: expected a non-empty array of Tensors/);
  assert.throws(() => ag.stack([tensor([1]), tensor([1, 2])]), /stack: tensor 1 has shape \[2\]/);
  assert.throws(() => ag.concat([tensor([[1]]), tensor([1])]), /concat/);
});
