import assert from "node:assert/strict";
import fc from "fast-check";
import { adaptiveAvgPool1d, gradcheck, Tensor, tensor } from "@nnc/autograd";
import { array } from "@nnc/tensor";
import {
  AdaptiveAvgPool1d,
  AdaptiveMaxPool1d,
  adaptiveMaxPool1d,
  AdaptiveMaxPool2d,
  adaptiveMaxPool2d,
} from "./mod.ts";
import { assertClose, dec, flat, leaf, poolBagCase, poolBagCases } from "./_pool_bag_testing.ts";

Deno.test("adaptive max pooling matches PyTorch 2.x: values, indices, gradients (ties, NaN, ±∞)", () => {
  for (const name of [...poolBagCases("amp1d_"), ...poolBagCases("amp2d_")]) {
    const c = poolBagCase(name);
    const x = leaf(c.x);
    const size = c.outputSize as number | (number | null)[];
    const r = c.op === "adaptiveMaxPool1d"
      ? adaptiveMaxPool1d(x, size as number, { returnIndices: true })
      : adaptiveMaxPool2d(x, size, { returnIndices: true });
    assertClose(r.values, dec(c.values), `${name} values`);
    assert.deepEqual(flat(r.indices), flat(dec(c.indices, "int32")), `${name} indices`);
    r.values.mul(new Tensor(dec(c.g))).sum().backward();
    assertClose(x.grad!, dec(c.grad), `${name} grad`);
    // The modules give the same.
    const m = c.op === "adaptiveMaxPool1d"
      ? new AdaptiveMaxPool1d(size as number)
      : new AdaptiveMaxPool2d(size);
    const x2 = leaf(c.x);
    const y = m.forward(x2);
    assertClose(y, dec(c.values), `${name} module values`);
    y.mul(new Tensor(dec(c.g))).sum().backward();
    assertClose(x2.grad!, dec(c.grad), `${name} module grad`);
    assert.deepEqual(flat(m.forwardWithIndices(x2).indices), flat(r.indices));
  }
});

Deno.test("AdaptiveAvgPool1d matches PyTorch 2.x's adaptive_avg_pool1d (values and gradients)", () => {
  for (const name of poolBagCases("aap1d_")) {
    const c = poolBagCase(name);
    const x = leaf(c.x);
    const y = new AdaptiveAvgPool1d(c.outputSize as number).forward(x);
    assertClose(y, dec(c.values), `${name} values`);
    y.mul(new Tensor(dec(c.g))).sum().backward();
    assertClose(x.grad!, dec(c.grad), `${name} grad`);
  }
  const u = tensor([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]]);
  assert.equal(new AdaptiveAvgPool1d(2).forward(u).toArray().toString(), "2,4,4,2");
  assert.equal(String(new AdaptiveAvgPool1d(3)), "AdaptiveAvgPool1d(outputSize=3)");
});

/** PyTorch's rule written out: collect each bin, NaN wins (its last one), else the first maximum. */
function reference(
  x: number[],
  planes: number,
  H: number,
  W: number,
  oh: number,
  ow: number,
): { values: number[]; indices: number[] } {
  const values: number[] = [], indices: number[] = [];
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const cells: [number, number][] = [];
        for (let h = Math.floor((i * H) / oh); h < Math.ceil(((i + 1) * H) / oh); h++) {
          for (let w = Math.floor((j * W) / ow); w < Math.ceil(((j + 1) * W) / ow); w++) {
            cells.push([x[p * H * W + h * W + w], h * W + w]);
          }
        }
        const nans = cells.filter(([v]) => Number.isNaN(v));
        const m = Math.max(...cells.map(([v]) => v));
        const pick = nans.length > 0 ? nans[nans.length - 1] : cells.find(([v]) => v === m)!;
        values.push(pick[0]);
        indices.push(pick[1]);
      }
    }
  }
  return { values, indices };
}

Deno.test("adaptive max pooling equals the bin formula computed in plain loops (property)", () => {
  const value = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -3, max: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, -Infinity, Infinity) },
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 0, max: 9 }),
      fc.option(fc.integer({ min: 0, max: 9 })),
      fc.array(value, { minLength: 2 * 2 * 6 * 7, maxLength: 2 * 2 * 6 * 7 }),
      (N, C, H, W, oh, owOpt, pool) => {
        const data = pool.slice(0, N * C * H * W);
        const x = new Tensor(array(data, { dtype: "float64", shape: [N, C, H, W] }));
        const ow = owOpt ?? W;
        const want = reference(data, N * C, H, W, oh, ow);
        const r = adaptiveMaxPool2d(x, [oh, owOpt], { returnIndices: true });
        assert.deepEqual(r.values.shape, [N, C, oh, ow]);
        assert.deepEqual(flat(r.values), want.values);
        assert.deepEqual(flat(r.indices), want.indices);
        // 1-d is the same with H = 1.
        const x1 = new Tensor(array(data, { dtype: "float64", shape: [N * C, H, W] }));
        const want1 = reference(data, N * C * H, 1, W, 1, oh);
        const r1 = adaptiveMaxPool1d(x1, oh, { returnIndices: true });
        assert.deepEqual(flat(r1.values), want1.values);
        assert.deepEqual(flat(r1.indices), want1.indices);
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("adaptive max pooling passes gradcheck in both modes (distinct values)", () => {
  const perm = (n: number) => Array.from({ length: n }, (_, i) => ((i * 37) % n) / 7 - 1);
  const x2 = new Tensor(array(perm(2 * 5 * 7), { dtype: "float64", shape: [1, 2, 5, 7] }), {
    requiresGrad: true,
  });
  assert.ok(gradcheck((t) => adaptiveMaxPool2d(t, [3, 9]), [x2], { mode: "both" }).ok);
  const x1 = new Tensor(array(perm(3 * 11), { dtype: "float64", shape: [3, 11] }), {
    requiresGrad: true,
  });
  assert.ok(gradcheck((t) => adaptiveMaxPool1d(t, 4), [x1], { mode: "both" }).ok);
  assert.ok(gradcheck((t) => new AdaptiveAvgPool1d(4).forward(t), [x1], { mode: "both" }).ok);
});

Deno.test("adaptive pooling: shapes, float32, empty batch, zero output size", () => {
  const x = tensor([[[1, 5, 2, 0, 4]]], { dtype: "float32" });
  assert.equal(adaptiveMaxPool1d(x, 3).dtype, "float32");
  assert.deepEqual(adaptiveMaxPool1d(x, 0).shape, [1, 1, 0]);
  assert.deepEqual(adaptiveMaxPool2d(new Tensor(array([], { shape: [0, 2, 3, 3] })), 2).shape, [
    0,
    2,
    2,
    2,
  ]);
  assert.deepEqual(new AdaptiveMaxPool2d([null, 2]).forward(x.reshape(1, 5, 1)).shape, [1, 5, 2]);
  assert.equal(String(new AdaptiveMaxPool2d([2, null])), "AdaptiveMaxPool2d(outputSize=[2, null])");
  assert.equal(String(new AdaptiveMaxPool1d(2)), "AdaptiveMaxPool1d(outputSize=2)");
  // Same values as the average's windows when every window holds one value.
  const y = tensor([[[3, 1, 2]]]);
  assert.deepEqual(flat(adaptiveMaxPool1d(y, 3)), flat(adaptiveAvgPool1d(y, 3)));
});

Deno.test("adaptive pooling: argument errors name the op, the argument and the value", () => {
  const x = tensor([[[1, 2, 3]]]);
  assert.throws(
    () => adaptiveMaxPool1d(x, -1),
    new RangeError("adaptiveMaxPool1d: outputSize entries must be integers >= 0, got -1"),
  );
  assert.throws(
    () => adaptiveMaxPool1d(x, 1.5),
    new RangeError("adaptiveMaxPool1d: outputSize entries must be integers >= 0, got 1.5"),
  );
  assert.throws(
    () => adaptiveMaxPool2d(x.reshape(1, 1, 1, 3), [1, 2, 3]),
    new RangeError(
      "adaptiveMaxPool2d: outputSize must be an integer >= 0 or an array of 2 entries (null keeps the input size), got [1, 2, 3]",
    ),
  );
  assert.throws(
    () => adaptiveMaxPool2d(x.reshape(1, 1, 1, 3), "2" as unknown as number),
    /TypeError: adaptiveMaxPool2d: outputSize must be an integer >= 0 or an array of 2 entries/,
  );
  assert.throws(
    () => adaptiveMaxPool1d(x, [null] as unknown as [number]),
    new TypeError("adaptiveMaxPool1d: outputSize entries must be integers >= 0, got null"),
  );
  assert.throws(
    () => adaptiveMaxPool2d(tensor([[1, 2]]), 2),
    new RangeError("adaptiveMaxPool2d: expected x [N, C, H, W] or [C, H, W], got [1, 2]"),
  );
  assert.throws(
    () => adaptiveMaxPool1d(tensor([1, 2]), 2),
    new RangeError("adaptiveMaxPool1d: expected x [N, C, L] or [C, L], got [2]"),
  );
  assert.throws(
    () => adaptiveMaxPool1d(new Tensor(array([], { shape: [1, 2, 0] })), 2),
    new RangeError(
      "adaptiveMaxPool1d: x must have non-zero sizes except the batch dimension, got [1, 2, 0]",
    ),
  );
  assert.throws(
    () => adaptiveMaxPool1d(tensor([[1, 2]], { dtype: "int32" }), 1),
    new TypeError("adaptiveMaxPool1d: x must be float32 or float64, got int32"),
  );
  assert.throws(
    () => adaptiveMaxPool1d(x, 2, { returnIndices: 1 as unknown as boolean }),
    /TypeError: adaptiveMaxPool1d: returnIndices must be/,
  );
  assert.throws(
    () => adaptiveMaxPool1d("x" as unknown as Tensor, 2),
    new TypeError('adaptiveMaxPool1d: x must be a Tensor or an NDArray, got "x"'),
  );
  assert.throws(
    () => new AdaptiveMaxPool2d([2, -1]),
    new RangeError("AdaptiveMaxPool2d: outputSize entries must be integers >= 0, got -1"),
  );
  assert.throws(
    () => new AdaptiveMaxPool1d(2).forward(tensor([1, 2])),
    new RangeError(
      "AdaptiveMaxPool1d([2]): adaptiveMaxPool1d: expected x [N, C, L] or [C, L], got [2]",
    ),
  );
  assert.throws(
    () => new AdaptiveAvgPool1d(0),
    new RangeError("AdaptiveAvgPool1d: outputSize must be an integer >= 1, got 0"),
  );
  assert.throws(
    () => new AdaptiveAvgPool1d(2).forward(tensor([1, 2])),
    new RangeError("AdaptiveAvgPool1d(2): expected x [N, C, L] or [C, L], got [2]"),
  );
});
