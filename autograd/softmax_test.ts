import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("softmax and logSoftmax: gradcheck along each axis of strided input", () => {
  for (const axis of [0, 1, -1]) {
    check((x) => ag.softmax(x, axis), [S([3, 4], 1)]);
    check((x) => ag.logSoftmax(x, axis), [S([3, 4], 2)]);
  }
  check((x) => ag.softmax(x, 1), [R([2, 3, 2], 3)]);
});

Deno.test("softmax and logSoftmax: gradgradcheck", () => {
  check2((x) => ag.softmax(x, -1), [R([2, 4], 4)]);
  check2((x) => ag.logSoftmax(x, 0), [R([3, 2], 5)]);
});

Deno.test("softmax of the notes' logits (1.1, 2.2, 0.2, −1.7) and its Jacobian row", () => {
  const o = tensor([1.1, 2.2, 0.2, -1.7], { dtype: "float64", requiresGrad: true });
  const p = ag.softmax(o);
  assert.ok(Math.abs(p.get(1) - 0.672) < 1e-3);
  p.slice(1).backward(); // ∂p1/∂o = p1 (δ1 − p)
  const pv = p.data.toArray() as number[];
  const expected = pv.map((pj, j) => pv[1] * ((j === 1 ? 1 : 0) - pj));
  (o.grad?.toArray() as number[]).forEach((g, j) => assert.ok(Math.abs(g - expected[j]) < 1e-15));
});

Deno.test("logSoftmax gradient of a one-hot pick is onehot − softmax", () => {
  const x = tensor([[0, Math.log(3)]], { dtype: "float64", requiresGrad: true });
  ag.logSoftmax(x).slice(0, 0).backward();
  const g = x.grad?.toArray() as number[][];
  assert.ok(Math.abs(g[0][0] - 0.75) < 1e-15 && Math.abs(g[0][1] + 0.75) < 1e-15);
});

Deno.test("softmax errors name the op", () => {
  assert.throws(() => ag.softmax(tensor([1, 2]), 3), /softmax: axis 3 is out of range/);
});
