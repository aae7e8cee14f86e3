import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

const idx = tensor([[0, 2], [1, 1], [2, 0]], { dtype: "int32" });

Deno.test("gather, scatterAdd, indexSelect: gradcheck (strided inputs, repeated indices)", () => {
  check((x) => ag.gather(x, 1, idx), [S([3, 3], 1)]);
  check((x) => ag.gather(x, 0, idx.data.slice(null, 0).reshape(1, 3)), [R([3, 3], 2)]);
  check((x, s) => ag.scatterAdd(x, 1, idx, s), [R([3, 3], 3), S([3, 2], 4)]);
  check((x, s) => ag.scatterAdd(x, 0, tensor([[1, 1]], { dtype: "int32" }), s), [
    R([3, 2], 5),
    R([2, 3], 6),
  ]);
  check((x) => ag.indexSelect(x, 1, [2, 0, 2]), [S([3, 3], 7)]);
  check((x) => ag.indexSelect(x, 0, tensor([1], { dtype: "int32" })), [R([3, 2], 8)]);
});

Deno.test("gather/scatterAdd/indexSelect: gradgradcheck", () => {
  check2((x) => ag.gather(x, 1, idx).square(), [R([3, 3], 9)]);
  check2((x, s) => ag.scatterAdd(x, 1, idx, s.square()), [R([3, 3], 10), R([3, 2], 11)]);
  check2((x) => ag.indexSelect(x, 0, [1, 1, 0]).exp(), [R([2, 2], 12)]);
});

Deno.test("repeated indices accumulate gradients; src larger than index gets zeros beyond it", () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  ag.indexSelect(x, 0, [0, 0, 2, 0]).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [3, 0, 1]);
  const src = tensor([[1, 2, 3]], { requiresGrad: true });
  ag.scatterAdd(ag.zeros([1, 2]), 1, tensor([[1, 1]], { dtype: "int32" }), src).sum().backward();
  assert.deepEqual(src.grad?.toArray(), [[1, 1, 0]]);
});

Deno.test("index errors name the op", () => {
  assert.throws(
    () => ag.gather(tensor([1, 2]), 0, tensor([0.5])),
    /gather: index must be int32, got float32/,
  );
  assert.throws(
    () => ag.indexSelect(tensor([1, 2]), 0, [5]),
    /indexSelect: index 5 is out of range/,
  );
});
