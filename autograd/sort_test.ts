import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("sort and topk values: gradcheck", () => {
  check((x) => ag.sort(x).values, [S([3, 4], 1)]);
  check((x) => ag.sort(x, { axis: 0, descending: true }).values, [R([3, 4], 2)]);
  check((x) => ag.topk(x, 2, { axis: 0, largest: false }).values, [R([4, 3], 3)]);
  check2((x) => ag.topk(x, 2).values.square(), [R([2, 4], 4)]);
});

Deno.test("sort routes gradients to the original positions; argsort is a constant", () => {
  const x = tensor([[3, 1, 2]], { requiresGrad: true });
  const { values, indices } = x.sort(-1, true);
  assert.deepEqual(values.toArray(), [[3, 2, 1]]);
  assert.deepEqual(indices.toArray(), [[0, 2, 1]]);
  values.mul(tensor([[1, 10, 100]])).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [[1, 100, 10]]);
  const a = ag.argsort(x);
  assert.equal(a.requiresGrad, false);
  assert.deepEqual(a.toArray(), [[1, 2, 0]]);
});

Deno.test("topk errors name the op", () => {
  assert.throws(() => ag.topk(tensor([1, 2]), 3), /topk: k/);
});
