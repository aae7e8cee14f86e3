import assert from "node:assert/strict";
import { assertClose, Rng } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { randn, type Tensor } from "./mod.ts";
import { check, check2, randTensor as R } from "./_testing.ts";

Deno.test("layerNorm: gradcheck (both modes) of x, weight and bias; gradgradcheck", () => {
  check((x, w, b) => ag.layerNorm(x, [4], w, b), [R([3, 4], 1), R([4], 2), R([4], 3)]);
  check((x) => ag.layerNorm(x, [2, 3], null, null, 0.1), [R([2, 2, 3], 4)]);
  check2((x, w) => ag.layerNorm(x, [3], w), [R([2, 3], 5), R([3], 6)]);
});

Deno.test("layerNorm: the fused and the recorded backward agree", () => {
  const x = R([5, 6], 7), w = R([6], 8), b = R([6], 9);
  const y = ag.layerNorm(x, [6], w, b);
  const g = randn([5, 6], { rng: new Rng(10), dtype: "float64" });
  const loss = y.mul(g).sum();
  const plain = ag.gradients(loss, [x, w, b], { retainGraph: true });
  const recorded = ag.gradients(loss, [x, w, b], { createGraph: true });
  plain.forEach((p, i) => assertClose(p!.data, recorded[i]!.data, { rtol: 1e-10, atol: 1e-12 }));
});

Deno.test("layerNorm: errors name the op and the shapes", () => {
  const x = randn([2, 3]);
  assert.throws(
    () => ag.layerNorm(x, [2]),
    /layerNorm: input \[2, 3\] does not end in the normalized shape \[2\]/,
  );
  assert.throws(
    () => ag.layerNorm(x, [3], randn([2])),
    /layerNorm: weight must be \[3\], got \[2\]/,
  );
  assert.throws(
    () => ag.layerNorm(x.data as unknown as Tensor, [3]),
    /layerNorm: x must be a Tensor/,
  );
});
