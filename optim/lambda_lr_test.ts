import assert from "node:assert/strict";
import fc from "fast-check";
import { LambdaLR, SGD } from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("LambdaLR");
registerOptionFuzz("LambdaLR", ["lrLambda"], (opt, o) => new LambdaLR(opt, o as never));

const twoGroups = () =>
  new SGD([{ params: [param([1])] }, { params: [param([1])], lr: 0.2 }], { lr: 0.1 });

Deno.test("LambdaLR: lr = initialLr · λ(epoch), λ called with 0, 1, 2, …; the state dict has no functions", () => {
  const opt = twoGroups();
  const seen: number[] = [];
  const s = new LambdaLR(opt, {
    lrLambda: [(e) => {
      seen.push(e);
      return 2 ** -e;
    }, () => 3],
  });
  s.step();
  s.step();
  assert.deepEqual(seen, [0, 1, 2]);
  assert.deepEqual(s.getLastLr(), [0.025, 0.6000000000000001]);
  const sd = s.stateDict();
  assert.deepEqual(Object.keys(sd).sort(), ["baseLrs", "lastEpoch", "lastLr", "name"]);
  const t = new LambdaLR(twoGroups(), { lrLambda: [(e) => 2 ** -e, () => 3] });
  t.loadStateDict(sd);
  t.step();
  assert.equal(t.lastEpoch, 3);
  assert.equal(t.getLastLr()[0], 0.0125);
});

Deno.test("LambdaLR: property: a constant λ = c gives initialLr · c at every epoch", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.integer({ min: 0, max: 20 }),
      (c, steps) => {
        const opt = twoGroups();
        const s = new LambdaLR(opt, { lrLambda: () => c });
        for (let k = 0; k < steps; k++) s.step();
        assert.deepEqual(s.getLastLr(), [0.1 * c, 0.2 * c]);
      },
    ),
  );
});

Deno.test("LambdaLR: errors", () => {
  const opt = twoGroups();
  assert.throws(() => new LambdaLR(opt, undefined as never), {
    name: "TypeError",
    message: "LambdaLR: options must be an object with lrLambda, got undefined",
  });
  assert.throws(() => new LambdaLR({} as never, { lrLambda: () => 1 }), {
    name: "TypeError",
    message: "LambdaLR: expected an Optimizer, got an object",
  });
  assert.throws(() => new LambdaLR(opt, { lrLambda: 3 as never }), {
    name: "TypeError",
    message: "LambdaLR: lrLambda must be a function, got 3",
  });
  assert.throws(() => new LambdaLR(opt, { lrLambda: [() => 1] }), {
    name: "RangeError",
    message:
      "LambdaLR: lrLambda must be one value or a list of 2 (one per param group), got an array of length 1",
  });
  assert.throws(() => new LambdaLR(opt, { lrLambda: [() => 1, "x" as never] }), {
    name: "TypeError",
    message: 'LambdaLR: lrLambda[1] must be a function, got "x"',
  });
  assert.throws(() => new LambdaLR(opt, { lrLambda: () => NaN }), {
    name: "RangeError",
    message: "LambdaLR: lrLambda(0) must return a finite number, got NaN",
  });
  assert.deepEqual(
    opt.paramGroups.map((g) => g.lr),
    [0.1, 0.2],
    "rejected schedules change nothing",
  );
});
