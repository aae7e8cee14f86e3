import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("views: gradcheck on strided input", () => {
  check((x) => x.reshape(6, -1), [S([3, 4], 1)]);
  check((x) => x.flatten(1), [R([2, 3, 2], 2)]);
  check((x) => x.permute(2, 0, 1), [S([2, 3, 2], 3)]);
  check((x) => x.transpose(0, 1), [R([2, 3], 4)]);
  check((x) => x.T, [S([4, 3], 5)]);
  check((x) => x.expand(2, 3, 4), [R([3, 1], 6)]);
  check((x) => x.unsqueeze(1).squeeze(1), [R([3, 2], 7)]);
  check((x) => x.slice({ start: -1, step: -2 }, 1), [S([5, 3], 8)]);
  check((x) => x.slice(null, { start: 1, stop: 3 }), [R([3, 4], 9)]);
  check((x) => x.flip(), [S([3, 4], 10)]);
  check((x) => x.flip(1).clone(), [R([3, 4], 11)]);
  check((x) => x.contiguous(), [S([3, 2], 12)]);
});

Deno.test("views: gradgradcheck", () => {
  check2((x) => x.slice({ step: 2 }).square(), [R([5, 2], 13)]);
  check2((x) => x.permute(1, 0).expand(2, 3, 2).exp(), [R([2, 3], 14)]);
});

Deno.test("views share storage; clone copies; slices get their gradient back in place", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const t = x.T;
  assert.equal(t.data.storage, x.data.storage);
  assert.notEqual(x.clone().data.storage, x.data.storage);
  x.slice(1, { start: 0, step: 2 }).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [[0, 0, 0], [1, 0, 1]]);
  assert.equal(ag.reshape(x, [2, 3]), x);
  assert.equal(ag.permute(x, [0, 1]), x);
});

Deno.test("view errors name the op and shapes", () => {
  assert.throws(
    () => tensor([1, 2, 3]).reshape(2, 2),
    /reshape: cannot reshape array of size 3 into shape \[2, 2\]/,
  );
  assert.throws(() => tensor([[1, 2]]).permute(0), /permute/);
  assert.throws(() => tensor([1, 2]).expand(3), /expand: cannot expand \[2\] to \[3\]/);
  assert.throws(() => tensor([1, 2]).squeeze(0), /squeeze: axis 0 of \[2\] has size 2/);
});

Deno.test("transpose of a 0-d tensor along axis 0 or -1 is the tensor; reshape names a bad shape", () => {
  const x = tensor(3, { requiresGrad: true });
  const y = ag.transpose(x, -1);
  assert.deepEqual([y.shape, y.item()], [[], 3]);
  assert.throws(() => ag.transpose(x, 1), /^RangeError: transpose: axis 1 is out of range/);
  assert.throws(
    () => ag.reshape(x, {} as never),
    /^TypeError: reshape: shape must be an array of integers, got an object$/,
  );
});
