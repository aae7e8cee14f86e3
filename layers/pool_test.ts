import assert from "node:assert/strict";
import { randn, tensor, zeros } from "@nnc/autograd";
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from "./mod.ts";
import { checkLayerCase } from "./_testing.ts";
import { gradcheck } from "@nnc/autograd";

Deno.test("Max pooling matches PyTorch (padding, stride, ceil mode)", () => {
  checkLayerCase("maxpool1d", new MaxPool1d(3, { stride: 2, padding: 1 }));
  checkLayerCase("maxpool2d", new MaxPool2d(2));
  checkLayerCase("maxpool2d_ceil", new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }));
});

Deno.test("Average pooling matches PyTorch (countIncludePad, ceil mode)", () => {
  checkLayerCase("avgpool1d", new AvgPool1d(3, { stride: 2, padding: 1, countIncludePad: false }));
  checkLayerCase("avgpool2d", new AvgPool2d(2, { padding: 1, ceilMode: true }));
});

Deno.test("AdaptiveAvgPool2d matches PyTorch's uneven windows", () => {
  checkLayerCase("adaptive_avgpool2d", new AdaptiveAvgPool2d([2, 3]));
});

Deno.test("pooling layers pass gradcheck", () => {
  const x = randn([1, 2, 5, 5], { dtype: "float64" });
  assert.ok(gradcheck((t) => new AvgPool2d(2, { padding: 1 }).forward(t), [x]).ok);
  assert.ok(gradcheck((t) => new AdaptiveAvgPool2d(3).forward(t), [x]).ok);
  assert.ok(gradcheck((t) => new MaxPool2d(2).forward(t), [x]).ok);
});

Deno.test("pooling layers report the layer and the shape", () => {
  assert.throws(() => new MaxPool2d(2).forward(zeros([4, 4])), {
    message: "MaxPool2d([2, 2]): expected input [N, C, H, W], got [4, 4]",
  });
  assert.throws(() => new AvgPool1d(2).forward(zeros([1, 1, 2, 2])), {
    message: "AvgPool1d([2]): expected input [N, C, L], got [1, 1, 2, 2]",
  });
  assert.throws(() => new AvgPool1d(2).forward(zeros([1, 1, 4], { dtype: "int32" })), {
    name: "TypeError",
    message: "AvgPool1d([2]): expected a float32 or float64 input, got int32",
  });
  assert.throws(
    () => new MaxPool2d(5).forward(zeros([1, 1, 3, 3])),
    /MaxPool2d\(\[5, 5\]\): input \[1, 1, 3, 3\]: /,
  );
  assert.throws(() => new MaxPool1d(0), RangeError);
  // Unbatched input works and keeps its rank.
  assert.deepEqual(new MaxPool1d(2).forward(tensor([[1, 5, 2, 0]])).toArray(), [[5, 2]]);
});
