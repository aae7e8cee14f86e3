/**
 * Anomaly detection: {@link detectAnomaly} makes a NaN or an infinity produced by any op, in the
 * forward pass or in backward, an error that names the op (and, for backward, where the op was
 * called in the forward pass).
 *
 * @module
 */
import { state } from "./_state.ts";
import { checkBool, checkFunction } from "@nnc/tensor";

/**
 * Runs `fn` with anomaly detection on (PyTorch `torch.autograd.detect_anomaly()`): every op checks
 * its output, every backward step checks the gradients it produces, and the first NaN or ±Inf
 * throws a `RangeError` naming the op, the pass and the first bad index. Slow; for debugging.
 *
 * @example
 * ```ts
 * import { detectAnomaly, tensor } from "@nnc/autograd";
 * const x = tensor([-1, 1], { requiresGrad: true });
 * let message = "";
 * try {
 *   detectAnomaly(() => x.log().sum());
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * console.assert(message.includes("log"));
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  checkFunction(fn, "detectAnomaly", "fn");
  const previous = state.anomaly;
  state.anomaly = true;
  try {
    return fn();
  } finally {
    state.anomaly = previous;
  }
}

/**
 * Switches anomaly detection on or off until switched again; returns the previous setting.
 *
 * @example
 * ```ts
 * import { isAnomalyEnabled, setDetectAnomaly } from "@nnc/autograd";
 * const before = setDetectAnomaly(true);
 * console.assert(isAnomalyEnabled());
 * setDetectAnomaly(before);
 * ```
 */
export function setDetectAnomaly(enabled: boolean): boolean {
  checkBool(enabled, "setDetectAnomaly", "enabled");
  const previous = state.anomaly;
  state.anomaly = enabled;
  return previous;
}

/**
 * True while anomaly detection is on.
 *
 * @example
 * ```ts
 * import { detectAnomaly, isAnomalyEnabled } from "@nnc/autograd";
 * console.assert(!isAnomalyEnabled() && detectAnomaly(() => isAnomalyEnabled()));
 * ```
 */
export function isAnomalyEnabled(): boolean {
  return state.anomaly;
}
