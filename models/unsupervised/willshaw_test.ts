import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "@nnc/tensor";
import { sparsePatterns, Willshaw } from "./willshaw.ts";

Deno.test("Willshaw: storage is an OR of outer products y xᵀ (clipped at 1)", () => {
  const mem = new Willshaw({ inputs: 4, outputs: 3 });
  mem.store([[1, 1, 0, 0], [0, 1, 1, 0]], [[1, 0, 1], [1, 1, 0]]);
  assert.deepEqual(mem.weights.toArray(), [
    [1, 1, 1, 0], // y0 is on in both pairs: x0 ∨ x1 … Θ = min(1, Σ y xᵀ)
    [0, 1, 1, 0],
    [1, 1, 0, 0],
  ]);
  assert.equal(mem.stored, 2);
  assert.equal(mem.density, 7 / 12);
  // z = Θx = (2, 1, 2) for x = (1, 1, 0, 0), threshold r = 2.
  assert.deepEqual(mem.recall([1, 1, 0, 0]), [1, 0, 1]);
  assert.deepEqual(mem.recall([0, 1, 1, 0]), [1, 1, 0]);
  // The notes' threshold r as an explicit option: r = 1 with a one-bit cue.
  assert.deepEqual(mem.recall([0, 0, 1, 0], { threshold: 1 }), [1, 1, 0]);
});

Deno.test("Willshaw: recall of a stored cue contains the stored output (monotonicity, property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 40 }), (seed, s) => {
      const rng = new Rng(seed);
      const n = 64, r = 4;
      const x = sparsePatterns(s, n, r, rng), y = sparsePatterns(s, n, r, rng);
      const mem = new Willshaw({ inputs: n }).store(x, y);
      for (let t = 0; t < s; t++) {
        const out = mem.recall(x[t]);
        for (let j = 0; j < n; j++) if (y[t][j] === 1) assert.equal(out[j], 1);
      }
    }),
    { numRuns: 50 },
  );
});

Deno.test("Willshaw: few sparse patterns are recalled exactly; many fill the matrix and add spurious bits", () => {
  const rng = new Rng(3);
  const n = 256, r = 8; // r = log₂ n
  const exact = (s: number) => {
    const x = sparsePatterns(s, n, r, rng);
    const mem = new Willshaw({ inputs: n }).store(x);
    return [x.filter((p) => mem.recall(p).join() === p.join()).length / s, mem.density];
  };
  const [few, sparse] = exact(20);
  const [many, dense] = exact(2000);
  assert.equal(few, 1);
  assert.ok(sparse < 0.05);
  assert.ok(many < 0.5 && dense > 0.6, `exact fraction ${many}, density ${dense}`);
});

Deno.test("Willshaw: bad input is a clear error", () => {
  const mem = new Willshaw({ inputs: 3 });
  assert.throws(() => mem.store([[1, 2, 0]]), {
    name: "RangeError",
    message: "Willshaw.store: x[0][1] = 2, expected 0 or 1",
  });
  assert.throws(
    () => mem.store([[1, 0, 0]], [[1, 0, 0], [0, 1, 0]]),
    /x has 1 patterns but y has 2/,
  );
  assert.throws(() => mem.recall([1, 0]), {
    name: "RangeError",
    message: "Willshaw.recall: x has length 2, expected 3",
  });
  assert.throws(
    () => new Willshaw({ inputs: 3, outputs: 2 }).store([[1, 0, 0]]),
    /y is required for a hetero-associative memory/,
  );
  assert.throws(
    () => new Willshaw({ inputs: 0 }),
    /Willshaw: inputs must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => sparsePatterns(2, 3, 4),
    /sparsePatterns: r = 4 ones do not fit in patterns of length n = 3/,
  );
});

Deno.test("sparsePatterns checks its generator and its total size (found by the API fuzzer)", () => {
  assert.throws(
    () => sparsePatterns(2, 4, 1, {} as never),
    /^TypeError: sparsePatterns: rng must be an Rng/,
  );
  assert.throws(
    () => sparsePatterns(1e12, 4, 1),
    /^RangeError: sparsePatterns: 1000000000000 patterns/,
  );
});
