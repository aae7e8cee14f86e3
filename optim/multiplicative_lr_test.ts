import assert from "node:assert/strict";
import fc from "fast-check";
import { ExponentialLR, MultiplicativeLR, SGD } from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("MultiplicativeLR");
registerOptionFuzz(
  "MultiplicativeLR",
  ["lrLambda"],
  (opt, o) => new MultiplicativeLR(opt, o as never),
);

Deno.test("MultiplicativeLR: epoch 0 leaves the rate alone; later epochs multiply by λ(epoch)", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  const s = new MultiplicativeLR(opt, { lrLambda: (e) => e });
  assert.deepEqual(s.getLastLr(), [1]);
  s.step();
  s.step();
  s.step();
  assert.deepEqual(s.getLastLr(), [6]);
});

Deno.test("MultiplicativeLR: property: a constant λ = γ is ExponentialLR(γ), bit for bit", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.integer({ min: 0, max: 20 }),
      (gamma, steps) => {
        const a = new SGD([param([1])], { lr: 0.3 }), b = new SGD([param([1])], { lr: 0.3 });
        const m = new MultiplicativeLR(a, { lrLambda: () => gamma });
        const e = new ExponentialLR(b, { gamma });
        for (let k = 0; k < steps; k++) {
          m.step();
          e.step();
        }
        assert.deepEqual(m.getLastLr(), e.getLastLr());
      },
    ),
  );
});

Deno.test("MultiplicativeLR: errors", () => {
  const opt = new SGD([{ params: [param([1])] }, { params: [param([1])] }], { lr: 0.1 });
  assert.throws(() => new MultiplicativeLR(opt, { lrLambda: null as never }), {
    name: "TypeError",
    message: "MultiplicativeLR: lrLambda must be a function, got null",
  });
  const s = new MultiplicativeLR(opt, { lrLambda: [() => 1, () => "a" as never] });
  assert.throws(() => s.step(), {
    name: "RangeError",
    message: 'MultiplicativeLR: lrLambda[1](1) must return a finite number, got "a"',
  });
  assert.throws(() => s.loadStateDict({ ...s.stateDict(), name: "LambdaLR" }), {
    name: "TypeError",
    message:
      'MultiplicativeLR.loadStateDict: the state dict is for "LambdaLR", not MultiplicativeLR',
  });
});
