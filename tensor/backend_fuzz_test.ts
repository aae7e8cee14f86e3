import assert from "node:assert/strict";
import { NDArray } from "./ndarray.ts";
import {
  backendConformanceTests,
  diff,
  EXACT,
  fillRandom,
  layout,
  Rand,
  randomView,
  tolFor,
  twin,
} from "./conformance.ts";
import { referenceBackend } from "./registry.ts";

Deno.test("Rand is mulberry32: the same numbers on every run", () => {
  // Computed independently (mulberry32 in Python, 32-bit arithmetic by masks) for seed 20.
  const r = new Rand(20);
  assert.equal(r.next(), 0.7526106622535735);
  assert.equal(r.next(), 0.38500334043055773);
  const a = new Rand(5), b = new Rand(5);
  for (let i = 0; i < 100; i++) assert.equal(a.int(-3, 3), b.int(-3, 3));
  assert.deepEqual(new Rand(9).perm(6).toSorted(), [0, 1, 2, 3, 4, 5]);
});

Deno.test("randomView: every element of every view lies inside its storage", () => {
  const r = new Rand(1);
  let strided = 0, broadcast = 0;
  for (let i = 0; i < 500; i++) {
    const shape = r.shape(r.int(0, 4), 0, 4);
    const v = randomView(r, r.pick(["float32", "float64", "int32"]), shape, { broadcast: true });
    assert.deepEqual(v.shape, shape);
    if (v.shape.some((d) => d === 0)) continue;
    let lo = v.offset, hi = v.offset;
    v.shape.forEach((d, k) => {
      const span = (d - 1) * v.strides[k];
      if (span < 0) lo += span;
      else hi += span;
    });
    assert.ok(lo >= 0 && hi < v.data.length, `${layout(v)}`);
    if (!v.isContiguous) strided++;
    if (v.strides.some((s, k) => s === 0 && v.shape[k] > 1)) broadcast++;
  }
  assert.ok(strided > 100 && broadcast > 20, `strided ${strided}, broadcast ${broadcast}`);
});

Deno.test("fillRandom draws integers for int32, specials only when asked", () => {
  const r = new Rand(2);
  const ints = new Int32Array(200);
  fillRandom(r, ints, { intRange: 2 });
  assert.ok(ints.every((v) => v >= -2 && v <= 2));
  const floats = new Float64Array(200);
  fillRandom(r, floats, { special: 1 });
  assert.ok(floats.every((v) => Number.isNaN(v) || !Number.isFinite(v) || v === 0));
});

Deno.test("twin shares nothing; diff compares whole storages with a tolerance", () => {
  const a = NDArray.fromTyped(new Float32Array([1, 2, 3]), [3]);
  const b = twin(a);
  b.data[0] = 5;
  assert.equal(a.data[0], 1);
  assert.equal(diff(new Float64Array([NaN, -0]), new Float64Array([NaN, 0]), EXACT), null);
  assert.equal(diff(new Float64Array([1]), new Float64Array([NaN]), EXACT), "[0]: got 1, want NaN");
  assert.equal(diff(new Float32Array(2), new Float32Array(3), EXACT), "length 2 vs 3");
  const close = new Float64Array([1 + 5e-11]), one = new Float64Array([1]);
  assert.equal(diff(close, one, tolFor("float64")), null);
  assert.equal(diff(close, one, EXACT), `[0]: got ${1 + 5e-11}, want 1`);
  assert.deepEqual(tolFor("int32", 100), EXACT);
});

Deno.test("the helpers and the suite reject bad arguments and name themselves", () => {
  assert.throws(() => new Rand(0.5), /Rand: seed must be an integer/);
  assert.throws(() => randomView(new Rand(1), "int8" as never, [2]), /randomView: dtype/);
  assert.throws(() => randomView(new Rand(1), "float32", [-1]), /randomView: shape\[0\]/);
  assert.throws(() => tolFor("float32", -1), /tolFor: scale/);
  assert.throws(() => diff([1] as never, new Float32Array(1), EXACT), /diff: got must be/);
  assert.throws(() => twin(null as never), /twin: a/);
  assert.throws(
    () => backendConformanceTests(referenceBackend(), { label: 3 } as never),
    /backendConformanceTests: label must be a non-empty string, got/,
  );
  assert.throws(
    () => backendConformanceTests(null as never, { label: "x" }),
    /backendConformanceTests: candidate must be a Backend/,
  );
  assert.throws(
    () => backendConformanceTests(referenceBackend(), { label: "x", ignore: 1 } as never),
    /backendConformanceTests: ignore must be a boolean/,
  );
});
