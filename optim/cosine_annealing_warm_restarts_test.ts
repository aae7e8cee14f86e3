import assert from "node:assert/strict";
import { registerSchedulerTests } from "./_trajectory_testing.ts";
import { CosineAnnealingWarmRestarts, SGD } from "./mod.ts";
import { param } from "./_scalar_testing.ts";

// PyTorch 1.13's trajectories: periods 2, 4, 8 (tMult 2, etaMin 0.001) with two groups under SGD
// with momentum, and a constant period of 3 under Adam.
registerSchedulerTests("CosineAnnealingWarmRestarts");

Deno.test("CosineAnnealingWarmRestarts follows the closed form over growing periods", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  const s = new CosineAnnealingWarmRestarts(opt, { t0: 3, tMult: 3, etaMin: 0.01 });
  // Periods of 3, 9 and 27 steps start at steps 0, 3 and 12.
  const starts = [0, 3, 12, 39];
  for (let e = 0; e <= 40; e++) {
    if (e > 0) s.step();
    const k = starts.findLastIndex((b) => b <= e);
    const tCur = e - starts[k], tI = 3 * 3 ** k;
    assert.deepEqual(s.period(), { tCur, tI }, `step ${e}`);
    const closed = 0.01 + (0.1 - 0.01) * (1 + Math.cos((Math.PI * tCur) / tI)) / 2;
    assert.equal(s.getLastLr()[0], closed, `step ${e}`);
  }
});

Deno.test("CosineAnnealingWarmRestarts: state dict round trip and argument errors", () => {
  const opt = new SGD([param([1])], { lr: 0.1 });
  const a = new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 2 });
  for (let i = 0; i < 5; i++) a.step();
  const b = new CosineAnnealingWarmRestarts(new SGD([param([1])], { lr: 0.1 }), { t0: 7 });
  b.loadStateDict(a.stateDict());
  assert.equal(b.t0, 2);
  assert.equal(b.tMult, 2);
  assert.equal(b.lastEpoch, 5);
  a.step();
  b.step();
  assert.equal(b.getLastLr()[0], a.getLastLr()[0]);
  const cases: [() => unknown, string][] = [
    [() => new CosineAnnealingWarmRestarts(opt, { t0: 0 }), "t0 must be an integer >= 1, got 0"],
    [
      () => new CosineAnnealingWarmRestarts(opt, { t0: 2, tMult: 1.5 }),
      "tMult must be an integer >= 1, got 1.5",
    ],
    [
      () => new CosineAnnealingWarmRestarts(opt, { t0: 2, etaMin: NaN }),
      "etaMin must be a finite number, got NaN",
    ],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, { message: `CosineAnnealingWarmRestarts: ${message}` });
  }
  assert.throws(
    () => new CosineAnnealingWarmRestarts(opt, undefined as never),
    /^TypeError: CosineAnnealingWarmRestarts: options must be an object with t0/,
  );
});
