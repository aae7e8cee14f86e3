import assert from "node:assert/strict";
import { detectAnomaly, isAnomalyEnabled, setDetectAnomaly, tensor } from "./mod.ts";

Deno.test("detectAnomaly names the op that produced NaN/Inf in the forward pass", () => {
  const x = tensor([-1, 1], { requiresGrad: true });
  assert.throws(
    () => detectAnomaly(() => x.log()),
    /detectAnomaly: forward of 'log' produced NaN at flat index 0/,
  );
  assert.throws(() => detectAnomaly(() => x.div(0)), /forward of 'div' produced -?Infinity/);
  assert.equal(isAnomalyEnabled(), false);
  assert.doesNotThrow(() => x.log()); // off by default
});

Deno.test("detectAnomaly names the op whose backward produced NaN/Inf, and where it was called", () => {
  const x = tensor([0, 4], { requiresGrad: true });
  let message = "";
  try {
    detectAnomaly(() => x.sqrt().sum().backward());
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(
    message,
    /detectAnomaly: backward of 'sqrt' \(gradient of input 0\) produced Infinity at flat index 0/,
  );
  assert.match(message, /The op was called here:/);
  assert.match(message, /anomaly_test\.ts/);
});

Deno.test("setDetectAnomaly switches the mode until switched back", () => {
  const before = setDetectAnomaly(true);
  assert.ok(isAnomalyEnabled());
  assert.throws(() => tensor([0]).log(), /forward of 'log' produced -Infinity/);
  setDetectAnomaly(before);
  assert.throws(
    () => setDetectAnomaly(1 as unknown as boolean),
    /setDetectAnomaly: enabled must be a boolean, got 1/,
  );
});
