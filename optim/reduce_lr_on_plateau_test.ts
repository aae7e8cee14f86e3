import assert from "node:assert/strict";
import { NDArray } from "@nnc/tensor";
import { ReduceLROnPlateau, SGD } from "./mod.ts";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("ReduceLROnPlateau");

Deno.test("ReduceLROnPlateau: patience, cooldown, minLr and eps by hand", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  const s = new ReduceLROnPlateau(opt, { patience: 2, cooldown: 1, factor: 0.5, minLr: 0.3 });
  const seen = [];
  for (const m of [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) {
    s.step(m);
    seen.push(s.getLastLr()[0]);
  }
  // bad epochs 1, 2, 3 → cut at epoch 4; cooldown eats epoch 5; 3 more bad → cut at 8, clamped at 0.3.
  assert.deepEqual(seen, [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3]);
  assert.equal(s.best, 1);
  // A cut smaller than eps is skipped.
  const tiny = new SGD([param([1])], { lr: 1e-9 });
  const t = new ReduceLROnPlateau(tiny, { patience: 0 });
  t.step(1);
  t.step(1);
  assert.equal(tiny.paramGroups[0].lr, 1e-9);
  // Tensors and NDArrays are accepted as metrics; NaN counts as no improvement.
  const u = new ReduceLROnPlateau(new SGD([param([1])], { lr: 1 }), { patience: 0 });
  u.step(NDArray.fromTyped(new Float64Array([2]), []));
  u.step(NaN);
  assert.equal(u.getLastLr()[0], 0.1);
});

Deno.test("ReduceLROnPlateau: state dict round trip keeps ±Infinity; errors", () => {
  const opt = new SGD([param([1])], { lr: 1 });
  const s = new ReduceLROnPlateau(opt, { mode: "max" });
  const sd = s.stateDict();
  assert.equal(sd.best, -Infinity);
  const again = new ReduceLROnPlateau(opt);
  again.loadStateDict(sd);
  assert.equal(again.mode, "max");
  assert.equal(again.best, -Infinity);
  assert.throws(() => new ReduceLROnPlateau(opt, { mode: "up" as never }), {
    name: "RangeError",
    message: 'ReduceLROnPlateau: mode must be one of "min", "max", got "up"',
  });
  assert.throws(() => new ReduceLROnPlateau(opt, { factor: 1 }), {
    name: "RangeError",
    message: "ReduceLROnPlateau: factor must be a number in [0, 1), got 1",
  });
  assert.throws(() => new ReduceLROnPlateau(opt, { minLr: [0.1, 0.2] }), {
    name: "TypeError",
    message: /minLr must be a list of 1 numbers/,
  });
  assert.throws(() => s.step("low" as never), {
    name: "TypeError",
    message: 'ReduceLROnPlateau.step: metric must be a number or a one-element tensor, got "low"',
  });
  assert.throws(() => s.loadStateDict({ ...sd, name: "StepLR" }), {
    name: "TypeError",
    message: /the state dict is for "StepLR"/,
  });
});
