import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, randTensor as R } from "./_testing.ts";

Deno.test("embedding: rows by index, gradients summed per row", () => {
  const w = tensor([[0, 1], [2, 3], [4, 5]], { requiresGrad: true });
  const e = ag.embedding(tensor([[2, 0], [2, 2]], { dtype: "int32" }), w);
  assert.deepEqual(e.toArray(), [[[4, 5], [0, 1]], [[4, 5], [4, 5]]]);
  e.sum().backward();
  assert.deepEqual(w.grad?.toArray(), [[1, 1], [0, 0], [3, 3]]);
  check((weight) => ag.embedding([1, 0, 1], weight), [R([3, 2], 1)]);
});

Deno.test("embedding: paddingIdx keeps the value but blocks the gradient of that row", () => {
  const w = tensor([[7, 7], [1, 2]], { requiresGrad: true });
  const e = ag.embedding([0, 1, 0], w, { paddingIdx: 0 });
  assert.deepEqual(e.toArray(), [[7, 7], [1, 2], [7, 7]]);
  e.sum().backward();
  assert.deepEqual(w.grad?.toArray(), [[0, 0], [1, 1]]);
});

Deno.test("embedding errors name the op", () => {
  assert.throws(
    () => ag.embedding([0], tensor([1, 2])),
    /embedding: weight must be \[V, D\], got \[2\]/,
  );
  assert.throws(
    () => ag.embedding([0], tensor([[1, 2]]), { paddingIdx: 3 }),
    /embedding: paddingIdx 3 is out of range/,
  );
  assert.throws(
    () => ag.embedding(tensor([0.5]), tensor([[1, 2]])),
    /embedding: index must be int32/,
  );
});
