import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { randn, zeros } from "@nnc/autograd";
import { Conv2d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("ConvTranspose2d matches PyTorch (stride, padding, output padding, groups; float32 with dilation)", () => {
  checkLayerCase(
    "conv_transpose2d",
    new ConvTranspose2d(4, 6, 3, { ...f64, stride: 2, padding: 1, outputPadding: 1, groups: 2 }),
  );
  checkLayerCase(
    "conv_transpose2d_f32_dilated",
    new ConvTranspose2d(3, 2, [2, 3], { stride: [2, 1], dilation: 2 }),
  );
});

Deno.test("gradcheck passes for ConvTranspose1d and ConvTranspose2d", () => {
  const rng = new Rng(6);
  assert.ok(
    gradcheckModule(new ConvTranspose1d(2, 2, 3, { ...f64, rng, stride: 2 }), [
      randn([1, 2, 3], { ...f64, rng }),
    ]).ok,
  );
  assert.ok(
    gradcheckModule(new ConvTranspose2d(2, 2, 2, { ...f64, rng, stride: 2, groups: 2 }), [
      randn([1, 2, 2, 2], { ...f64, rng }),
    ]).ok,
  );
});

Deno.test("ConvTranspose2d inverts a strided Conv2d's shape, with outputSize picking the output padding", () => {
  const down = new Conv2d(1, 4, 3, { stride: 2, padding: 1 });
  const up = new ConvTranspose2d(4, 1, 3, { stride: 2, padding: 1 });
  const x = zeros([1, 1, 8, 8]);
  const h = down.forward(x);
  assert.deepEqual(h.shape, [1, 4, 4, 4]);
  assert.deepEqual(up.forward(h).shape, [1, 1, 7, 7]);
  assert.deepEqual(up.forward(h, [8, 8]).shape, [1, 1, 8, 8]);
  assert.throws(
    () => up.forward(h, [10, 10]),
    /outputSize \[10, 10\] is not reachable from input size \[4, 4\]; dimension 0 allows 7 to 8/,
  );
});

Deno.test("ConvTranspose2d checks its input shape and options", () => {
  const up = new ConvTranspose2d(4, 2, 3);
  assert.deepEqual(up.weight.shape, [4, 2, 3, 3]);
  assert.throws(() => up.forward(zeros([2, 3, 5, 5])), {
    message: "ConvTranspose2d(4→2): expected input [N, 4, H, W], got [2, 3, 5, 5]",
  });
  assert.throws(
    () => new ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: 2 }),
    /outputPadding/,
  );
  // Default initialisation: fan-in from the weight's second dimension, out/groups·k·k = 18.
  const b = 1 / Math.sqrt(18);
  assert.ok(up.weight.data.abs().max().item() <= b && up.bias!.data.abs().max().item() <= b);
});

Deno.test("gradcheck passes for ConvTranspose3d", () => {
  const rng = new Rng(7);
  assert.ok(
    gradcheckModule(new ConvTranspose3d(1, 2, 2, { ...f64, rng, stride: [2, 1, 1] }), [
      randn([1, 1, 2, 2, 1], { ...f64, rng }),
    ]).ok,
  );
});
