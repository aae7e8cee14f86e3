import assert from "node:assert/strict";
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

Deno.test("conv2d is cross-correlation: the notes' 1×1-kernel layer gradients", () => {
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
