import assert from "node:assert/strict";
import fc from "fast-check";
import { LinearLR, LinearWarmup, SGD } from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("LinearLR");
registerOptionFuzz(
  "LinearLR",
  ["startFactor", "endFactor", "totalIters"],
  (opt, o) => new LinearLR(opt, o as never),
);

Deno.test("LinearLR: property: endFactor = startFactor keeps initialLr · startFactor", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-3, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 12 }),
      (f, totalIters) => {
        const opt = new SGD([param([1])], { lr: 0.7 });
        const s = new LinearLR(opt, { startFactor: f, endFactor: f, totalIters });
        for (let e = 0; e < totalIters + 3; e++) {
          assert.equal(s.getLastLr()[0], 0.7 * f);
          s.step();
        }
      },
    ),
  );
});

Deno.test("LinearLR: property: the same rates as LinearWarmup (endFactor 1), relative 1e-12 (the chainable form rounds differently)", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-3, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 12 }),
      (startFactor, totalIters) => {
        const a = new SGD([param([1])], { lr: 1 }), b = new SGD([param([1])], { lr: 1 });
        const lin = new LinearLR(a, { startFactor, totalIters });
        const warm = new LinearWarmup(b, { startFactor, warmupSteps: totalIters });
        for (let e = 0; e < totalIters + 3; e++) {
          const a = lin.getLastLr()[0], w = warm.getLastLr()[0];
          assert.ok(Math.abs(a - w) <= 1e-12 * w, `epoch ${e}: ${a} vs ${w}`);
          lin.step();
          warm.step();
        }
      },
    ),
  );
});

Deno.test("LinearLR: errors", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  assert.throws(() => new LinearLR(opt, { startFactor: 0 }), {
    name: "RangeError",
    message: "LinearLR: startFactor must be a number in (0, 1], got 0",
  });
  assert.throws(() => new LinearLR(opt, { endFactor: 1.5 }), {
    name: "RangeError",
    message: "LinearLR: endFactor must be a number in [0, 1], got 1.5",
  });
  assert.throws(() => new LinearLR(opt, { totalIters: 2.5 }), {
    name: "RangeError",
    message: "LinearLR: totalIters must be an integer >= 1, got 2.5",
  });
  const s = new LinearLR(opt);
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), totalIters: 0 }), {
    name: "RangeError",
    message: "LinearLR.loadStateDict: totalIters must be an integer >= 1, got 0",
  });
});
