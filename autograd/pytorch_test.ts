// Gradients of a fixed MLP, a small CNN, a transposed-conv decoder and a linear-algebra loss equal
// PyTorch 1.13's (fixtures/torch_reference.json, made by fixtures/torch_fixtures.py) in float64.
import assert from "node:assert/strict";
import { assertClose, type NestedArray } from "@nnc/tensor";
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool2d,
  conv1d,
  conv2d,
  conv3d,
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  gather,
  gradients,
  linalg,
  maxPool2d,
  type Tensor,
  tensor,
} from "./mod.ts";

// deno-lint-ignore no-explicit-any
const fx: any = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/torch_reference.json", import.meta.url)),
);
const TOL = { rtol: 1e-5, atol: 1e-10 };

const f64 = (v: NestedArray, requiresGrad = true): Tensor =>
  tensor(v, { dtype: "float64", requiresGrad });
const labels = (v: number[]): Tensor => tensor(v.map((k) => [k]), { dtype: "int32" });

function crossEntropy(logits: Tensor, y: Tensor): Tensor {
  return gather(logits.logSoftmax(1), 1, y).neg().mean();
}

function assertGrads(
  actual: readonly (Tensor | null)[],
  expected: NestedArray[],
  names: string[],
): void {
  actual.forEach((g, i) => {
    assert.ok(g !== null, `${names[i]}: no gradient`);
    assertClose(g.data, expected[i], { ...TOL, message: `gradient of ${names[i]}` });
  });
}

Deno.test("MLP (ReLU, tanh, cross-entropy, weight decay): gradients equal PyTorch", () => {
  const m = fx.mlp;
  const ps = [m.x, m.w1, m.b1, m.w2, m.b2, m.w3, m.b3].map((v: NestedArray) => f64(v));
  const [x, w1, b1, w2, b2, w3, b3] = ps;
  const h1 = x.matmul(w1.T).add(b1).relu();
  const h2 = h1.matmul(w2.T).add(b2).tanh();
  const loss = crossEntropy(h2.matmul(w3.T).add(b3), labels(m.y)).add(w1.square().sum().mul(0.01));
  assertClose(loss.data, m.loss, TOL);
  const grads = gradients(loss, ps, { createGraph: true });
  assertGrads(grads, m.grads, ["x", "w1", "b1", "w2", "b2", "w3", "b3"]);

  // Second order, against PyTorch's double backward.
  const [hvp] = gradients((grads[3] as Tensor).mul(f64(m.v, false)).sum(), w2, {
    retainGraph: true,
  });
  assertClose((hvp as Tensor).data, m.hvp_w2, TOL);
  const penalty = (grads[0] as Tensor).square().sum();
  assertClose(penalty.data, m.penalty, TOL);
  assertGrads(gradients(penalty, [w1, w2, w3]), m.penalty_grads, ["w1", "w2", "w3"]);
});

Deno.test("CNN (conv, max pool, grouped conv, adaptive pool, NLL): gradients equal PyTorch", () => {
  const c = fx.cnn;
  const ps = [c.x, c.c1w, c.c1b, c.c2w, c.c2b, c.fw, c.fb].map((v: NestedArray) => f64(v));
  const [x, c1w, c1b, c2w, c2b, fw, fb] = ps;
  let h = conv2d(x, c1w, c1b, { padding: 1 }).relu();
  h = maxPool2d(h, { kernel: 2 });
  h = conv2d(h, c2w, c2b, { groups: 2 }).sigmoid();
  h = adaptiveAvgPool2d(h, 1).flatten(1);
  const loss = crossEntropy(h.matmul(fw.T).add(fb), labels(c.y));
  assertClose(loss.data, c.loss, TOL);
  assertGrads(gradients(loss, ps), c.grads, [
    "x",
    "conv1.weight",
    "conv1.bias",
    "conv2.weight",
    "conv2.bias",
    "fc.weight",
    "fc.bias",
  ]);
});

Deno.test("transposed conv + average pool (ceil mode, padding excluded): gradients equal PyTorch", () => {
  const d = fx.decoder;
  const ps = [d.z, d.w, d.b].map((v: NestedArray) => f64(v));
  const out = convTranspose2d(ps[0], ps[1], ps[2], { stride: 2, padding: 1, outputPadding: 1 });
  assert.deepEqual(out.shape, d.out_shape);
  const pooled = avgPool2d(out, {
    kernel: 3,
    stride: 2,
    padding: 1,
    ceilMode: true,
    countIncludePad: false,
  });
  const loss = pooled.square().sum();
  assertClose(loss.data, d.loss, TOL);
  assertGrads(gradients(loss, ps), d.grads, ["z", "weight", "bias"]);
});

Deno.test("solve, logdet, cholesky, eigh: gradients equal PyTorch", () => {
  const l = fx.linalg;
  const a = f64(l.a), b = f64(l.b);
  const weights = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]], { dtype: "float64" });
  const { values, vectors } = linalg.eigh(a);
  const loss = linalg.solve(a, b).square().sum()
    .add(linalg.slogdet(a).logabsdet)
    .add(linalg.cholesky(a).mul(weights).sum())
    .add(values.mul(tensor([1, 2, 3], { dtype: "float64" })).sum())
    .add(vectors.square().mul(weights).sum());
  assertClose(loss.data, l.loss, TOL);
  assertGrads(gradients(loss, [a, b]), l.grads, ["a", "b"]);
});

Deno.test("conv/pool variants: values and input gradients equal PyTorch", () => {
  const ops: Record<string, (...xs: Tensor[]) => Tensor> = {
    conv2d_groups_dilation: (x, w, b) =>
      conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: 2, groups: 2 }),
    conv2d_same_even: (x, w) => conv2d(x, w, null, { padding: "same" }),
    conv1d: (x, w, b) => conv1d(x, w, b, { stride: 2, padding: 1 }),
    conv3d: (x, w) => conv3d(x, w, null, { stride: 2, padding: 1 }),
    conv_transpose1d: (x, w, b) =>
      convTranspose1d(x, w, b, { stride: 3, padding: 2, outputPadding: 1, dilation: 2 }),
    conv_transpose2d_groups: (x, w) =>
      convTranspose2d(x, w, null, {
        stride: 2,
        groups: 2,
        dilation: [1, 2],
        outputPadding: [1, 0],
      }),
    conv_transpose3d: (x, w) => convTranspose3d(x, w, null, { stride: 2, padding: 1 }),
    adaptive_avg_pool2d: (x) => adaptiveAvgPool2d(x, [2, 3]),
    adaptive_avg_pool1d: (x) => adaptiveAvgPool1d(x, 3),
    max_pool2d_dilation: (x) => maxPool2d(x, { kernel: 2, stride: 1, padding: 1, dilation: 2 }),
  };
  for (const [name, fn] of Object.entries(ops)) {
    const c = fx.ops[name];
    const xs = c.inputs.map((v: NestedArray) => f64(v));
    const y = fn(...xs);
    assertClose(y.data, c.out, { ...TOL, message: `${name} value` });
    const grads = gradients(y, xs, { gradOutputs: f64(c.cotangent, false) });
    grads.forEach((g, i) =>
      assertClose((g as Tensor).data, c.grads[i], { ...TOL, message: `${name} gradient ${i}` })
    );
  }
});
