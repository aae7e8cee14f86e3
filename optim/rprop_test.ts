import assert from "node:assert/strict";
import type { NDArray } from "@nnc/tensor";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { Rprop } from "./mod.ts";
import { param, setGrad } from "./_scalar_testing.ts";

registerTrajectoryTests("Rprop");

Deno.test("Rprop: steps grow while the sign holds, shrink and pause when it flips, within the bounds", () => {
  const w = param([0]);
  const opt = new Rprop([w], { lr: 0.1, etas: [0.5, 2], stepSizes: [0.03, 0.3] });
  const path: number[] = [];
  for (const g of [1, 1, 1, -1, -1, 1]) {
    setGrad(w, [g]);
    opt.step();
    path.push(w.item());
  }
  // Δ: 0.1, 0.2, 0.3 (capped), then a flip: 0.15 and no move, then 0.15 (after a pause the sign
  // counts as new), then a flip again: 0.075 and no move.
  const expected = [-0.1, -0.3, -0.6, -0.6, -0.45, -0.45];
  path.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-12, `step ${k + 1}: ${v}`));
  const state = opt.stateDict().state[0] as Record<string, NDArray>;
  assert.deepEqual(state.step_size.toArray(), [0.075]);
  assert.deepEqual(state.prev.toArray(), [0]);
});

Deno.test("Rprop: option errors name Rprop, the option and the value", () => {
  const p = [param([1])];
  assert.throws(
    () => new Rprop(p, { etas: [1.2, 0.5] }),
    /^RangeError: Rprop: etas must be \[low, high\]/,
  );
  assert.throws(
    () => new Rprop(p, { etas: [0.5, 0.9] }),
    /^RangeError: Rprop: etas must be \[η−, η\+\] with 0 < η− < 1 < η\+, got \[0.5, 0.9\]$/,
  );
  assert.throws(
    () => new Rprop(p, { etas: [0.5] as never }),
    /^TypeError: Rprop: etas must be a pair of numbers/,
  );
  assert.throws(
    () => new Rprop(p, { stepSizes: [1, 0.1] }),
    /^RangeError: Rprop: stepSizes must be \[low, high\]/,
  );
  assert.throws(() => new Rprop(p, { stepSizes: [-1, 1] }), /^RangeError: Rprop: stepSizes\[0\]/);
  assert.throws(() => new Rprop(p, { lr: -1 }), /^RangeError: Rprop: lr/);
  assert.throws(() => new Rprop(p, { maximize: "yes" as never }), /^TypeError: Rprop: maximize/);
});
