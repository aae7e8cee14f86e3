import assert from "node:assert/strict";
import { twoMoons } from "./two_moons.ts";

Deno.test("twoMoons without noise matches scikit-learn's make_moons(5, shuffle=False)", () => {
  const { x, y } = twoMoons({ n: 5 });
  const expected = [[1, 0], [-1, 0], [0, 0.5], [1, -0.5], [2, 0.5]];
  (x.toArray() as number[][]).forEach((p, i) =>
    p.forEach((v, k) => assert.ok(Math.abs(v - expected[i][k]) < 1e-6, `${i},${k}`))
  );
  assert.deepEqual(y.toArray(), [0, 0, 1, 1, 1]);
  assert.equal(x.dtype, "float32");
});

Deno.test("twoMoons points lie on their half circles, half per moon", () => {
  const { x, y } = twoMoons({ n: 201 });
  const pts = x.toArray() as number[][];
  const labels = y.toArray() as number[];
  assert.equal(labels.filter((l) => l === 0).length, 100);
  pts.forEach(([a, b], i) => {
    const r = labels[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-6, `point ${i}`);
    assert.ok(labels[i] === 0 ? b >= -1e-7 : b <= 0.5 + 1e-7);
  });
});

Deno.test("twoMoons noise is seeded and has the requested spread", () => {
  const a = twoMoons({ n: 4000, noise: 0.1, seed: 7 });
  assert.deepEqual(a.x.toArray(), twoMoons({ n: 4000, noise: 0.1, seed: 7 }).x.toArray());
  assert.notDeepEqual(a.x.toArray(), twoMoons({ n: 4000, noise: 0.1, seed: 8 }).x.toArray());
  const diff = a.x.sub(twoMoons({ n: 4000 }).x);
  assert.ok(Math.abs(diff.std().item() - 0.1) < 0.005, String(diff.std().item()));
  assert.ok(Math.abs(diff.mean().item()) < 0.005);
});

Deno.test("twoMoons validates its options", () => {
  assert.throws(
    () => twoMoons({ n: -1 }),
    /twoMoons: n must be an integer in \[0, 2147483647\], got -1/,
  );
  assert.throws(() => twoMoons({ noise: -0.1 }), /noise must be a finite number >= 0/);
  assert.throws(() => twoMoons({ seed: NaN }), /seed must be a finite number/);
  assert.throws(() => twoMoons(5 as unknown as object), /options must be an object/);
  assert.equal(twoMoons({ n: 0 }).x.size, 0);
});
