import assert from "node:assert/strict";
import { Adam, AdamW } from "./mod.ts";
import { registerTrajectoryTests } from "./_trajectory_testing.ts";
import { param, setGrad } from "./_scalar_testing.ts";

registerTrajectoryTests("AdamW");

Deno.test("AdamW: decay is decoupled: θ(1 − η·λ) then the plain Adam step", () => {
  const a = param([2]), b = param([2]);
  const w = new AdamW([a], { lr: 0.1, weightDecay: 0.2 });
  const plain = new Adam([b], { lr: 0.1 });
  setGrad(a, [3]);
  setGrad(b, [3]);
  w.step();
  plain.step();
  // Adam's step from 2 is 2 − 0.1·3/(3 + 1e-8); AdamW first shrinks 2 to 2·(1 − 0.02).
  assert.equal(a.item(), 2 * (1 - 0.1 * 0.2) - 0.1 * (3 / (3 / 1 + 1e-8)));
  assert.ok(Math.abs(a.item() - (b.item() - 0.04)) < 1e-15);
  // Adam with weightDecay adds λθ to the gradient instead; its first step ignores the size of λθ.
  const c = param([2]);
  const coupled = new Adam([c], { lr: 0.1, weightDecay: 0.2 });
  setGrad(c, [3]);
  coupled.step();
  assert.ok(Math.abs(c.item() - b.item()) < 1e-9 && c.item() !== a.item());
});

Deno.test("AdamW: PyTorch's defaults (weightDecay 1e-2) and errors", () => {
  const opt = new AdamW([param([1])]);
  assert.equal(opt.defaults.weightDecay, 0.01);
  assert.deepEqual(opt.defaults.betas, [0.9, 0.999]);
  assert.throws(() => new AdamW([param([1])], { weightDecay: -0.1 }), {
    name: "RangeError",
    message: /AdamW: weightDecay must be .* got -0\.1/,
  });
  assert.throws(() => new AdamW([param([1])], { betas: [1, 0.9] }), {
    name: "RangeError",
    message: "AdamW: betas[0] must be a number in [0, 1), got 1",
  });
});
