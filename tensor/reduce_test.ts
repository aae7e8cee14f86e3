import assert from "node:assert/strict";
import * as t from "./mod.ts";
import { array, assertClose } from "./mod.ts";
import { loadFixture } from "./_fixture.ts";

const fx = loadFixture("core");
const x = array(fx.reduce_x, { dtype: "float64" });

Deno.test("reductions over axes equal PyTorch", () => {
  const r = fx.reduce;
  assertClose(t.sum(x, { axis: [0, 2] }), r.sum_02 as number[], { rtol: 1e-13 });
  assertClose(t.mean(x, { axis: 1, keepDims: true }), r.mean_1_keep as number[], { rtol: 1e-13 });
  assert.deepEqual(t.mean(x, { axis: 1, keepDims: true }).shape, [3, 1, 5]);
  assertClose(t.variance(x, { axis: [0, 2] }), r.var_02 as number[], { rtol: 1e-13 });
  assertClose(t.std(x, { axis: 2, correction: 0 }), r.std_2_c0 as number[], { rtol: 1e-13 });
  assertClose(t.logsumexp(x, { axis: 1 }), r.logsumexp_1 as number[], { rtol: 1e-13 });
  assertClose(t.prod(x, { axis: 0 }), r.prod_0 as number[], { rtol: 1e-13 });
  assertClose(t.max(x, { axis: 2 }), r.max_2 as number[], { rtol: 0 });
  assert.deepEqual(t.argmax(x, { axis: 1 }).toArray(), r.argmax_1);
  assert.deepEqual(t.argmin(x, { axis: 0 }).toArray(), r.argmin_0);
  assertClose(t.softmax(x, 1), r.softmax_1 as number[], { rtol: 1e-13 });
  assertClose(t.logSoftmax(x, 0), r.log_softmax_0 as number[], { rtol: 1e-13 });
});

Deno.test("reductions: exact small cases, negative axes, views and dtypes", () => {
  const a = array([[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.sum(a).item(), 21);
  assert.deepEqual(t.sum(a, { axis: -1 }).toArray(), [6, 15]);
  assert.deepEqual(t.sum(a.T, { axis: 0 }).toArray(), [6, 15]);
  assert.deepEqual(t.max(a, { axis: 0, keepDims: true }).toArray(), [[4, 5, 6]]);
  assert.deepEqual(t.min(a.flip(1), { axis: 1 }).toArray(), [1, 4]);
  assert.deepEqual(t.prod(a, { axis: 1 }).toArray(), [6, 120]);
  assert.equal(t.argmax(a).item(), 5);
  assert.deepEqual(t.argmax(a, { axis: 0, keepDims: true }).shape, [1, 3]);
  assert.equal(t.argmax(array([1, 3, 3])).item(), 1, "first maximum wins");
  const i = array([1, 2, 4], { dtype: "int32" });
  assert.equal(t.sum(i).dtype, "int32");
  assert.equal(t.mean(i).dtype, "float32");
  assert.equal(t.mean(i).item(), Math.fround(7 / 3));
  assert.equal(t.sum(array([], { dtype: "float32" })).item(), 0);
  assert.ok(Number.isNaN(t.max(array([1, NaN, 3])).item()));
  assert.equal(t.argmax(array([1, NaN, 3])).item(), 1);
  assert.equal(t.variance(array([2, 4, 4, 4, 5, 5, 7, 9]), { correction: 0 }).item(), 4);
  assert.equal(t.std(array([2, 4, 4, 4, 5, 5, 7, 9]), { correction: 0 }).item(), 2);
});

Deno.test("float32 sums accumulate in double precision", () => {
  const n = 1 << 20;
  const ones = t.full([n], 0.1);
  // A float32 running sum of 2^20 × 0.1 drifts by ~1%; a double accumulator stays within float32 rounding.
  assert.ok(Math.abs(t.sum(ones).item() - n * Math.fround(0.1)) < 1e-2);
});

Deno.test("softmax: the notes' worked example and stability", () => {
  // spec: 000-003/3.1
  // 000:L326: z = (1.1, 2.2, 0.2, -1.7) → (0.224, 0.672, 0.091, 0.013); the notes truncate 0.0135 to 0.013.
  const p = t.softmax(array([1.1, 2.2, 0.2, -1.7], { dtype: "float64" }));
  assertClose(p, [0.224, 0.672, 0.091, 0.013], { atol: 1e-3 });
  assertClose(p, [0.22363631, 0.67184061, 0.09092374, 0.01359934], { rtol: 1e-6 });
  assertClose(t.softmax(array([1000, 1000])), [0.5, 0.5]);
  assertClose(t.logSoftmax(array([-1000, 0], { dtype: "float64" })), [-1000, 0]);
  assert.equal(
    t.sum(t.softmax(array([[1, 2], [3, 4]]), 0), { axis: 0 }).toArray().toString(),
    "1,1",
  );
});

Deno.test("reductions reject bad axes and empty extremes", () => {
  const a = array([[1, 2], [3, 4]]);
  assert.throws(() => t.sum(a, { axis: 2 }), /sum: axis 2 is out of range for an array of rank 2/);
  assert.throws(() => t.sum(a, { axis: [0, -2] }), /sum: repeated axis in \[0, -2\]/);
  assert.throws(() => t.max(t.zeros([0, 2]), { axis: 0 }), /max: cannot reduce an empty axis/);
  assert.throws(() => t.argmax(t.zeros([0])), /argmax: axis 0 of shape \[0\] is empty/);
  assert.throws(
    () => t.variance(a, { correction: -1 }),
    /variance: correction must be a non-negative number/,
  );
  assert.throws(() => t.softmax(a, 3), /softmax: axis 3 is out of range/);
});

Deno.test("reductions check their options under their own names (found by the API fuzzer)", () => {
  const x = t.zeros([0, 2]);
  // keepDims that is not a boolean used to be taken as true: a silently wrong shape.
  assert.throws(
    () => t.sum(x, { axis: 1, keepDims: {} as never }),
    /^TypeError: sum: keepDims must be a boolean/,
  );
  assert.throws(
    () => t.max(t.zeros([2]), null as never),
    /^TypeError: max: options must be an object/,
  );
  assert.throws(
    () => t.sum(undefined as never),
    /^TypeError: sum: x must be an NDArray, got undefined/,
  );
  assert.throws(
    () => t.argmax(t.zeros([2]), { axis: {} as never }),
    /^TypeError: argmax: axis must be an integer/,
  );
  assert.throws(() => t.std(t.zeros([2]), { axis: 3 }), /^RangeError: std: axis 3 is out of range/);
  assert.throws(
    () => t.std(t.zeros([2]), { correction: Symbol() as never }),
    /^RangeError: std: correction/,
  );
  assert.throws(
    () => t.variance(t.zeros([2]), { axis: [Symbol()] as never }),
    /^TypeError: variance: axis must be an integer, got a symbol/,
  );
});

Deno.test("argmax and argmin of a 0-d array along axis 0 or -1: index 0, a 0-d int32 array", () => {
  for (const op of [t.argmax, t.argmin]) {
    for (const axis of [0, -1]) {
      for (const keepDims of [false, true]) {
        const r = op(array(7), { axis, keepDims });
        assert.deepEqual([r.dtype, r.shape, r.item()], ["int32", [], 0]);
      }
    }
    assert.throws(() => op(array(7), { axis: 1 }), /arg(max|min): axis 1 is out of range/);
  }
});
