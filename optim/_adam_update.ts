/**
 * The fused Adam/AdamW/AMSGrad update loop: one pass over the parameter, its gradient and the
 * moment buffers, no allocation (measured faster than composing NDArray ops; see adam_bench.ts).
 *
 * @module
 */
import { getBackend, NDArray } from "@nnc/tensor";
import type { FloatArray } from "./_buffers.ts";
import type { AdamOptions } from "./adam.ts";
import { checkBetas, checkBoolean, checkChoice, checkNonNegative } from "./_validate.ts";

/** The defaults of Adam-style optimisers for a variant. */
export function adamDefaults(variant: unknown, weightDecay: number): AdamOptions {
  return {
    lr: 1e-3,
    betas: variant === "notes" ? [0.9, 0.99] : [0.9, 0.999],
    eps: 1e-8,
    weightDecay,
    amsgrad: false,
    maximize: false,
    variant: variant === "notes" ? "notes" : "torch",
  };
}

/** Checks Adam-style options. */
export function checkAdamOptions(o: Readonly<Record<string, unknown>>, op: string): void {
  checkNonNegative(op, "lr", o.lr);
  checkBetas(op, o.betas);
  checkNonNegative(op, "eps", o.eps);
  checkNonNegative(op, "weightDecay", o.weightDecay);
  checkBoolean(op, "amsgrad", o.amsgrad);
  checkBoolean(op, "maximize", o.maximize);
  checkChoice(op, "variant", o.variant, ["torch", "notes"]);
}

/** Coefficients of one Adam step for one parameter. */
export interface AdamCoefficients {
  /** Step number t, counting from 1. */
  step: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient (Adam). */
  l2: number;
  /** Decoupled decay: θ ← θ(1 − lr·decay) before the update (AdamW). */
  decay: number;
  /** -1 to ascend. */
  sign: number;
}

/**
 * One Adam step in PyTorch's arithmetic: `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`,
 * `θ ← θ − (lr / (1−β1^t)) · m / (√v̂ / √(1−β2^t) + ε)` with v̂ = max over time of v when `vmax`
 * (AMSGrad) is given, else v. Runs as the backend's fused `adamStep` kernel (C on the native
 * backend: one pass over the buffers, measured ~10× faster than the JS loop on 650k parameters).
 */
export function adamUpdate(
  x: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray | null,
  c: AdamCoefficients,
): void {
  getBackend().adamStep(wrap(x), wrap(g), wrap(m), wrap(v), vmax === null ? null : wrap(vmax), c);
}

function wrap(a: FloatArray): NDArray {
  return NDArray.fromTyped(a);
}
