import assert from "node:assert/strict";
import { norm } from "./norm.ts";
import { arr, flat, loadFixture, mat, maxAbsDiff, values } from "./_testing.ts";

const fx = loadFixture("linalg").norm;

Deno.test("norm: vector norms of (3, -4)", () => {
  const v = arr([3, -4], [2]);
  assert.equal(norm(v).item(), 5);
  assert.equal(norm(v, { ord: 1 }).item(), 7);
  assert.equal(norm(v, { ord: Infinity }).item(), 4);
  assert.equal(norm(v, { ord: -Infinity }).item(), 3);
  assert.equal(norm(v, { ord: 0 }).item(), 2);
  assert.ok(Math.abs(norm(v, { ord: 3 }).item() - Math.cbrt(91)) < 1e-15);
  assert.ok(Math.abs(norm(v, { ord: -1 }).item() - 12 / 7) < 1e-15);
});

Deno.test("norm: matches NumPy's vector norms for every order", () => {
  const v = arr(flat(fx.vector), [7]);
  const ords = fx.vector_ords as Record<string, number>;
  const parse = (k: string) => (k === "inf" ? Infinity : k === "-inf" ? -Infinity : Number(k));
  for (const [k, want] of Object.entries(ords)) {
    const got = norm(v, { ord: parse(k) }).item();
    assert.ok(Math.abs(got - want) <= 1e-15 * Math.abs(want), `ord ${k}: ${got} vs ${want}`);
  }
});

Deno.test("norm: matches NumPy's matrix norms for every order, and axis variants", () => {
  const a = arr(flat(fx.matrix), [3, 4]);
  const ords = fx.matrix_ords as Record<string, number>;
  const parse = (k: string) =>
    k === "fro" || k === "nuc" ? k : k === "inf" ? Infinity : k === "-inf" ? -Infinity : Number(k);
  for (const [k, want] of Object.entries(ords)) {
    const got = norm(a, { ord: parse(k) }).item();
    assert.ok(Math.abs(got - want) <= 1e-14 * Math.abs(want), `ord ${k}: ${got} vs ${want}`);
  }
  assert.ok(maxAbsDiff(values(norm(a, { axis: 0 })), flat(fx.axis0)) < 1e-15);
  assert.ok(maxAbsDiff(values(norm(a, { axis: 1, ord: 1 })), flat(fx.axis1_ord1)) < 1e-15);
});

Deno.test("norm: hand-checked matrix norms of [[1, -2], [3, 4]]", () => {
  const a = mat([[1, -2], [3, 4]]);
  assert.equal(norm(a).item(), Math.sqrt(30));
  assert.equal(norm(a, { ord: "fro" }).item(), Math.sqrt(30));
  assert.equal(norm(a, { ord: 1 }).item(), 6);
  assert.equal(norm(a, { ord: -1 }).item(), 4);
  assert.equal(norm(a, { ord: Infinity }).item(), 7);
  assert.equal(norm(a, { ord: -Infinity }).item(), 3);
  // Singular values: √(15 ± √125); their product |det| = 10 and sum of squares 30.
  const s1 = Math.sqrt(15 + Math.sqrt(125));
  const s2 = Math.sqrt(15 - Math.sqrt(125));
  assert.ok(Math.abs(norm(a, { ord: 2 }).item() - s1) < 1e-14);
  assert.ok(Math.abs(norm(a, { ord: -2 }).item() - s2) < 1e-14);
  assert.ok(Math.abs(norm(a, { ord: "nuc" }).item() - (s1 + s2)) < 1e-14);
});

Deno.test("norm: axes, batches, keepDims and swapped matrix axes", () => {
  const x = arr([1, -2, 3, 4, 0, 0, 0, 2], [2, 2, 2]);
  const m = norm(x, { axis: [1, 2], ord: 1 });
  assert.deepEqual(m.shape, [2]);
  assert.deepEqual(Array.from(values(m)), [6, 2]);
  // Axes (2, 1) read each matrix transposed: the 1-norm becomes the ∞-norm.
  assert.deepEqual(Array.from(values(norm(x, { axis: [2, 1], ord: 1 }))), [7, 2]);
  const k = norm(x, { axis: [-2, -1], keepDims: true });
  assert.deepEqual(k.shape, [2, 1, 1]);
  assert.deepEqual(Array.from(values(k)), [Math.sqrt(30), 2]);
  const v = norm(x, { axis: 0, keepDims: true });
  assert.deepEqual(v.shape, [1, 2, 2]);
  assert.deepEqual(Array.from(values(v)), [1, 2, 3, Math.sqrt(20)]);
  assert.deepEqual(norm(x, { keepDims: true }).shape, [1, 1, 1]);
  assert.equal(norm(x).item(), Math.sqrt(34));
  // A strided view reads through its strides.
  assert.deepEqual(Array.from(values(norm(x.transpose(0, 2), { axis: 0, ord: Infinity }))), [
    2,
    0,
    4,
    2,
  ]);
});

Deno.test("norm: scaled 2-norms neither overflow nor underflow; NaN propagates; dtypes", () => {
  assert.equal(norm(arr([3 * 2 ** 700, 4 * 2 ** 700], [2])).item(), 5 * 2 ** 700);
  assert.equal(norm(arr([3 * 2 ** -700, 4 * 2 ** -700], [2])).item(), 5 * 2 ** -700);
  assert.ok(Math.abs(norm(arr([3e200, 4e200], [2])).item() / 5e200 - 1) < 1e-15);
  assert.equal(norm(arr([Infinity, 1], [2])).item(), Infinity);
  assert.ok(Number.isNaN(norm(arr([NaN, 1], [2])).item()));
  assert.ok(Number.isNaN(norm(arr([Infinity, NaN], [2])).item()));
  assert.ok(Number.isNaN(norm(mat([[NaN, 1], [1, 1]]), { ord: 1 }).item()));
  const f = norm(arr([3e30, 4e30], [2], "float32"));
  assert.equal(f.dtype, "float32");
  assert.equal(f.item(), Math.fround(5e30));
  assert.equal(norm(arr([], [0])).item(), 0);
});

Deno.test("norm: bad input", () => {
  assert.throws(() => norm(arr([1, 2], [2]), { ord: "fro" }), {
    name: "RangeError",
    message: 'linalg.norm: invalid norm order "fro" for vectors; expected a number',
  });
  assert.throws(() => norm(mat([[1, 2]]), { ord: 3 }), {
    name: "RangeError",
    message:
      'linalg.norm: invalid norm order 3 for matrices; expected "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity',
  });
  assert.throws(() => norm(arr([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), { ord: 1 }), {
    name: "RangeError",
    message: "linalg.norm: with ord and no axis, x must be 1-d or 2-d, got [2, 2, 2]; pass axis",
  });
  assert.throws(() => norm(mat([[1, 2]]), { axis: [0, 0] }), {
    name: "RangeError",
    message: "linalg.norm: the two axes are the same, got [0, 0]",
  });
  assert.throws(() => norm(mat([[1, 2]]), { axis: 2 }), {
    name: "RangeError",
    message: /axis 2 is out of range/,
  });
  assert.throws(() => norm(mat([[1, 2]]), { axis: [0, 1, 0] }), { name: "RangeError" });
  assert.throws(() => norm(mat([[1, 2]], "int32")), { name: "TypeError" });
});

Deno.test("norm: the notes' points (0, −1, −1) and (0, 1, 1) lie on a surface their sum leaves", () => {
  // spec: 002-part-a/3a.L894
  // Both lie on the sphere ‖x‖ = √2; their sum, the origin, and 2·(0, 1, 1) do not.
  const p = [0, -1, -1], q = [0, 1, 1];
  const on = (v: number[]) => Math.abs(norm(arr(v, [3])).item() - Math.SQRT2) < 1e-15;
  assert.ok(on(p) && on(q));
  assert.equal(norm(arr(p.map((v, i) => v + q[i]), [3])).item(), 0);
  assert.ok(!on(p.map((v, i) => v + q[i])) && !on(q.map((v) => 2 * v)));
});
