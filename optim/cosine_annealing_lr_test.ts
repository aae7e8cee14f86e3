import assert from "node:assert/strict";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { CosineAnnealingLR, SGD } from "./mod.ts";
import { param } from "./_scalar_testing.ts";

registerSchedulerTests("CosineAnnealingLR");

Deno.test("CosineAnnealingLR: the recursive form follows the closed form over three half periods", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  const s = new CosineAnnealingLR(opt, { tMax: 7, etaMin: 0.01 });
  for (let e = 1; e <= 21; e++) {
    s.step();
    const closed = 0.01 + (0.1 - 0.01) * (1 + Math.cos((Math.PI * e) / 7)) / 2;
    assert.ok(
      Math.abs(s.getLastLr()[0] - closed) < 1e-15,
      `epoch ${e}: ${s.getLastLr()[0]} vs ${closed}`,
    );
  }
  assert.throws(() => new CosineAnnealingLR(opt, { tMax: 0 }), {
    name: "RangeError",
    message: "CosineAnnealingLR: tMax must be an integer >= 1, got 0",
  });
});
