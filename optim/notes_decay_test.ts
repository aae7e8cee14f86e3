import assert from "node:assert/strict";
import { HyperbolicDecayLR, LinearDecayLR, SGD } from "./mod.ts";
import { param } from "./_scalar_testing.ts";

function lrs(
  make: (opt: SGD) => { step(): void; getLastLr(): number[] },
  lr: number,
  steps: number,
): number[] {
  const opt = new SGD([param([1])], { lr });
  const s = make(opt);
  const out = [s.getLastLr()[0]];
  for (let t = 1; t <= steps; t++) {
    s.step();
    out.push(s.getLastLr()[0]);
  }
  return out;
}

Deno.test("LinearDecayLR: α^(t) = (1 − t/ρ)α^(0) + (t/ρ)α^(ρ), then α^(ρ)", () => {
  const got = lrs((o) => new LinearDecayLR(o, { decaySteps: 5, finalFactor: 0.1 }), 0.5, 8);
  const want = [0, 1, 2, 3, 4, 5, 5, 5, 5].map((t) => (1 - t / 5) * 0.5 + (t / 5) * 0.05);
  got.forEach((v, t) => assert.ok(Math.abs(v - want[t]) < 1e-16, `t=${t}: ${v} vs ${want[t]}`));
  assert.ok(Math.abs(got[8] - 0.05) < 1e-16);
  // Default α^(ρ) = 1% of α^(0).
  assert.ok(Math.abs(lrs((o) => new LinearDecayLR(o, { decaySteps: 2 }), 1, 3)[3] - 0.01) < 1e-16);
  assert.throws(() => new LinearDecayLR(new SGD([param([1])], { lr: 1 }), { decaySteps: 0 }), {
    name: "RangeError",
    message: "LinearDecayLR: decaySteps must be an integer >= 1, got 0",
  });
});

Deno.test("HyperbolicDecayLR: closed α^(0)/(1+ρt) and recursive α^(t)/(1+ρt) readings", () => {
  const closed = lrs((o) => new HyperbolicDecayLR(o, { rho: 0.5 }), 1, 4);
  assert.deepEqual(closed, [1, 1 / 1.5, 1 / 2, 1 / 2.5, 1 / 3]);
  const rec = lrs((o) => new HyperbolicDecayLR(o, { rho: 0.5, form: "recursive" }), 1, 4);
  // α1 = α0/(1+0), α2 = α1/1.5, α3 = α2/2, α4 = α3/2.5
  const want = [1, 1, 1 / 1.5, 1 / 1.5 / 2, 1 / 1.5 / 2 / 2.5];
  rec.forEach((v, t) => assert.ok(Math.abs(v - want[t]) < 1e-16, `t=${t}`));
  assert.throws(() => new HyperbolicDecayLR(new SGD([param([1])], { lr: 1 }), { rho: -1 }), {
    name: "RangeError",
    message: "HyperbolicDecayLR: rho must be a finite number >= 0, got -1",
  });
  assert.throws(
    () => new HyperbolicDecayLR(new SGD([param([1])], { lr: 1 }), { rho: 1, form: "exp" as never }),
    { name: "RangeError", message: /form must be one of "closed", "recursive"/ },
  );
});
