import assert from "node:assert/strict";
import fc from "fast-check";
import { Adagrad, Adam, CyclicLR, SGD } from "./mod.ts";
import { registerOptionFuzz, registerScheduleCases } from "./_schedule_testing.ts";
import { param } from "./_scalar_testing.ts";

registerScheduleCases("CyclicLR");
registerOptionFuzz("CyclicLR", [
  "baseLr",
  "maxLr",
  "stepSizeUp",
  "stepSizeDown",
  "mode",
  "gamma",
  "scaleFn",
  "scaleMode",
  "cycleMomentum",
  "baseMomentum",
  "maxMomentum",
], (opt, o) => new CyclicLR(opt, o as never));

Deno.test("CyclicLR: sets lr to baseLr and Adam's β1 to maxMomentum, keeps β2, records the bounds", () => {
  const opt = new Adam([param([1])], { lr: 1, betas: [0.5, 0.98] });
  const s = new CyclicLR(opt, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 2 });
  const g = opt.paramGroups[0];
  assert.equal(g.lr, 0.01);
  assert.deepEqual(g.betas, [0.9, 0.98]);
  assert.deepEqual([g.initialLr, g.maxMomentum, g.baseMomentum], [0.01, 0.9, 0.8]);
  s.step();
  s.step();
  assert.ok(Math.abs(g.lr - 0.1) < 1e-15);
  assert.ok(Math.abs(g.betas[0] - 0.8) < 1e-15);
  assert.equal(g.betas[1], 0.98);
});

Deno.test("CyclicLR: a custom scaleFn is not saved; a rebuilt schedule with it resumes", () => {
  const make = () => {
    const opt = new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
    return new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, stepSizeUp: 2, scaleFn: (x) => 1 / x });
  };
  const a = make();
  for (let k = 0; k < 5; k++) a.step();
  const sd = a.stateDict();
  assert.equal(JSON.stringify(sd).includes("=>"), false);
  assert.equal(sd.scaleMode, "cycle");
  const b = make();
  b.loadStateDict(JSON.parse(JSON.stringify(sd)));
  a.step();
  b.step();
  assert.deepEqual(b.getLastLr(), a.getLastLr());
});

Deno.test("CyclicLR: property: triangular stays within [baseLr, maxLr] and repeats every cycle", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (up, down, lo, hi) => {
        const opt = new SGD([param([1])], { lr: 1, momentum: 0.9 });
        const s = new CyclicLR(opt, { baseLr: lo, maxLr: hi, stepSizeUp: up, stepSizeDown: down });
        const lrs: number[] = [];
        for (let k = 0; k < 3 * (up + down); k++) {
          lrs.push(s.getLastLr()[0]);
          s.step();
        }
        const [min, max] = [Math.min(lo, hi), Math.max(lo, hi)];
        for (const lr of lrs) assert.ok(lr >= min - 1e-15 && lr <= max + 1e-15, `${lr}`);
        for (let k = 0; k + up + down < lrs.length; k++) {
          assert.ok(Math.abs(lrs[k] - lrs[k + up + down]) <= 1e-14, `step ${k}`);
        }
      },
    ),
  );
});

Deno.test("CyclicLR: errors", () => {
  const sgd = () => new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
  const opt = sgd();
  assert.throws(() => new CyclicLR(opt, undefined as never), {
    name: "TypeError",
    message: "CyclicLR: options must be an object with baseLr and maxLr, got undefined",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: -1, maxLr: 1 }), {
    name: "RangeError",
    message: "CyclicLR: baseLr must be a finite number >= 0, got -1",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: [1, 2] }), {
    name: "RangeError",
    message:
      "CyclicLR: maxLr must be one value or a list of 1 (one per param group), got an array of length 2",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, stepSizeUp: 0 }), {
    name: "RangeError",
    message: "CyclicLR: stepSizeUp must be an integer >= 1, got 0",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, stepSizeDown: -1 }), {
    name: "RangeError",
    message: "CyclicLR: stepSizeDown must be an integer >= 0, got -1",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, mode: "cos" as never }), {
    name: "RangeError",
    message: 'CyclicLR: mode must be one of "triangular", "triangular2", "exp_range", got "cos"',
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, scaleMode: "x" as never }), {
    name: "RangeError",
    message: 'CyclicLR: scaleMode must be one of "cycle", "iterations", got "x"',
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, scaleFn: 1 as never }), {
    name: "TypeError",
    message: "CyclicLR: scaleFn must be a function, got 1",
  });
  assert.throws(() => new CyclicLR(sgd(), { baseLr: 0.1, maxLr: 1, scaleFn: () => Infinity }), {
    name: "RangeError",
    message: "CyclicLR: scaleFn(1) must return a finite number, got Infinity",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, baseMomentum: 1.5 }), {
    name: "RangeError",
    message: "CyclicLR: baseMomentum must be a number in [0, 1], got 1.5",
  });
  assert.throws(() => new CyclicLR(opt, { baseLr: 0.1, maxLr: 1, cycleMomentum: 1 as never }), {
    name: "TypeError",
    message: "CyclicLR: cycleMomentum must be a boolean, got 1",
  });
  assert.deepEqual([opt.paramGroups[0].lr, opt.paramGroups[0].momentum], [0.1, 0.9]);
  const ada = new Adagrad([param([1])]);
  assert.throws(() => new CyclicLR(ada, { baseLr: 0.1, maxLr: 1 }), {
    name: "TypeError",
    message:
      "CyclicLR: cycleMomentum needs an optimizer with momentum or betas, Adagrad has neither (pass cycleMomentum: false)",
  });
  const plain = new CyclicLR(ada, { baseLr: 0.1, maxLr: 1, cycleMomentum: false });
  assert.throws(() => plain.loadStateDict({ ...plain.stateDict(), cycleMomentum: true }), {
    name: "TypeError",
    message:
      "CyclicLR.loadStateDict: the state dict cycles momentum, Adagrad has neither momentum nor betas",
  });
  assert.throws(() => plain.loadStateDict({ ...plain.stateDict(), maxLrs: [1, 2] }), {
    name: "TypeError",
    message:
      "CyclicLR.loadStateDict: maxLrs must be a list of 1 numbers (one per param group), got an array of length 2",
  });
});
