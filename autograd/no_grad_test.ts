import assert from "node:assert/strict";
import { enableGrad, isGradEnabled, noGrad, setGradEnabled, tensor } from "./mod.ts";

Deno.test("noGrad records nothing and restores the mode even when fn throws", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const y = noGrad(() => w.mul(w).sum());
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.throws(() =>
    noGrad(() => {
      throw new Error("boom");
    }), /boom/);
  assert.ok(isGradEnabled());
});

Deno.test("enableGrad inside noGrad; setGradEnabled returns the previous mode", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  assert.ok(noGrad(() => enableGrad(() => w.exp()).requiresGrad));
  const before = setGradEnabled(false);
  assert.equal(before, true);
  assert.equal(w.add(1).requiresGrad, false);
  setGradEnabled(true);
  assert.throws(
    () => noGrad(42 as unknown as () => void),
    /noGrad: fn must be a function, got 42/,
  );
  assert.throws(
    () => setGradEnabled("no" as unknown as boolean),
    /setGradEnabled: enabled must be a boolean, got "no"/,
  );
});
