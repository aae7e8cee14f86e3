import assert from "node:assert/strict";
import fc from "fast-check";
import * as t from "./mod.ts";
import { array, assertClose, type NDArray } from "./mod.ts";
import { loadFixture } from "./_fixture.ts";

const fx = loadFixture("core");

Deno.test("unary maths equals PyTorch (float64)", () => {
  const x = array(fx.unary_x, { dtype: "float64" });
  const ops: Record<string, (a: NDArray) => NDArray> = {
    exp: t.exp,
    expm1: t.expm1,
    tanh: t.tanh,
    sigmoid: t.sigmoid,
    softplus: t.softplus,
    erf: t.erf,
    round: t.round,
    sin: t.sin,
  };
  for (const [name, f] of Object.entries(ops)) {
    assertClose(f(x), fx.unary[name] as number[], { rtol: 1e-13, atol: 1e-15, message: name });
  }
  const p = array(fx.unary_pos, { dtype: "float64" });
  const pops: Record<string, (a: NDArray) => NDArray> = {
    log: t.log,
    log1p: t.log1p,
    sqrt: t.sqrt,
    rsqrt: t.rsqrt,
  };
  for (const [name, f] of Object.entries(pops)) {
    assertClose(f(p), fx.unary_on_pos[name] as number[], { rtol: 1e-14, message: name });
  }
});

Deno.test("unary ops: exact small cases, dtypes and float32 rounding", () => {
  assert.deepEqual(t.round(array([0.5, 1.5, 2.5, -1.5, -2.5, 2.4])).toArray(), [
    0,
    2,
    2,
    -2,
    -2,
    2,
  ]);
  assert.deepEqual(t.relu(array([-1, 0, 3])).toArray(), [0, 0, 3]);
  assert.deepEqual(t.abs(array([-3, 2], { dtype: "int32" })).dtype, "int32");
  assert.equal(t.exp(array([1], { dtype: "int32" })).dtype, "float32");
  assert.equal(t.sigmoid(array([-1000])).item(), 0);
  assert.equal(t.sigmoid(array([1000])).item(), 1);
  assert.equal(t.softplus(array([-1000])).item(), 0);
  assert.equal(t.softplus(array([1000])).item(), 1000);
  assert.ok(Number.isNaN(t.relu(array([NaN])).item()));
  assert.equal(t.exp(array([1])).item(), Math.fround(Math.E));
});

Deno.test("binary ops broadcast and equal PyTorch", () => {
  const a = array(fx.binary_a, { dtype: "float64" }), b = array(fx.binary_b, { dtype: "float64" });
  assertClose(t.pow(t.abs(a), b), fx.binary.pow as number[], { rtol: 1e-13 });
  assertClose(t.mod(t.mul(a, 3), b), fx.binary.mod as number[], { rtol: 1e-12, atol: 1e-14 });
  assertClose(t.atan2(a, b), fx.binary.atan2 as number[], { rtol: 1e-14 });
  assertClose(t.maximum(a, b), fx.binary.maximum as number[], { rtol: 0 });
  assert.deepEqual(t.add(array([[1], [2]]), array([10, 20, 30])).toArray(), [[11, 21, 31], [
    12,
    22,
    32,
  ]]);
  assert.deepEqual(t.sub(10, array([1, 2])).toArray(), [9, 8]);
  assert.deepEqual(
    t.div(array([7], { dtype: "int32" }), array([2], { dtype: "int32" })).toArray(),
    [3.5],
  );
  assert.deepEqual(t.mod(array([-7, 7], { dtype: "int32" }), 3).toArray(), [2, 1]);
  assert.deepEqual(t.eq(array([1, 2, 3]), array([1, 0, 3])).toArray(), [1, 0, 1]);
  assert.deepEqual(t.lt(array([1, 2, 3]), 2).toArray(), [1, 0, 0]);
  assert.deepEqual(t.le(array([1, 2, 3]), 2).toArray(), [1, 1, 0]);
  assert.deepEqual(t.gt(array([1, 2, 3]), 2).toArray(), [0, 0, 1]);
  assert.deepEqual(t.ge(array([1, 2, 3]), 2).toArray(), [0, 1, 1]);
  assert.deepEqual(t.ne(array([1, 2, 3]), 2).toArray(), [1, 0, 1]);
  assert.deepEqual((t.minimum(array([1, NaN]), 0).toArray() as number[]).map(String), ["0", "NaN"]);
});

Deno.test("dtype promotion follows PyTorch's rules", () => {
  const i = array([1, 2], { dtype: "int32" });
  assert.equal(t.add(i, 1).dtype, "int32");
  assert.equal(t.add(i, 0.5).dtype, "float32");
  assert.deepEqual(t.add(i, 0.5).toArray(), [1.5, 2.5]);
  assert.equal(t.add(i, array([1], { dtype: "float64" })).dtype, "float64");
  assert.equal(t.mul(array([1]), array([1], { dtype: "float64" })).dtype, "float64");
});

Deno.test("where and clamp", () => {
  const c = array([[1], [0]]);
  assert.deepEqual(t.where(c, array([1, 2]), array([10, 20])).toArray(), [[1, 2], [10, 20]]);
  assert.deepEqual(t.clamp(array([-1, 0.5, 2]), 0).toArray(), [0, 0.5, 2]);
  assert.deepEqual(t.clamp(array([-1, 0.5, 2]), undefined, 1).toArray(), [-1, 0.5, 1]);
  assert.throws(() => t.clamp(array([1]), 2, 1), /clamp: min 2 is greater than max 1/);
});

Deno.test("elementwise ops on non-contiguous views", () => {
  const a = t.arange(12, undefined, undefined, { dtype: "float32" }).reshape(3, 4);
  const view = a.T.slice({ step: 2 }); // [[0,4,8],[2,6,10]]
  assert.deepEqual(t.add(view, 1).toArray(), [[1, 5, 9], [3, 7, 11]]);
  assert.deepEqual(t.neg(a.flip(1).slice(0)).toArray(), [-3, -2, -1, -0]);
});

Deno.test("bad operands are rejected with the op and the shapes", () => {
  assert.throws(
    () => t.add(array([1, 2, 3]), array([1, 2])),
    /add: shapes \[3\] and \[2\] cannot be broadcast together/,
  );
  assert.throws(
    () => t.mul(array([1]), "2" as unknown as number),
    /mul: second operand must be an NDArray or a number, got "2"/,
  );
  assert.throws(
    () => t.exp([1] as unknown as NDArray),
    /exp: x must be an NDArray, got an array of length 1/,
  );
  assert.throws(
    () => t.where(array([1, 0, 1]), array([1, 2]), 0),
    /where: shapes \[3\] and \[2\] cannot be broadcast/,
  );
});

const dim = fc.integer({ min: 1, max: 4 });

Deno.test("property: broadcasting equals explicit expansion, element by element", () => {
  fc.assert(
    fc.property(
      fc.array(dim, { minLength: 1, maxLength: 4 }),
      fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      fc.integer({ min: 0, max: 3 }),
      (shape, ones, drop) => {
        const bShape = shape.slice(Math.min(drop, shape.length - 1)).map((
          d,
          i,
        ) => (ones[i] ? 1 : d));
        const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const a = t.arange(size(shape), undefined, undefined, { dtype: "float64" }).reshape(shape);
        const b = t.arange(size(bShape), undefined, undefined, { dtype: "float64" }).mul(10)
          .reshape(bShape);
        const s = t.add(a, b);
        assert.deepEqual(s.shape, shape);
        const bx = b.expand(shape).contiguous();
        const expected = Array.from({ length: size(shape) }, (_, i) => a.data[i] + bx.data[i]);
        assert.deepEqual(Array.from(s.data), expected);
        // broadcasting is symmetric
        assert.deepEqual(t.add(b, a).toArray(), s.toArray());
      },
    ),
  );
});

Deno.test("geluGradFromOutput: Φ(x) + x·φ(x) from the output, against erf's derivative and a golden value", () => {
  // GELU'(1) = Φ(1) + φ(1) = 0.8413447460685429 + 0.24197072451914337 (tables of Φ and φ).
  const one = array([1], { dtype: "float64" });
  assert.ok(Math.abs(t.geluGradFromOutput(one, t.gelu(one)).get(0) - 1.0833154705876864) < 1e-15);
  // At 0 and below 2⁻⁶⁰ in magnitude Φ is taken as 0.5 (y/x would be 0/0 or lose Φ).
  const small = array([0, -0, 2 ** -70, -(2 ** -61)], { dtype: "float64" });
  const d = t.geluGradFromOutput(small, t.gelu(small)).toArray() as number[];
  d.forEach((v, i) => assert.ok(Math.abs(v - 0.5) < 1e-18, `${i}: ${v}`));
  fc.assert(
    fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
      const a = array([x], { dtype: "float64" });
      const got = t.geluGradFromOutput(a, t.gelu(a)).get(0), want = t.geluGrad(a).get(0);
      // y/x carries y's rounding; erf's last bits differ from exp's: a few ulps of the terms.
      assert.ok(
        Math.abs(got - want) <= 1e-14 * (Math.abs(want) + Math.abs(x) * 0.4),
        `${x}: ${got} vs ${want}`,
      );
    }),
  );
  assert.throws(() => t.geluGradFromOutput(array([1, 2]), array([1, 2, 3])), /geluGradFromOutput/);
});
