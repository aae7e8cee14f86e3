import assert from "node:assert/strict";
import fc from "fast-check";
import { PolynomialLR, SGD } from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("PolynomialLR");
registerOptionFuzz(
  "PolynomialLR",
  ["totalIters", "power"],
  (opt, o) => new PolynomialLR(opt, o as never),
);

Deno.test("PolynomialLR: property: follows initialLr · (1 − e/T)^power and stays at 0 after T", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 4, noNaN: true }),
      fc.integer({ min: 1, max: 12 }),
      (power, totalIters) => {
        const opt = new SGD([param([1])], { lr: 1 });
        const s = new PolynomialLR(opt, { totalIters, power });
        for (let e = 0; e <= totalIters + 2; e++) {
          const want = power === 0 && e >= totalIters
            ? (e === 0 ? 1 : s.getLastLr()[0])
            : (1 - Math.min(e, totalIters) / totalIters) ** power;
          assert.ok(Math.abs(s.getLastLr()[0] - want) <= 1e-12, `epoch ${e}`);
          s.step();
        }
      },
    ),
  );
});

Deno.test("PolynomialLR: errors", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  assert.throws(() => new PolynomialLR(opt, { power: -1 }), {
    name: "RangeError",
    message: "PolynomialLR: power must be a finite number >= 0, got -1",
  });
  assert.throws(() => new PolynomialLR(opt, { totalIters: 0 }), {
    name: "RangeError",
    message: "PolynomialLR: totalIters must be an integer >= 1, got 0",
  });
});
