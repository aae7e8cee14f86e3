import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("cumsum and cumprod: gradcheck and gradgradcheck", () => {
  check((x) => ag.cumsum(x, 1), [S([3, 4], 1)]);
  check((x) => ag.cumsum(x, 0), [R([3, 4], 2)]);
  check((x) => ag.cumprod(x, -1), [S([2, 4], 3, { offset: 0.3 })]);
  check2((x) => ag.cumsum(x, 0).square(), [R([3, 2], 4)]);
  check2((x) => ag.cumprod(x, 1), [R([2, 3], 5, { positive: true })]);
});

Deno.test("cumsum's gradient is the reversed cumulative sum", () => {
  const x = tensor([1, 2, 3, 4], { requiresGrad: true });
  x.cumsum(0).mul(tensor([1, 0, 0, 1])).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [2, 1, 1, 1]);
  assert.throws(() => ag.cumsum(tensor([1]), 2), /cumsum: axis 2 is out of range/);
});
