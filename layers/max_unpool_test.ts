import assert from "node:assert/strict";
import fc from "fast-check";
import { gradcheck, maxPoolWithIndices, Tensor, tensor } from "@nnc/autograd";
import { array } from "@nnc/tensor";
import { adaptiveMaxPool2d, MaxUnpool1d, maxUnpool1d, MaxUnpool2d, maxUnpool2d } from "./mod.ts";
import { assertClose, dec, flat, leaf, poolBagCase, poolBagCases } from "./_pool_bag_testing.ts";

Deno.test("max unpooling matches PyTorch 2.x (values, gradients; stride ≠ kernel, outputSize, overlaps)", () => {
  for (const name of poolBagCases("unpool")) {
    const c = poolBagCase(name);
    const d = c.op === "maxUnpool1d" ? 1 : 2;
    const kernel = c.kernel as number | number[];
    const opts = {
      stride: c.stride as number | number[],
      padding: c.padding as number | number[],
      ...(c.outputSize === null ? {} : { outputSize: c.outputSize as number[] }),
    };
    const v = leaf(c.pooled), idx = dec(c.indices, "int32");
    const u = d === 1 ? maxUnpool1d(v, idx, kernel, opts) : maxUnpool2d(v, idx, kernel, opts);
    assertClose(u, dec(c.out), `${name} out`);
    u.mul(new Tensor(dec(c.g))).sum().backward();
    assertClose(v.grad!, dec(c.grad), `${name} grad`);
    // nnc's max pooling returns PyTorch's values and indices, so the pair works as PyTorch's.
    const r = maxPoolWithIndices(new Tensor(dec(c.x)), { kernel, ...opts });
    assertClose(r.values, dec(c.pooled), `${name} pooled`);
    assert.deepEqual(flat(r.indices), flat(idx), `${name} pooling indices`);
    const m = d === 1 ? new MaxUnpool1d(kernel, opts) : new MaxUnpool2d(kernel, opts);
    assertClose(m.forward(r.values, r.indices, opts.outputSize), dec(c.out), `${name} module`);
  }
});

Deno.test("adaptive max pooling's indices unpool as PyTorch's (adaptive bins, then scatter)", () => {
  const x = new Tensor(array(Array.from({ length: 30 }, (_, i) => (i * 7) % 11), {
    dtype: "float64",
    shape: [1, 1, 5, 6],
  }));
  const r = adaptiveMaxPool2d(x, [2, 3], { returnIndices: true });
  // kernel 3, stride 2 from 2×3 gives (2−1)·2+3 = 5 rows, (3−1)·2+3 = 7 columns; outputSize 5×6.
  const u = maxUnpool2d(r.values, r.indices, 3, { stride: 2, outputSize: [5, 6] });
  const want = new Array<number>(30).fill(0);
  flat(r.indices).forEach((at, i) => (want[at] = flat(r.values)[i]));
  assert.deepEqual(flat(u), want);
});

/** The scatter written out: a later value wins a repeated index. */
function reference(x: number[], idx: number[], planes: number, n: number, plane: number): number[] {
  const out = new Array<number>(planes * plane).fill(0);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < n; i++) out[p * plane + idx[p * n + i]] = x[p * n + i];
  }
  return out;
}

Deno.test("max unpooling equals a plain scatter loop; its gradient is the gather (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1 }),
      fc.array(fc.double({ noNaN: true, min: -5, max: 5 }), { minLength: 12, maxLength: 12 }),
      fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
      (P, L, k, s, pad, vals, raw) => {
        const padding = Math.min(pad, Math.floor(k / 2));
        const Lout = (L - 1) * s + k - 2 * padding;
        fc.pre(Lout > 0);
        const x = vals.slice(0, P * L), idx = raw.slice(0, P * L).map((r) => r % Lout);
        const xt = new Tensor(array(x, { dtype: "float64", shape: [P, L] }), {
          requiresGrad: true,
        });
        const it = array(idx, { dtype: "int32", shape: [P, L] });
        const u = maxUnpool1d(xt, it, k, { stride: s, padding });
        assert.deepEqual(u.shape, [P, Lout]);
        assert.deepEqual(flat(u), reference(x, idx, P, L, Lout));
        const g = Array.from({ length: P * Lout }, (_, i) => i + 1);
        u.mul(new Tensor(array(g, { dtype: "float64", shape: [P, Lout] }))).sum().backward();
        assert.deepEqual(flat(xt.grad!), idx.map((at, i) => g[Math.floor(i / L) * Lout + at]));
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("max unpooling passes gradcheck in both modes", () => {
  const x = new Tensor(
    array(Array.from({ length: 2 * 3 * 6 * 6 }, (_, i) => ((i * 29) % 72) / 9), {
      dtype: "float64",
      shape: [2, 3, 6, 6],
    }),
  );
  const r = maxPoolWithIndices(x, { kernel: 2, stride: 2 });
  const v = new Tensor(r.values.data, { requiresGrad: true });
  assert.ok(gradcheck((t) => maxUnpool2d(t, r.indices, 2), [v], { mode: "both" }).ok);
  const v1 = new Tensor(array([1, -2, 3], { dtype: "float64", shape: [1, 3] }), {
    requiresGrad: true,
  });
  const i1 = array([0, 3, 5], { dtype: "int32", shape: [1, 3] });
  assert.ok(gradcheck((t) => maxUnpool1d(t, i1, 2), [v1], { mode: "both" }).ok);
});

Deno.test("max unpooling: unbatched input, float32, toString", () => {
  const r = maxPoolWithIndices(tensor([[[1, 5, 2, 0, 4, 3]]], { dtype: "float32" }), { kernel: 2 });
  const u = maxUnpool1d(r.values.squeeze(0), r.indices.reshape([1, 3]), 2);
  assert.equal(u.dtype, "float32");
  assert.deepEqual(flat(u), [0, 5, 2, 0, 4, 0]);
  assert.equal(
    String(new MaxUnpool2d(2, { stride: 1 })),
    "MaxUnpool2d(kernelSize=[2, 2], stride=[1, 1], padding=[0, 0])",
  );
});

Deno.test("max unpooling: argument errors name the op, the argument and the value", () => {
  const v = tensor([[[3, 6]]]);
  const i = array([0, 3], { dtype: "int32", shape: [1, 1, 2] });
  assert.throws(
    () => maxUnpool1d(v, array([0, 4], { dtype: "int32", shape: [1, 1, 2] }), 2),
    new RangeError("maxUnpool1d: index 4 is out of range [0, 4) of an output plane [4]"),
  );
  assert.throws(
    () => maxUnpool1d(v, array([-1, 2], { dtype: "int32", shape: [1, 1, 2] }), 2),
    new RangeError("maxUnpool1d: index -1 is out of range [0, 4) of an output plane [4]"),
  );
  assert.throws(
    () => maxUnpool1d(v, i, 2, { outputSize: [6] }),
    new RangeError(
      "maxUnpool1d: outputSize [6] is invalid: dimension 0 must be an integer strictly between 2 and 6 for input [1, 1, 2]",
    ),
  );
  assert.throws(
    () => maxUnpool1d(v, i, 2, { outputSize: [1, 2] }),
    new RangeError("maxUnpool1d: outputSize must have 1 or 3 entries, got [1, 2]"),
  );
  assert.throws(
    () => maxUnpool1d(v, i, 2, { outputSize: 5 as unknown as number[] }),
    new TypeError("maxUnpool1d: outputSize must be an array of integers, got 5"),
  );
  assert.throws(
    () => maxUnpool1d(v, array([0, 3], { dtype: "int32", shape: [1, 2] }), 2),
    new RangeError("maxUnpool1d: indices must have the shape of x [1, 1, 2], got [1, 2]"),
  );
  assert.throws(
    () => maxUnpool1d(v, array([0, 3], { dtype: "float32", shape: [1, 1, 2] }), 2),
    new TypeError("maxUnpool1d: indices must be int32, got float32"),
  );
  assert.throws(
    () => maxUnpool1d(v, [0, 3] as unknown as Tensor, 2),
    /TypeError: maxUnpool1d: indices must be an int32 NDArray or Tensor, got/,
  );
  assert.throws(
    () => maxUnpool2d(tensor([[3, 6]]), i, 2),
    new RangeError("maxUnpool2d: expected x [N, C, H, W] or [C, H, W], got [1, 2]"),
  );
  assert.throws(
    () => maxUnpool1d(v, i, 0),
    /RangeError: maxUnpool1d: kernelSize must be an integer >= 1 or an array of 1 such integers, got 0/,
  );
  assert.throws(
    () =>
      maxUnpool1d(tensor([[[3]]]), array([0], { dtype: "int32", shape: [1, 1, 1] }), 1, {
        padding: 1,
      }),
    new RangeError(
      "maxUnpool1d: the output size [-1] of input [1, 1, 1] is negative (kernelSize [1], stride [1], padding [1])",
    ),
  );
  assert.throws(
    () => new MaxUnpool1d(2).forward(v, i, [9]),
    /RangeError: MaxUnpool1d\(\[2\]\): maxUnpool1d: outputSize \[9\] is invalid/,
  );
  assert.throws(
    () => new MaxUnpool2d(2, { stride: -1 }),
    /RangeError: MaxUnpool2d: stride must be an integer >= 1/,
  );
});
