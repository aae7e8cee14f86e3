import assert from "node:assert/strict";
import * as nd from "@nnc/tensor";
import { batchNormalize, gradients, leakyRelu, Tensor } from "./mod.ts";
import { check, check2, randTensor as R, stridedTensor as S } from "./_testing.ts";

Deno.test("batchNormalize: gradcheck (reverse and forward), training and evaluation, with and without affine", () => {
  check((x, w, b) => batchNormalize(x, { weight: w, bias: b, training: true }).output, [
    R([3, 2, 2, 2], 1),
    R([2], 2),
    R([2], 3),
  ]);
  check((x) => batchNormalize(x, { training: true, eps: 0.1 }).output.square(), [S([4, 3, 2], 4)]);
  const mean = nd.array([0.5, -1], { dtype: "float64" });
  const variance = nd.array([2, 0.5], { dtype: "float64" });
  check((x, w) => batchNormalize(x, { weight: w, mean, variance }).output.tanh(), [
    R([3, 2, 3], 5),
    R([2], 6),
  ]);
});

Deno.test("batchNormalize: second order (gradgradcheck, the derivatives in Tensor ops)", () => {
  check2((x, w, b) => batchNormalize(x, { weight: w, bias: b, training: true }).output.tanh(), [
    R([3, 2, 2], 7),
    R([2], 8),
    R([2], 9),
  ]);
});

Deno.test("batchNormalize: the fused backward equals the Tensor-op derivative", () => {
  const x = R([5, 3, 4, 4], 10), w = R([3], 11), b = R([3], 12);
  const g = nd.randn([5, 3, 4, 4], { dtype: "float64", rng: new nd.Rng(13) });
  // A plain backward runs the fused kernel.
  const y = batchNormalize(x, { weight: w, bias: b, training: true }).output;
  y.mul(new Tensor(g)).sum().backward();
  // With createGraph the same derivatives come from the composite Tensor-op formula.
  const x2 = x.detach().requiresGrad_(), w2 = w.detach().requiresGrad_();
  const b2 = b.detach().requiresGrad_();
  const y2 = batchNormalize(x2, { weight: w2, bias: b2, training: true }).output;
  const [dx, dw, db] = gradients(y2.mul(new Tensor(g)).sum(), [x2, w2, b2], { createGraph: true });
  for (const [fused, composite] of [[x.grad, dx], [w.grad, dw], [b.grad, db]]) {
    const a = fused!.data.contiguous().data, c = composite!.data.contiguous().data;
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - c[i]) < 1e-10, `${a[i]} vs ${c[i]}`);
    }
  }
});

Deno.test("batchNormalize with a fused relu or leaky relu: gradcheck, second order, and the composite path", () => {
  const relu = { op: "relu" as const, negativeSlope: 0 };
  const leaky = { op: "leakyRelu" as const, negativeSlope: 0.2 };
  for (const activation of [relu, leaky]) {
    // Random float64 values stay away from the kink at 0 by far more than the finite difference.
    check(
      (x, w, b) => batchNormalize(x, { weight: w, bias: b, training: true, activation }).output,
      [
        R([3, 2, 2, 2], 21),
        R([2], 22),
        R([2], 23),
      ],
    );
    const mean = nd.array([0.5, -1], { dtype: "float64" });
    const variance = nd.array([2, 0.5], { dtype: "float64" });
    check((x, w) => batchNormalize(x, { weight: w, mean, variance, activation }).output, [
      R([3, 2, 3], 24),
      R([2], 25),
    ]);
    check2(
      (x, w, b) =>
        batchNormalize(x, { weight: w, bias: b, training: true, activation }).output.square(),
      [R([3, 2, 2], 26), R([2], 27), R([2], 28)],
    );
    // The fused kernel's gradients against the Tensor-op path's (createGraph) and against batch
    // norm followed by the separate activation.
    const x = R([5, 3, 4, 4], 29), w = R([3], 30), b = R([3], 31);
    const g = new Tensor(nd.randn([5, 3, 4, 4], { dtype: "float64", rng: new nd.Rng(32) }));
    batchNormalize(x, { weight: w, bias: b, training: true, activation }).output.mul(g).sum()
      .backward();
    const fresh = () => [x, w, b].map((t) => t.detach().requiresGrad_());
    const [x2, w2, b2] = fresh();
    const y2 = batchNormalize(x2, { weight: w2, bias: b2, training: true, activation }).output;
    const composite = gradients(y2.mul(g).sum(), [x2, w2, b2], { createGraph: true });
    const [x3, w3, b3] = fresh();
    const t3 = batchNormalize(x3, { weight: w3, bias: b3, training: true }).output;
    const y3 = activation.op === "relu" ? t3.relu() : leakyRelu(t3, 0.2);
    const separate = gradients(y3.mul(g).sum(), [x3, w3, b3]);
    [x.grad, w.grad, b.grad].forEach((fused, i) => {
      const a = fused!.data.contiguous().data;
      const c = composite[i]!.data.contiguous().data, s = separate[i]!.data.contiguous().data;
      for (let k = 0; k < a.length; k++) {
        assert.ok(Math.abs(a[k] - c[k]) < 1e-10, `${activation.op}: ${a[k]} vs ${c[k]}`);
        assert.equal(a[k], s[k], `${activation.op}: fused ${a[k]} vs separate ${s[k]}`);
      }
    });
  }
});
