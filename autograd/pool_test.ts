import assert from "node:assert/strict";
import * as ag from "./mod.ts";
import { tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("max pooling: gradcheck in 1-d, 2-d, 3-d with padding, dilation, ceil mode", () => {
  check((x) => ag.maxPool1d(x, { kernel: 2, ceilMode: true }), [R([1, 2, 5], 1)]);
  check((x) => ag.maxPool2d(x, { kernel: 3, stride: 2, padding: 1 }), [R([2, 2, 5, 5], 2)]);
  check((x) => ag.maxPool2d(x, { kernel: 2, stride: 1, dilation: 2 }), [S([1, 1, 5, 4], 3)]);
  check((x) => ag.maxPool3d(x, { kernel: 2 }), [R([1, 1, 2, 4, 2], 4)]);
  check2((x) => ag.maxPool2d(x, { kernel: 2 }).square(), [R([1, 1, 4, 4], 5)]);
});

Deno.test("average pooling: gradcheck with padding, ceil mode, countIncludePad both ways", () => {
  for (const countIncludePad of [true, false]) {
    for (const ceilMode of [false, true]) {
      check(
        (x) => ag.avgPool2d(x, { kernel: 3, stride: 2, padding: 1, countIncludePad, ceilMode }),
        [R([1, 2, 6, 5], 6)],
      );
    }
  }
  check((x) => ag.avgPool1d(x, { kernel: 2 }), [S([2, 2, 4], 7)]);
  check((x) => ag.avgPool3d(x, { kernel: 2, stride: 1 }), [R([1, 1, 3, 2, 2], 8)]);
  check((x) => ag.avgPool(x, { kernel: [2, 1], stride: 1 }), [S([1, 2, 3, 2], 12)]);
  check((x) => ag.maxPool(x, { kernel: 2, stride: 1 }), [S([1, 2, 4], 13)]);
  check2((x) => ag.avgPool2d(x, { kernel: 2, padding: 1 }).square(), [R([1, 1, 3, 3], 9)]);
});

Deno.test("adaptive average pooling: gradcheck, and windows as PyTorch", () => {
  check((x) => ag.adaptiveAvgPool2d(x, [2, 3]), [R([1, 2, 5, 7], 10)]);
  check((x) => ag.adaptiveAvgPool1d(x, 3), [S([2, 1, 7], 11)]);
  // 5 → 2 windows: [0, 3) and [2, 5).
  assert.deepEqual(ag.adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2).toArray(), [[[2, 4]]]);
});

Deno.test("max pooling routes each gradient to its window's maximum (notes' backprop rule)", () => {
  const x = tensor([[[[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 7, 2], [3, 6, 1, 1]]]], {
    requiresGrad: true,
  });
  const { values, indices } = ag.maxPoolWithIndices(x, { kernel: 2 });
  assert.deepEqual(values.toArray(), [[[[4, 5], [6, 7]]]]);
  assert.deepEqual(indices.toArray(), [[[[4, 7], [13, 10]]]]);
  values.mul(tensor([[[[1, 2], [3, 4]]]])).sum().backward();
  assert.deepEqual(x.grad?.toArray(), [[[[0, 0, 0, 0], [1, 0, 0, 2], [0, 0, 4, 0], [0, 3, 0, 0]]]]);
});

Deno.test("pooling errors name the op", () => {
  assert.throws(
    () => ag.maxPool2d(ag.zeros([1, 4, 4]), { kernel: 2 }),
    /maxPool2d: expected input \[N, C, H, W\], got \[1, 4, 4\]/,
  );
  assert.throws(
    () => ag.avgPool2d(ag.zeros([1, 1, 4, 4]), null as unknown as { kernel: 2 }),
    /avgPool2d: options must be an object, got null/,
  );
  assert.throws(
    () => ag.adaptiveAvgPool2d(ag.zeros([1, 1, 4, 4]), 0),
    /adaptiveAvgPool2d: outputSize must be an integer >= 1 or an array of 2 such integers, got 0/,
  );
});
