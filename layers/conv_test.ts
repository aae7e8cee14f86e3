import assert from "node:assert/strict";
import { Rng } from "@nnc/tensor";
import { randn, tensor, zeros } from "@nnc/autograd";
import { Conv1d, Conv2d, Conv3d } from "./mod.ts";
import { checkLayerCase, gradcheckModule } from "./_testing.ts";

const f64 = { dtype: "float64" as const };

Deno.test("Conv1d matches PyTorch (stride, padding, dilation, groups)", () => {
  checkLayerCase("conv1d", new Conv1d(3, 4, 3, { ...f64, stride: 2, padding: 1 }));
  checkLayerCase("conv1d_dilated_groups", new Conv1d(4, 6, 2, { ...f64, dilation: 2, groups: 2 }));
});

Deno.test("Conv2d matches PyTorch (groups, 'same' with dilation, reflect padding, float32)", () => {
  checkLayerCase("conv2d", new Conv2d(4, 6, 3, { ...f64, stride: 2, padding: 1, groups: 2 }));
  checkLayerCase(
    "conv2d_same_dilated",
    new Conv2d(2, 3, [3, 2], { ...f64, padding: "same", dilation: [2, 1] }),
  );
  checkLayerCase(
    "conv2d_reflect",
    new Conv2d(2, 3, 3, { ...f64, padding: 1, paddingMode: "reflect" }),
  );
  checkLayerCase("conv2d_f32", new Conv2d(3, 4, 3));
});

Deno.test("Conv3d matches PyTorch", () => {
  checkLayerCase("conv3d", new Conv3d(2, 3, 2, { ...f64, stride: [1, 2, 1], padding: 1 }));
});

Deno.test("Conv2d is cross-correlation: the notes' example gives 51 first", () => {
  const conv = new Conv2d(1, 1, 3, { ...f64, bias: false });
  conv.weight.data = tensor([[[[1, 2, 3], [-4, 7, 4], [2, -5, 1]]]], f64).data;
  const x = tensor([[[[2, 4, 9, 1, 4], [2, 1, 4, 4, 6], [1, 1, 2, 9, 2], [7, 3, 5, 1, 3], [
    2,
    3,
    4,
    8,
    5,
  ]]]], f64);
  assert.deepEqual(conv.forward(x).toArray(), [[[[51, 66, 20], [31, 49, 101], [15, 53, -2]]]]);
});

Deno.test("gradcheck passes for Conv1d, Conv2d (groups, stride) and Conv3d", () => {
  const rng = new Rng(5);
  assert.ok(
    gradcheckModule(new Conv1d(2, 2, 2, { ...f64, rng, padding: 1 }), [
      randn([1, 2, 4], { ...f64, rng }),
    ]).ok,
  );
  assert.ok(
    gradcheckModule(
      new Conv2d(2, 2, 2, {
        ...f64,
        rng,
        stride: 2,
        groups: 2,
        paddingMode: "circular",
        padding: 1,
      }),
      [randn([1, 2, 3, 3], { ...f64, rng })],
    ).ok,
  );
  assert.ok(
    gradcheckModule(new Conv3d(1, 2, 2, { ...f64, rng }), [randn([1, 1, 2, 3, 2], { ...f64, rng })])
      .ok,
  );
});

Deno.test("Conv layers name themselves and both shapes in errors", () => {
  const conv = new Conv2d(3, 16, 5);
  assert.throws(() => conv.forward(zeros([8, 1, 28, 28])), {
    name: "RangeError",
    message: "Conv2d(3→16): expected input [N, 3, H, W], got [8, 1, 28, 28]",
  });
  assert.throws(() => conv.forward(zeros([8, 3, 28])), {
    message: "Conv2d(3→16): expected input [N, 3, H, W], got [8, 3, 28]",
  });
  assert.throws(() => new Conv1d(2, 4, 3).forward(zeros([1, 3, 9])), {
    message: "Conv1d(2→4): expected input [N, 2, L], got [1, 3, 9]",
  });
  assert.throws(
    () => conv.forward(zeros([1, 3, 4, 4])),
    /Conv2d\(3→16\): input \[1, 3, 4, 4\]: .*larger than the padded input/,
  );
  assert.throws(() => new Conv2d(3, 4, 3, { groups: 2 }), /divisible by groups 2/);
  assert.throws(() => new Conv2d(3, 4, [3, 3, 3]), RangeError);
  assert.throws(() => new Conv2d(3, 4, 3, { padding: "same", stride: 2 }), /"same" needs stride 1/);
  // Unbatched input is accepted, as in PyTorch.
  assert.deepEqual(conv.forward(zeros([3, 5, 5])).shape, [16, 1, 1]);
});

Deno.test("Conv2d default initialisation: weight and bias within ±1/√fanIn (fanIn = in/groups·k·k)", () => {
  const conv = new Conv2d(8, 32, 3, { groups: 2, rng: new Rng(9) });
  const b = 1 / Math.sqrt(4 * 9);
  assert.deepEqual(conv.weight.shape, [32, 4, 3, 3]);
  assert.ok(
    conv.weight.data.abs().max().item() <= b && conv.weight.data.abs().max().item() > 0.95 * b,
  );
  assert.ok(conv.bias!.data.abs().max().item() <= b);
});
