import assert from "node:assert/strict";
import { Rng, windowOutputShape } from "@nnc/tensor";
import { jacobian, ones, randn, type Tensor, tensor, zeros } from "@nnc/autograd";
import { Conv1d, Conv2d, Conv3d, Sequential } from "./mod.ts";
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
  // spec: 000-003/3.2
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
  assert.throws(
    () => new Conv2d(1e12, 2, 4),
    /Conv2d: weight \[2, 1000000000000, 4, 4\] would hold 32000000000000 elements, more than 2\^31-1/,
  );
  assert.throws(
    () => new Conv2d(1, 2, 3, { rng: 0 as never }),
    /Conv2d: rng must be an Rng, got 0/,
  );
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

/** Rows of the input that reach the centre output of `net` (the support of its gradient). */
function receptiveField(net: Sequential, size: number): number {
  const x = zeros([1, 1, size, size], { ...f64, requiresGrad: true });
  const y = net.forward(x);
  const c = Math.floor(y.shape[2] / 2);
  y.slice(0, 0, c, c).backward();
  const g = x.grad!.toArray() as number[][][][];
  return g[0][0].filter((row) => row.some((v) => v !== 0)).length;
}

/** `depth` bias-free k×k convolutions of one channel with all-one kernels (no cancellation). */
function stack(depth: number, k: number): Sequential {
  const layers = Array.from({ length: depth }, () => {
    const conv = new Conv2d(1, 1, k, { ...f64, bias: false });
    conv.weight.data = ones([1, 1, k, k], f64).data;
    return conv;
  });
  return new Sequential(...layers);
}

Deno.test("stacked stride-1 k×k layers see d(k − 1) + 1 pixels; the notes' F ≈ d·k costs k²·d weights", () => {
  // spec: 001-004/A3.conv-sizes
  assert.equal(receptiveField(stack(2, 3), 9), 5); // two 3×3 layers see 5×5
  // spec: 000-003/003.receptive-field
  // F = 15 as d·k: five 3×3 layers (k²d = F·k = 45 weights) or three 5×5 layers (75).
  const five3 = stack(5, 3), three5 = stack(3, 5);
  assert.equal(five3.numParameters(), 45);
  assert.equal(three5.numParameters(), 75);
  // Exactly, the fields are d(k − 1) + 1 = 11 and 13.
  assert.equal(receptiveField(five3, 17), 11);
  assert.equal(receptiveField(three5, 17), 13);
  for (const [d, k] of [[1, 3], [3, 3], [2, 5], [4, 2], [1, 7]]) {
    assert.equal(receptiveField(stack(d, k), 19), d * (k - 1) + 1, `d = ${d}, k = ${k}`);
  }
});

Deno.test("convolution output sizes ⌊(i + 2p − k)/s⌋ + 1: valid, same, full and strided", () => {
  const size1d = (i: number, k: number, p: number, s = 1) =>
    new Conv1d(1, 1, k, { padding: p, stride: s }).forward(zeros([1, 1, i])).shape[2];
  // spec: 001-004/A3.conv-sizes
  assert.equal(size1d(5, 2, 0), 4);
  assert.equal(size1d(5, 3, 1), 5); // same
  assert.equal(size1d(5, 3, 2), 7); // full: i + k − 1
  assert.deepEqual(new Conv2d(1, 1, 5).forward(zeros([1, 1, 28, 28])).shape, [1, 1, 24, 24]);
  assert.deepEqual(windowOutputShape([5, 5, 28], { kernel: [2, 3, 5], padding: [0, 1, 0] }), [
    4,
    5,
    24,
  ]);
  // spec: 002-part-a/3b.output-sizes
  assert.equal(size1d(4, 3, 0), 2); // no padding
  assert.equal(size1d(5, 3, 2), 7); // full padding
  assert.equal(size1d(5, 3, 1, 2), 3); // padding and stride
  for (let i = 3; i <= 9; i++) {
    for (let k = 1; k <= 3; k++) {
      for (let p = 0; p <= 2; p++) {
        for (let s = 1; s <= 3; s++) {
          assert.equal(
            size1d(i, k, p, s),
            Math.floor((i + 2 * p - k) / s) + 1,
            `${i} ${k} ${p} ${s}`,
          );
        }
      }
    }
  }
});

Deno.test("a kernel-3 convolution on 5 inputs: 3 shared weights, each output sees 3 inputs, each input reaches 3 outputs", () => {
  // spec: 002-part-a/3a.L4155
  const conv = new Conv1d(1, 1, 3, { ...f64, bias: false, padding: 1, rng: new Rng(8) });
  assert.equal(conv.numParameters(), 3);
  const w = conv.weight.data.reshape(3).toArray() as number[];
  const J = (jacobian((x) => conv.forward(x), randn([1, 1, 5], f64)) as Tensor).data.reshape(5, 5)
    .toArray() as number[][];
  // Output i reads inputs i − 1, i, i + 1 with the same three weights (zero padding at the ends).
  J.forEach((row, i) =>
    row.forEach((v, j) => assert.equal(v, Math.abs(i - j) <= 1 ? w[j - i + 1] : 0))
  );
  assert.equal(J[2].filter((v) => v !== 0).length, 3); // s3 depends on x2, x3, x4
  assert.equal(J.filter((row) => row[2] !== 0).length, 3); // x3 reaches s2, s3, s4
  // The weight count does not grow with the input.
  assert.deepEqual(conv.forward(zeros([1, 1, 1000], f64)).shape, [1, 1, 1000]);
  assert.equal(conv.numParameters(), 3);
});
