import assert from "node:assert/strict";
import { spirals } from "./spirals.ts";

Deno.test("spirals puts point i of arm j at radius (i+1)/m and angle 2π·turns·r + 2πj/k", () => {
  const { x, y } = spirals({ n: 301, arms: 3, turns: 1.5 });
  const pts = x.toArray() as number[][];
  const labels = y.toArray() as number[];
  assert.deepEqual([0, 1, 2].map((j) => labels.filter((l) => l === j).length), [101, 100, 100]);
  let row = 0;
  for (const [j, m] of [[0, 101], [1, 100], [2, 100]]) {
    for (let i = 0; i < m; i++, row++) {
      const r = (i + 1) / m, theta = 2 * Math.PI * 1.5 * r + (2 * Math.PI * j) / 3;
      assert.ok(
        Math.abs(pts[row][0] - r * Math.cos(theta)) < 1e-6 &&
          Math.abs(pts[row][1] - r * Math.sin(theta)) < 1e-6,
        `${row}`,
      );
      assert.equal(labels[row], j);
    }
  }
});

Deno.test("spirals is seeded and validates its options", () => {
  const a = spirals({ n: 100, noise: 0.1, seed: 5 }).x.toArray();
  assert.deepEqual(a, spirals({ n: 100, noise: 0.1, seed: 5 }).x.toArray());
  assert.notDeepEqual(a, spirals({ n: 100, noise: 0.1, seed: 6 }).x.toArray());
  assert.throws(() => spirals({ arms: 0 }), /arms must be an integer in \[1, 2147483647\]/);
  assert.throws(() => spirals({ turns: -1 }), /turns must be a finite number >= 0/);
});
