import assert from "node:assert/strict";
import fc from "fast-check";
import { ConstantLR, SGD } from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("ConstantLR");
registerOptionFuzz(
  "ConstantLR",
  ["factor", "totalIters"],
  (opt, o) => new ConstantLR(opt, o as never),
);

Deno.test("ConstantLR: property: initialLr · factor before totalIters, initialLr (to rounding) after", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-3, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 10 }),
      (factor, totalIters) => {
        const opt = new SGD([param([1])], { lr: 0.5 });
        const s = new ConstantLR(opt, { factor, totalIters });
        for (let e = 0; e <= totalIters + 2; e++) {
          const lr = s.getLastLr()[0];
          if (e < totalIters) assert.equal(lr, 0.5 * factor);
          else assert.ok(Math.abs(lr - 0.5) <= 1e-15, `epoch ${e}: ${lr}`);
          s.step();
        }
      },
    ),
  );
});

Deno.test("ConstantLR: errors", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  assert.throws(() => new ConstantLR(opt, { factor: 0 }), {
    name: "RangeError",
    message: "ConstantLR: factor must be a number in (0, 1], got 0",
  });
  assert.throws(() => new ConstantLR(opt, { factor: 1.5 }), {
    name: "RangeError",
    message: "ConstantLR: factor must be a number in (0, 1], got 1.5",
  });
  assert.throws(() => new ConstantLR(opt, { totalIters: 0 }), {
    name: "RangeError",
    message: "ConstantLR: totalIters must be an integer >= 1, got 0",
  });
  assert.throws(() => new ConstantLR(opt, 5 as never), {
    name: "TypeError",
    message: "ConstantLR: options must be an object, got 5",
  });
  const s = new ConstantLR(opt);
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), factor: "x" }), {
    name: "TypeError",
    message: 'ConstantLR.loadStateDict: factor must be a number, got "x"',
  });
});
