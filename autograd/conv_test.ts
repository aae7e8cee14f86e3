import assert from "node:assert/strict";
import { assertClose } from "@nnc/tensor";
import * as ag from "./mod.ts";
import { type Tensor, tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("conv2d: gradcheck with stride, padding, dilation, groups, bias, 'same', strided input", () => {
  check((x, w, b) => ag.conv2d(x, w, b, { stride: 2, padding: 1 }), [
    R([2, 2, 5, 5], 1),
    R([3, 2, 3, 3], 2),
    R([3], 3),
  ]);
  check((x, w) => ag.conv2d(x, w, null, { groups: 2, dilation: 2, padding: [1, 2] }), [
    R([1, 4, 5, 6], 4),
    R([4, 2, 2, 2], 5),
  ]);
  check((x, w) => ag.conv2d(x, w, null, { padding: "same" }), [
    R([1, 1, 4, 4], 6),
    R([2, 1, 2, 3], 7),
  ]);
  check((x, w) => ag.conv2d(x, w, null, { padding: "valid", stride: [1, 2] }), [
    S([1, 2, 4, 5], 8),
    R([1, 2, 2, 2], 9),
  ]);
  check((x, w) => ag.conv2d(x, w), [R([2, 4, 4], 10), R([1, 2, 3, 3], 11)]); // unbatched
});

Deno.test("conv2d: gradgradcheck (reverse and forward-over-reverse)", () => {
  check2((x, w) => ag.conv2d(x, w, null, { stride: 2, padding: 1 }), [
    R([1, 2, 4, 4], 12),
    R([2, 2, 3, 3], 13),
  ]);
  check2((x, w, b) => ag.conv2d(x, w, b, { groups: 2 }).tanh(), [
    R([1, 2, 3, 3], 14),
    R([2, 1, 2, 2], 15),
    R([2], 16),
  ]);
});

Deno.test("conv1d, conv3d and transposed convolutions: gradcheck", () => {
  check((x, w, b) => ag.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }), [
    R([2, 2, 7], 17),
    R([3, 2, 3], 18),
    R([3], 19),
  ]);
  check((x, w) => ag.conv3d(x, w, null, { padding: 1, stride: [1, 2, 1] }), [
    R([1, 1, 3, 3, 3], 20),
    R([2, 1, 2, 2, 2], 21),
  ]);
  check((x, w, b) => ag.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [
    R([1, 2, 3, 3], 22),
    R([2, 3, 3, 3], 23),
    R([3], 24),
  ]);
  check((x, w) => ag.convTranspose2d(x, w, null, { stride: 2, groups: 2, dilation: 2 }), [
    R([1, 4, 2, 3], 25),
    R([4, 1, 2, 2], 26),
  ]);
  check(
    (x, w) =>
      ag.convTranspose1d(x, w, null, { stride: 3, padding: 2, outputPadding: 1, dilation: 2 }),
    [R([1, 2, 3], 27), R([2, 2, 3], 28)],
  );
  check((x, w) => ag.convTranspose3d(x, w, null, { stride: 2 }), [
    R([1, 1, 2, 2, 1], 29),
    R([1, 2, 2, 2, 2], 30),
  ]);
  check2((x, w) => ag.convTranspose2d(x, w, null, { stride: 2, padding: 1 }), [
    R([1, 1, 2, 2], 31),
    R([1, 1, 3, 3], 32),
  ]);
});

Deno.test("convolution primitives: second order through both gradients, 1-d and 3-d, groups", () => {
  // conv1d/3d and convTranspose run on one convolution kernel and its two gradients; their
  // vjps are each other, so these check the gradients' own derivatives.
  check2((x, w, b) => ag.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }), [
    R([2, 4, 7], 40),
    R([2, 2, 3], 41),
    R([2], 42),
  ]);
  check2((x, w) => ag.conv3d(x, w, null, { padding: 1 }).square(), [
    R([1, 2, 2, 3, 2], 43),
    R([1, 2, 2, 2, 2], 44),
  ]);
  check2((x, w) => ag.convTranspose1d(x, w, null, { stride: 2, groups: 2, outputPadding: 1 }), [
    R([1, 4, 3], 45),
    R([4, 1, 3], 46),
  ]);
  // 1×1 kernels take the path without unfolding.
  check2((x, w) => ag.conv2d(x, w).tanh(), [S([2, 3, 3, 2], 47), R([2, 3, 1, 1], 48)]);
});

Deno.test("conv2d is cross-correlation: the notes' 1×1-kernel layer gradients", () => {
  // spec: 001-004/G6
  // f^c_ij = g(w_c x_ij + b_c) with g = sigmoid; ∂l/∂w_c = Σ ∂l/∂f · x_ij · g'(·) (001-004, Q3).
  const x = tensor([[[[1, 2], [3, 4]]]], { dtype: "float64", requiresGrad: true });
  const w = tensor([[[[0.5]]], [[[-1]]]], { dtype: "float64", requiresGrad: true });
  const b = tensor([0.1, 0.2], { dtype: "float64", requiresGrad: true });
  const f = ag.conv2d(x, w, b).sigmoid();
  f.sum().backward();
  const xs = [1, 2, 3, 4], wv = [0.5, -1], bv = [0.1, 0.2];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const gp = (c: number, v: number) => sig(wv[c] * v + bv[c]) * (1 - sig(wv[c] * v + bv[c]));
  const dw = [0, 1].map((c) => xs.reduce((s, v) => s + v * gp(c, v), 0));
  const db = [0, 1].map((c) => xs.reduce((s, v) => s + gp(c, v), 0));
  const dx = xs.map((v) => gp(0, v) * wv[0] + gp(1, v) * wv[1]);
  (w.grad?.data.toArray() as number[][][][]).forEach((r, c) =>
    assert.ok(Math.abs(r[0][0][0] - dw[c]) < 1e-14)
  );
  (b.grad?.toArray() as number[]).forEach((v, c) => assert.ok(Math.abs(v - db[c]) < 1e-14));
  (x.grad?.data.reshape(-1).toArray() as number[]).forEach((v, i) =>
    assert.ok(Math.abs(v - dx[i]) < 1e-14)
  );
  // The mock's check by finite differences: random 2×2 x, g = tanh, an arbitrary loss of the maps.
  const layer = (xs: Tensor, ws: Tensor, bs: Tensor): Tensor => {
    const maps = ag.conv2d(xs, ws, bs).tanh();
    return maps.mul(tensor([[[[1, -2], [0.5, 3]], [[-1, 0.25], [2, 1]]]], { dtype: "float64" }))
      .square().sum();
  };
  assert.ok(
    ag.gradcheck(layer, [R([1, 1, 2, 2], 40), R([2, 1, 1, 1], 41), R([2], 42)], {
      mode: "both",
    }).ok,
  );
});

Deno.test("conv1d and conv2d: the notes' 1-d and 2-d examples; true convolution is the flipped kernel", () => {
  const f64 = { dtype: "float64" as const };
  const flat = (t: Tensor) => t.data.reshape(-1).toArray();
  // spec: 002-part-a/3b.conv1d
  const x1 = tensor([[[1, 2, 3, 4]]], f64), k1 = tensor([[[1, 0, -1]]], f64);
  assert.deepEqual(flat(ag.conv1d(x1, k1)), [-2, -2]); // valid cross-correlation
  assert.deepEqual(flat(ag.conv1d(x1, ag.flip(k1, 2))), [2, 2]); // valid convolution
  // Full convolution [1, 2, 3] ∗ [0, 1, 0.5]: the flipped kernel with k − 1 zeros on each side.
  const full = ag.conv1d(
    tensor([[[1, 2, 3]]], f64),
    ag.flip(tensor([[[0, 1, 0.5]]], f64), 2),
    null,
    {
      padding: 2,
    },
  );
  assert.deepEqual(flat(full), [0, 1, 2.5, 4, 1.5]);
  // spec: 002-part-a/3b.conv2d
  const f = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], f64),
    g = tensor([[[[1, 0], [0, -1]]]], f64);
  assert.deepEqual(flat(ag.conv2d(f, g)), [-4, -4, -4, -4]);
  assert.deepEqual(flat(ag.conv2d(f, ag.flip(g, [2, 3]))), [4, 4, 4, 4]);
  // spec: 000-003/3.2
  const X = tensor(
    [[[[2, 4, 9, 1, 4], [2, 1, 4, 4, 6], [1, 1, 2, 9, 2], [7, 3, 5, 1, 3], [2, 3, 4, 8, 5]]]],
    f64,
  );
  const K = tensor([[[[1, 2, 3], [-4, 7, 4], [2, -5, 1]]]], f64);
  assert.deepEqual(ag.conv2d(X, K).toArray(), [[[[51, 66, 20], [31, 49, 101], [15, 53, -2]]]]);
  assert.deepEqual(ag.conv2d(X, ag.flip(K, [2, 3])).toArray(), [[[[6, -7, 58], [40, -9, 79], [
    45,
    77,
    9,
  ]]]]);
  const edge = tensor([[[[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]]], f64);
  assert.deepEqual(ag.conv2d(X, edge).toArray(), [[[[-17, 1, -5], [-17, -12, 45], [-1, 9, -30]]]]);
});

Deno.test("stride 2 is the stride-1 convolution followed by down-sampling by 2", () => {
  // spec: 002-part-a/3a.L4055
  for (const padding of [0, 1, 2]) {
    const x1 = R([2, 3, 11], 50 + padding), w1 = R([4, 3, 3], 60 + padding);
    const strided1 = ag.conv1d(x1, w1, null, { stride: 2, padding });
    const every1 = ag.conv1d(x1, w1, null, { padding }).slice(null, null, { step: 2 });
    assertClose(strided1.data, every1.data, { atol: 1e-12, rtol: 0 });
    const x2 = R([1, 2, 7, 8], 70 + padding), w2 = R([3, 2, 3, 2], 80 + padding);
    const strided2 = ag.conv2d(x2, w2, null, { stride: 2, padding });
    const every2 = ag.conv2d(x2, w2, null, { padding }).slice(null, null, { step: 2 }, { step: 2 });
    assert.deepEqual(strided2.shape, every2.shape);
    assertClose(strided2.data, every2.data, { atol: 1e-12, rtol: 0 });
  }
});

Deno.test("unfold and fold are each other's gradients", () => {
  check((x) => ag.unfold(x, { kernel: 2, stride: 1, padding: 1 }), [R([1, 2, 3, 3], 33)]);
  check((c) => ag.fold(c, [3, 3], { kernel: 2 }), [R([1, 4, 4], 34)]);
});

Deno.test("conv errors name the op and shapes", () => {
  const x = ag.zeros([1, 3, 5, 5]);
  assert.throws(
    () => ag.conv2d(x, ag.zeros([4, 2, 3, 3])),
    /conv2d: input \[1, 3, 5, 5\] and weight \[4, 2, 3, 3\] do not fit groups=1/,
  );
  assert.throws(
    () => ag.conv2d(x, ag.zeros([4, 3, 3, 3]), ag.zeros([3])),
    /conv2d: bias must have shape \[4\], got \[3\]/,
  );
  assert.throws(
    () => ag.conv2d(ag.zeros([5, 5]), ag.zeros([4, 3, 3, 3])),
    /conv2d: expected input \[N, C, H, W\]/,
  );
  assert.throws(
    () => ag.conv2d(x, ag.zeros([3, 3, 3, 3]), null, { stride: 2, padding: "same" }),
    /padding "same" needs stride 1/,
  );
  assert.throws(
    () => ag.convTranspose2d(x, ag.zeros([3, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }),
    /outputPadding 2 must be smaller/,
  );
  assert.throws(
    () => ag.conv2d(x, ag.zeros([3, 3, 7, 7]) as Tensor),
    /conv2d: window of size 7 \(kernel 7, dilation 1\) is larger than the padded input 5/,
  );
});

Deno.test("convMaxPool: gradcheck and gradgradcheck through x, w and the bias; 1-d and 2-d", () => {
  check((x, w, b) => ag.convMaxPool(x, w, b, { padding: 1 }, { kernel: 2 }), [
    R([2, 2, 5, 5], 50),
    R([3, 2, 3, 3], 51),
    R([3], 52),
  ]);
  check(
    (x, w) =>
      ag.convMaxPool(x, w, null, { stride: 2, groups: 2 }, {
        kernel: 3,
        stride: 2,
        padding: 1,
        ceilMode: true,
      }),
    [R([1, 4, 7, 7], 53), R([2, 2, 2, 2], 54)],
  );
  check((x, w, b) => ag.convMaxPool(x, w, b, { padding: "same" }, { kernel: 2, stride: 1 }), [
    R([2, 2, 6], 55),
    R([2, 2, 3], 56),
    R([2], 57),
  ]);
  check2((x, w, b) => ag.convMaxPool(x, w, b, { padding: 1 }, { kernel: 2 }).tanh(), [
    R([1, 2, 4, 4], 58),
    R([2, 2, 3, 3], 59),
    R([2], 60),
  ]);
});

Deno.test("convMaxPool: bit for bit conv then maxPool (values, input and weight gradients), the bias's to rounding", () => {
  for (
    const [convOpts, poolOpts, xs, ws] of [
      [{ padding: 1 }, { kernel: 2 }, [4, 3, 10, 10], [5, 3, 3, 3]],
      [{ stride: 2, dilation: 2 }, { kernel: 2, stride: 1 }, [2, 2, 11, 9], [4, 2, 2, 2]],
      [{ groups: 3 }, { kernel: 3, padding: 1, ceilMode: true }, [3, 6, 8, 8], [3, 2, 3, 3]],
      // libnnc's implicit GEMM with 7×7 images side by side in strips, the last strip part empty.
      [{ padding: 1 }, { kernel: 2 }, [13, 4, 7, 7], [6, 4, 3, 3]],
      // libnnc's Winograd F(2×2, 3×3) (3×3, padding 1, 32 channels or more), groups of images.
      [{ padding: 1 }, { kernel: 2 }, [9, 32, 7, 7], [33, 32, 3, 3]],
      [{ padding: 1 }, { kernel: 2 }, [3, 33, 14, 13], [32, 33, 3, 3]],
    ] as const
  ) {
    const inputs = () => {
      const x = ag.astype(R([...xs], 61), "float32").detach();
      const w = ag.astype(R([...ws], 62), "float32").detach();
      const b = ag.astype(R([ws[0]], 63), "float32").detach();
      for (const t of [x, w, b]) t.requiresGrad = true;
      return [x, w, b];
    };
    const [x1, w1, b1] = inputs(), [x2, w2, b2] = inputs();
    const fused = ag.convMaxPool(x1, w1, b1, convOpts, poolOpts);
    const apart = ag.maxPool(ag.conv2d(x2, w2, b2, convOpts), poolOpts);
    assert.deepEqual(Array.from(fused.data.data), Array.from(apart.data.data));
    const g = ag.astype(R(fused.shape, 64), "float32").detach();
    fused.mul(g).sum().backward();
    apart.mul(g).sum().backward();
    for (const [a, b] of [[x1, x2], [w1, w2]]) {
      assert.deepEqual(Array.from(a.grad!.data.data), Array.from(b.grad!.data.data));
    }
    // The bias's gradient sums the pooled gradient itself, not its scatter with zeros between.
    assertClose(b1.grad!.data, b2.grad!.data, { rtol: 1e-6, atol: 1e-6 });
    const sums = ag.sum(g, { axis: [0, 2, 3] });
    assert.deepEqual(Array.from(b1.grad!.data.data), Array.from(sums.data.data));
  }
});

Deno.test("convMaxPool: errors name the op; integer input is conv then maxPool", () => {
  const x = R([1, 1, 4, 4], 70), w = R([1, 1, 3, 3], 71);
  assert.throws(() => ag.convMaxPool(x, w, null, {}, { kernel: 3 }), (e: Error) => {
    assert.ok(e instanceof RangeError && e.message.startsWith("convMaxPool:"), e.message);
    return true;
  });
  assert.throws(() => ag.convMaxPool(x, R([1, 1], 72), null, {}, { kernel: 1 }), /convMaxPool/);
  assert.throws(() => ag.convMaxPool(x, w, R([2], 73), {}, { kernel: 1 }), /convMaxPool: bias/);
  assert.throws(
    () => ag.convMaxPool(x, w, null, {}, null as unknown as { kernel: number }),
    /convMaxPool/,
  );
  const xi = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], { dtype: "int32" });
  const wi = tensor([[[[1, -1], [2, 0]]]], { dtype: "int32" });
  const y = ag.convMaxPool(xi, wi, null, {}, { kernel: 2 });
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.toArray(), [[[[15]]]]); // max(1 - 2 + 8, 2 - 3 + 10, 4 - 5 + 14, 5 - 6 + 16)
});
