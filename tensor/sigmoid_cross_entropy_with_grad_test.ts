import assert from "node:assert/strict";
import fc from "fast-check";
import {
  array,
  randn,
  Rng,
  sigmoidCrossEntropy,
  sigmoidCrossEntropyGrad,
  sigmoidCrossEntropyWithGrad,
} from "./mod.ts";
import { assertClose } from "./testing.ts";

// One float32 ulp relative (the binary kernels' tolerance in the conformance suite): libnnc's
// vectorised and scalar exp may round an element a double ulp apart, which the cast to float32
// almost never shows.
const TOL = {
  float32: { rtol: 1.2e-7, atol: 1e-12, equalNan: true },
  float64: { rtol: 1e-14, atol: 1e-14, equalNan: true },
};

Deno.test("sigmoidCrossEntropyWithGrad: PyTorch's binary_cross_entropy_with_logits and its gradient", () => {
  // torch 1.13, float64: F.binary_cross_entropy_with_logits(x, y, reduction="none") and x.grad.
  const x = array([-3, -0.5, 0, 0.5, 3, 20, -20], { dtype: "float64" });
  const y = array([0, 1, 0.5, 0.25, 1, 0, 1], { dtype: "float64" });
  const { loss, grad } = sigmoidCrossEntropyWithGrad(x, y);
  assertClose(loss, [
    0.048587351573741965,
    0.9740769841801067,
    0.6931471805599453,
    0.8490769841801067,
    0.048587351573741965,
    20.000000002061153,
    20.000000002061153,
  ], { rtol: 1e-14, atol: 0 });
  assertClose(grad, [
    0.04742587317756678,
    -0.6224593312018546,
    0,
    0.3724593312018546,
    -0.047425873177566635,
    0.9999999979388463,
    -0.9999999979388464,
  ], { rtol: 1e-14, atol: 1e-17 });
});

Deno.test("sigmoidCrossEntropyWithGrad equals the two binary ops (float32, float64, specials)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const rng = new Rng(11);
    const x = randn([9, 301], { dtype, rng }).mul(6);
    const y = randn([9, 301], { dtype, rng }).sigmoid();
    const specials = [0, -0, Infinity, -Infinity, NaN, 1e-30, -1e-30, 88, -88, 710, -710];
    for (let i = 0; i < specials.length; i++) x.data[i * 7] = specials[i];
    const { loss, grad } = sigmoidCrossEntropyWithGrad(x, y);
    assert.equal(loss.dtype, dtype);
    assertClose(loss, sigmoidCrossEntropy(x, y), TOL[dtype]);
    assertClose(grad, sigmoidCrossEntropyGrad(x, y), TOL[dtype]);
  }
});

Deno.test("sigmoidCrossEntropyWithGrad: random logits and targets (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 70 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (xs, t) => {
        const x = array(xs, { dtype: "float64" }), y = array(xs.map(() => t), { dtype: "float64" });
        const { loss, grad } = sigmoidCrossEntropyWithGrad(x, y);
        assertClose(loss, sigmoidCrossEntropy(x, y), TOL.float64);
        assertClose(grad, sigmoidCrossEntropyGrad(x, y), TOL.float64);
        // The loss is at least the target's entropy and the slope lies in (−1, 1).
        for (let i = 0; i < xs.length; i++) {
          assert.ok(grad.data[i] >= -1 && grad.data[i] <= 1);
          assert.ok(loss.data[i] >= -1e-12);
        }
      },
    ),
    { numRuns: 200, seed: 7 },
  );
});

Deno.test("sigmoidCrossEntropyWithGrad broadcasts, promotes and reads strided operands", () => {
  const x = array([[0, 1, -2], [3, -4, 5]]);
  const row = array([1, 0, 0.5], { dtype: "float64" });
  const { loss, grad } = sigmoidCrossEntropyWithGrad(x.T, row.reshape([3, 1]));
  assert.equal(loss.dtype, "float64");
  assert.deepEqual(loss.shape, [3, 2]);
  assertClose(loss, sigmoidCrossEntropy(x.T.astype("float64"), row.reshape([3, 1])), TOL.float64);
  assertClose(
    grad,
    sigmoidCrossEntropyGrad(x.T.astype("float64"), row.reshape([3, 1])),
    TOL.float64,
  );
  const empty = sigmoidCrossEntropyWithGrad(array([]), array([]));
  assert.equal(empty.loss.size + empty.grad.size, 0);
});

Deno.test("sigmoidCrossEntropyWithGrad rejects what it cannot compute, naming the op", () => {
  assert.throws(
    () => sigmoidCrossEntropyWithGrad(array([1]), [1] as never),
    /sigmoidCrossEntropyWithGrad: y must be an NDArray, got/,
  );
  assert.throws(
    () =>
      sigmoidCrossEntropyWithGrad(
        array([1, 2], { dtype: "int32" }),
        array([0, 1], { dtype: "int32" }),
      ),
    /sigmoidCrossEntropyWithGrad: logits and targets must be float arrays, got "int32" and "int32"/,
  );
  assert.throws(
    () => sigmoidCrossEntropyWithGrad(array([1, 2]), array([1, 2, 3])),
    /sigmoidCrossEntropyWithGrad: .*\[2\].*\[3\]/,
  );
});
