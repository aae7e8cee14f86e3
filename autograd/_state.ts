// Process-wide switches read on every op: grad recording, anomaly detection, forward-mode state.
import { checkFunction } from "@nnc/tensor";

/** Mutable flags shared by the engine; one object so that every module sees the same values. */
export const state: {
  /** Ops record the graph when true (see `noGrad`). */
  gradEnabled: boolean;
  /** Ops check their outputs for NaN/Inf when true (see `detectAnomaly`). */
  anomaly: boolean;
  /** Depth of running `prim.jvp` calls: tangents of tangents are never computed. */
  inJvp: number;
  /** Depth of running `jvp` transforms (forward mode is one level deep). */
  forwardLevels: number;
  /** Depth of running vjp calls: anomaly checks then name the backward step, not the ops inside it. */
  inVjp: number;
} = { gradEnabled: true, anomaly: false, inJvp: 0, forwardLevels: 0, inVjp: 0 };

/** Runs `fn` with recording set to `enabled`, restoring the previous setting afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T, op = "withGradMode"): T {
  checkFunction(fn, op, "fn");
  const previous = state.gradEnabled;
  state.gradEnabled = enabled;
  try {
    return fn();
  } finally {
    state.gradEnabled = previous;
  }
}
