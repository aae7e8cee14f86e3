import assert from "node:assert/strict";
import { circles } from "./circles.ts";

Deno.test("circles (rings) puts evenly spaced points on radius 1 and factor, like make_circles", () => {
  const { x, y } = circles({ n: 9, factor: 0.3 });
  const pts = x.toArray() as number[][];
  assert.deepEqual(y.toArray(), [0, 0, 0, 0, 1, 1, 1, 1, 1]);
  pts.forEach(([a, b], i) => assert.ok(Math.abs(Math.hypot(a, b) - (i < 4 ? 1 : 0.3)) < 1e-6));
  // make_circles: angles linspace(0, 2π, m, endpoint=False).
  assert.ok(Math.abs(pts[1][1] - 1) < 1e-6 && Math.abs(pts[1][0]) < 1e-6);
  assert.ok(Math.abs(pts[5][0] - 0.3 * Math.cos((2 * Math.PI) / 5)) < 1e-6);
});

Deno.test("circles (playground) fills a disc of radius 2.5 (label 1) and a ring 3.5–5 (label 0)", () => {
  const { x, y } = circles({ n: 1000, layout: "playground", seed: 3 });
  const pts = x.toArray() as number[][];
  const labels = y.toArray() as number[];
  assert.equal(labels.filter((l) => l === 1).length, 500);
  pts.forEach(([a, b], i) => {
    const r = Math.hypot(a, b);
    assert.ok(labels[i] === 1 ? r <= 2.5 : r >= 3.5 - 1e-6 && r <= 5 + 1e-6, `${i}: r=${r}`);
  });
  // With noise the label follows the moved point, so some labels disagree with the stored radius.
  const noisy = circles({ n: 1000, layout: "playground", noise: 0.5, seed: 3 });
  const flipped =
    (noisy.x.toArray() as number[][]).filter(([a, b], i) =>
      (Math.hypot(a, b) < 2.5 ? 1 : 0) !== noisy.y.get(i)
    ).length;
  assert.ok(flipped > 50 && flipped < 500, String(flipped));
});

Deno.test("circles is seeded and validates its options", () => {
  assert.deepEqual(
    circles({ n: 50, noise: 0.05, seed: 1 }).x.toArray(),
    circles({ n: 50, noise: 0.05, seed: 1 }).x.toArray(),
  );
  assert.throws(() => circles({ factor: 1 }), /factor must be below 1/);
  assert.throws(() => circles({ factor: 2 }), /factor must be a number in \[0, 1\]/);
  assert.throws(
    () => circles({ layout: "spiral" as "rings" }),
    /layout must be "rings" or "playground"/,
  );
  assert.throws(
    () => circles({ layout: "playground", noise: 0.7 }),
    /noise must be a number in \[0, 0.5\]/,
  );
});

Deno.test("circles names itself for a seed of any kind", () => {
  assert.throws(
    () => circles({ seed: Object.create(null) }),
    /^RangeError: circles: seed must be a finite number, got an object$/,
  );
});
