import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "@nnc/tensor";
import { Hopfield, hopfieldCapacity } from "./hopfield.ts";

const X1 = [1, 1, 1, 1, -1, -1, -1, -1];
const X2 = [1, -1, 1, -1, 1, -1, 1, -1];

Deno.test("Hopfield: Hebbian storage of two 8-unit patterns (zero diagonal, entries 0/±2)", () => {
  // spec: 001-004/A3.hopfield
  const net = new Hopfield({ size: 8 }).store([X1, X2]);
  const w = net.weights.toArray() as number[][];
  assert.deepEqual(w[0], [0, 0, 2, 0, 0, -2, 0, -2]);
  for (let i = 0; i < 8; i++) {
    assert.equal(w[i][i], 0);
    for (let j = 0; j < 8; j++) assert.equal(w[i][j], w[j][i]);
  }
  assert.equal(net.patterns, 2);
});

Deno.test("Hopfield: recall of x1 with bit 0 flipped: E = −12, field +6, one sweep back to x1 at E = −24", () => {
  const net = new Hopfield({ size: 8 }).store([X1, X2]);
  // spec: 001-004/A3.hopfield
  const noisy = [-1, ...X1.slice(1)];
  assert.equal(net.energy(noisy), -12);
  assert.equal(net.fields(noisy)[0], 6);
  assert.deepEqual(net.updateAsync(noisy), X1);
  const r = net.recall(noisy);
  assert.deepEqual(r.state, X1);
  assert.deepEqual(r.energies, [-12, -24, -24]);
  assert.equal(r.converged, true);
  assert.equal(r.iterations, 2);
  for (const p of [X1, X2, X1.map((v) => -v), X2.map((v) => -v)]) {
    assert.equal(net.energy(p), -24);
    assert.deepEqual(net.updateAsync(p), p);
    assert.deepEqual(net.updateSync(p), p);
  }
});

Deno.test("Hopfield: synchronous updates can cycle; asynchronous ones reach a fixed point", () => {
  // spec: 001-004/A3.hopfield-cycle
  const net = new Hopfield({ weights: [[0, 1], [1, 0]] });
  assert.deepEqual(net.updateSync([1, -1]), [-1, 1]);
  assert.deepEqual(net.updateSync([-1, 1]), [1, -1]);
  const sync = net.recall([1, -1], { mode: "sync" });
  assert.equal(sync.converged, false);
  assert.deepEqual(sync.cycle, [[1, -1], [-1, 1]]);
  assert.equal(sync.iterations, 2);
  const async = net.recall([1, -1]);
  assert.deepEqual(async.state, [-1, -1]);
  assert.equal(async.converged, true);
  // Updating unit 1 first reaches the other fixed point.
  assert.deepEqual(net.recall([1, -1], { order: [1, 0] }).state, [1, 1]);
  // E = −½ xᵀΘx: −1 at both stored states, +1 on the cycle.
  assert.deepEqual([net.energy([1, 1]), net.energy([-1, -1]), net.energy([1, -1])], [-1, -1, 1]);
});

Deno.test("Hopfield: the energy with ½ never increases under asynchronous updates, biases included (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 2, max: 12 }), (seed, n) => {
      const rng = new Rng(seed);
      const w = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) w[i][j] = w[j][i] = Math.round(rng.normal() * 4) / 2;
      }
      const bias = Array.from({ length: n }, () => rng.normal());
      const net = new Hopfield({ weights: w, bias });
      const x = Array.from({ length: n }, () => (rng.random() < 0.5 ? -1 : 1));
      const r = net.recall(x, { order: "random", rng, maxIter: 200 });
      for (let i = 1; i < r.energies.length; i++) {
        assert.ok(r.energies[i] <= r.energies[i - 1] + 1e-12);
      }
      assert.equal(r.converged, true);
    }),
    { numRuns: 60 },
  );
});

Deno.test("hopfieldCapacity: recall is near perfect at low load and collapses above α ≈ 0.138", () => {
  // spec: 001-004/A2.hopfield-capacity
  const points = hopfieldCapacity({
    size: 200,
    loads: [0.05, 0.1, 0.25],
    trials: 2,
    rng: new Rng(7),
  });
  assert.deepEqual(points.map((p) => p.patterns), [10, 20, 50]);
  assert.ok(points[0].recalled >= 0.95, `α = 0.05: ${points[0].recalled}`);
  assert.ok(points[0].bitErrors < 0.002);
  assert.ok(points[2].recalled <= 0.1, `α = 0.25: ${points[2].recalled}`);
  assert.ok(points[2].bitErrors > points[0].bitErrors);
});

Deno.test("Hopfield: bad input is a clear error", () => {
  const net = new Hopfield({ size: 3 });
  assert.throws(() => net.store([[1, 0, -1]]), {
    name: "RangeError",
    message: "Hopfield.store: patterns[0][1] = 0, expected +1 or -1",
  });
  assert.throws(() => net.store([[1, 1]]), {
    name: "RangeError",
    message: "Hopfield.store: patterns have 2 units (shape [1, 2]), expected 3",
  });
  assert.throws(() => net.recall([1, 1]), {
    name: "RangeError",
    message: "Hopfield.recall: x has length 2, expected 3",
  });
  assert.throws(
    () => net.energy([1, NaN, 1]),
    /Hopfield.energy: x\[1\] is NaN, expected a finite number/,
  );
  assert.throws(
    () => new Hopfield({ weights: [[0, 1], [2, 0]] }),
    /weights must be symmetric; weights\[1\]\[0\] = 2 but weights\[0\]\[1\] = 1/,
  );
  assert.throws(
    () => new Hopfield({ weights: [[0, 1, 1], [1, 0, 1]] }),
    /weights must be square \[n, n\], got shape \[2, 3\]/,
  );
  assert.throws(
    () => net.recall([1, 1, 1], { order: [0, 0, 1] }),
    /order must be a permutation of 0..2; 0 is out of range or repeated/,
  );
  assert.throws(
    () => net.recall([1, 1, 1], { mode: "parallel" as "sync" }),
    /Hopfield.recall: mode must be one of "async", "sync", got "parallel"/,
  );
});

Deno.test("hopfieldCapacity rejects absurd sizes and counts instead of running for hours (found by the API fuzzer)", () => {
  // trials: 3.4e38 used to start a loop that never ends; loads: 7 was "loads is not iterable".
  assert.throws(
    () => hopfieldCapacity({ trials: 3.4e38 }),
    /^RangeError: hopfieldCapacity: trials/,
  );
  assert.throws(
    () => hopfieldCapacity({ size: 2 ** 31 }),
    /^RangeError: hopfieldCapacity: size must be an integer in \[2, 46340\], got 2147483648/,
  );
  assert.throws(
    () => hopfieldCapacity({ loads: 7 as never }),
    /^TypeError: hopfieldCapacity: loads must be an array/,
  );
  assert.throws(
    () => hopfieldCapacity({ size: 10, loads: [1e12] }),
    /^RangeError: hopfieldCapacity: load must be/,
  );
  assert.throws(
    () => hopfieldCapacity(null as never),
    /^TypeError: hopfieldCapacity: options must be an object/,
  );
});
