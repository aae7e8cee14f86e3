import assert from "node:assert/strict";
import fc from "fast-check";
import { McCullochPitts } from "./mcculloch_pitts.ts";

const PAIRS = [[0, 0], [0, 1], [1, 0], [1, 1]];

Deno.test("McCullochPitts: NAND, AND, OR, NOT truth tables", () => {
  assert.deepEqual(PAIRS.map((x) => McCullochPitts.nand().fire(x)), [1, 1, 1, 0]);
  assert.deepEqual(PAIRS.map((x) => McCullochPitts.and().fire(x)), [0, 0, 0, 1]);
  assert.deepEqual(PAIRS.map((x) => McCullochPitts.or().fire(x)), [0, 1, 1, 1]);
  assert.deepEqual([[0], [1]].map((x) => McCullochPitts.not().fire(x)), [1, 0]);
  assert.deepEqual(Array.from(McCullochPitts.nand().forward(PAIRS).data), [1, 1, 1, 0]);
});

Deno.test("McCullochPitts: NAND units compose into XOR (Turing's type-A network)", () => {
  const nand = McCullochPitts.nand();
  const xor = ([a, b]: number[]) => {
    const c = nand.fire([a, b]);
    return nand.fire([nand.fire([a, c]), nand.fire([b, c])]);
  };
  assert.deepEqual(PAIRS.map(xor), [0, 1, 1, 0]);
});

Deno.test("McCullochPitts: the DNF lists exactly the inputs the unit fires on (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(1, -1), { minLength: 1, maxLength: 7 }),
      fc.integer({ min: -8, max: 8 }),
      (sigma, theta) => {
        const unit = new McCullochPitts(sigma, theta);
        const minterms = new Set(unit.dnf().map((s) => s.join()));
        const n = sigma.length;
        for (let mask = 0; mask < 1 << n; mask++) {
          const x = Array.from({ length: n }, (_, i) => (mask >> i) & 1);
          const ones = x.flatMap((v, i) => (v ? [i] : [])).join();
          assert.equal(unit.fire(x), minterms.has(ones) ? 1 : 0);
        }
      },
    ),
    { numRuns: 200 },
  );
  // AND of two: one minterm {0, 1}; OR of two: {0}, {1}, {0, 1}.
  assert.deepEqual(McCullochPitts.and().dnf(), [[0, 1]]);
  assert.deepEqual(McCullochPitts.or().dnf(), [[0], [1], [0, 1]]);
});

Deno.test("McCullochPitts: bad input is a clear error", () => {
  assert.throws(() => new McCullochPitts([1, 0.5], 1), {
    name: "RangeError",
    message: "McCullochPitts: sigma[1] = 0.5, expected +1 or -1",
  });
  assert.throws(() => new McCullochPitts([1, 1], 1.5), {
    name: "RangeError",
    message: "McCullochPitts: theta must be an integer, got 1.5",
  });
  assert.throws(() => McCullochPitts.and().fire([1, 2]), {
    name: "RangeError",
    message: "McCullochPitts.fire: x[1] = 2, expected 0 or 1",
  });
  assert.throws(
    () => McCullochPitts.and().fire([1]),
    /McCullochPitts.fire: x has length 1, expected 2/,
  );
  assert.throws(
    () => McCullochPitts.and().forward([[1, 0, 1]]),
    /McCullochPitts.forward: x has 3 features \(shape \[1, 3\]\), expected 2/,
  );
});
