import assert from "node:assert/strict";
import { xor } from "./xor.ts";

Deno.test("xor without n is the truth table", () => {
  const { x, y } = xor();
  assert.deepEqual(x.toArray(), [[0, 0], [0, 1], [1, 0], [1, 1]]);
  assert.deepEqual(y.toArray(), [0, 1, 1, 0]);
  assert.equal(x.dtype, "float32");
  assert.equal(y.dtype, "int32");
});

Deno.test("xor with n labels quadrants and is roughly balanced", () => {
  const { x, y } = xor({ n: 2000, seed: 1 });
  const pts = x.toArray() as number[][];
  pts.forEach(([a, b], i) => {
    assert.ok(Math.abs(a) <= 1 && Math.abs(b) <= 1);
    assert.equal(y.get(i), (a > 0) !== (b > 0) ? 1 : 0);
  });
  const ones = y.sum().item();
  assert.ok(ones > 900 && ones < 1100, String(ones));
  // Noise moves points after labelling, so some cross the axes.
  const noisy = xor({ n: 2000, noise: 0.3, seed: 1 });
  const crossed =
    (noisy.x.toArray() as number[][]).filter(([a, b], i) =>
      ((a > 0) !== (b > 0) ? 1 : 0) !== noisy.y.get(i)
    ).length;
  assert.ok(crossed > 100, String(crossed));
  assert.deepEqual(noisy.y.toArray(), xor({ n: 2000, noise: 0.3, seed: 1 }).y.toArray());
  assert.throws(() => xor({ n: 1.5 }), /n must be an integer/);
});
