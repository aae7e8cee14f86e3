/**
 * {@link deepFool}: the minimal-perturbation attack by iterative linearisation (Moosavi-Dezfooli
 * et al. 2016; 000:L1429–1456, 001:L909–922), binary and multi-class.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import type { Box, Classifier } from "./classifier.ts";
import {
  boxOption,
  checkInBox,
  clipToBox,
  forwardOf,
  inputBatch,
  normOption,
  withFrozenParameters,
} from "./_attack.ts";
import { allClassGradients, valuesOf } from "../_common/input_gradients.ts";

/**
 * Options of {@link deepFool}.
 *
 * @example
 * ```ts
 * import type { DeepFoolOptions } from "@nnc/models/robustness";
 * const paper: DeepFoolOptions = { overshoot: 0.02, maxIter: 50 };
 * ```
 */
export interface DeepFoolOptions {
  /**
   * The result is `x0 + (1 + overshoot)·Σr`, so that it crosses the boundary instead of landing on
   * it. Default 0, as in the notes (the paper uses 0.02).
   */
  overshoot?: number;
  /** Most iterations per input. Default 50. */
  maxIter?: number;
  /** Norm of the minimal step: `"l2"` (default) or `"linf"` (steps `|f|/‖w‖₁·sign(w)`). */
  norm?: "l2" | "linf";
  /**
   * With `minStep` 0, an input is done once its margin `|f_l − f_k0|` (binary: `|g|`) is at most
   * `tol` (it is on the boundary). Default 1e-12.
   */
  tol?: number;
  /**
   * A length added to every step. The reference implementations (the paper's code, Foolbox) add
   * 1e-4 so that an iterate the box's clipping holds on the boundary still crosses it; use that for
   * images. Default 0: the notes' exact iterate.
   */
  minStep?: number;
  /** Valid input range; inputs must lie in it and iterates are clipped to it. Default `[0, 1]`. */
  box?: Box | null;
  /** Keep every iterate in {@link DeepFoolResult.path}. Default false. */
  recordPath?: boolean;
}

/**
 * What {@link deepFool} returns.
 *
 * @example
 * ```ts
 * import type { DeepFoolResult } from "@nnc/models/robustness";
 * const report = (r: DeepFoolResult) => `${r.fooled.filter(Boolean).length} fooled`;
 * console.assert(typeof report === "function");
 * ```
 */
export interface DeepFoolResult {
  /** The final iterates `x0 + (1 + overshoot)·Σr` (clipped to the box), without gradient. */
  x: Tensor;
  /** `x − x0`. */
  perturbation: NDArray;
  /** Steps taken by each input. */
  iterations: Int32Array;
  /** Whether each input's label changed (binary: the sign of g). */
  fooled: boolean[];
  /** With `recordPath`: the batch after each iteration (inputs already done stay put). */
  path?: NDArray[];
}

/**
 * DeepFool. A model with one score per input is a binary classifier `g` (label: `g > 0`), stepped
 * by `x ← x − g/‖∇g‖² ∇g` (ℓ2), the notes' iterate for the linearised boundary. A model with C ≥ 2
 * scores is linearised around each class boundary: with `f'_k = f_k − f_k0` and
 * `w'_k = ∇f_k − ∇f_k0` for the original class k0, the step goes to the nearest linearised
 * boundary, `r = |f'_l|/‖w'_l‖₂² · w'_l` with `l = argmin_k |f'_k|/‖w'_k‖₂` (ℓ∞: `‖·‖₁` and
 * `sign(w')`). Each input stops once its label changes, its margin falls under `tol`, or after
 * `maxIter` steps.
 *
 * @example
 * ```ts
 * import { deepFool } from "@nnc/models/robustness";
 * import { tensor } from "@nnc/autograd";
 * // g(x) = ‖x‖² − 1: the boundary is the unit circle; from (2, 1) the iterates reach (2, 1)/√5
 * const g = (x: ReturnType<typeof tensor>) => x.square().sum({ axis: 1 }).sub(1);
 * const r = deepFool(g, tensor([[2, 1]], { dtype: "float64" }), { box: null });
 * console.assert(Math.abs(r.x.get(0, 0) - 2 / Math.sqrt(5)) < 1e-12);
 * ```
 */
export function deepFool(
  model: Classifier,
  x: Tensor | NDArray,
  options: DeepFoolOptions = {},
): DeepFoolResult {
  const op = "deepFool";
  const o = checkOptions(options, op);
  const overshoot = checkNumber(o.overshoot ?? 0, op, "overshoot", 0);
  const maxIter = checkInt(o.maxIter ?? 50, op, "maxIter", 1);
  const norm = normOption(o.norm ?? "l2", op);
  const tol = checkNumber(o.tol ?? 1e-12, op, "tol", 0);
  const minStep = checkNumber(o.minStep ?? 0, op, "minStep", 0);
  const box = boxOption(o.box, op);
  const record = o.recordPath ?? false;
  const forward = forwardOf(model, op);
  const x0 = inputBatch(x, op);
  checkInBox(x0, box, op);
  const n = x0.shape[0], d = x0.size / n;
  const start = Float64Array.from(valuesOf(x0));
  const total = new Float64Array(n * d);
  const iterations = new Int32Array(n);
  const done = new Array<boolean>(n).fill(false);
  const fooled = new Array<boolean>(n).fill(false);
  const path: NDArray[] = [];
  let current = x0;
  let original: Int32Array | null = null;
  withFrozenParameters(model, () => {
    for (let it = 0; it <= maxIter; it++) {
      const { scores, grads } = allClassGradients(forward, current, op);
      const c = scores.shape[1];
      const f = Float64Array.from(valuesOf(scores));
      const g = grads.map((a) => Float64Array.from(valuesOf(a)));
      if (original === null) original = labelsOf(f, n, c);
      const label = labelsOf(f, n, c);
      let active = 0;
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        if (label[i] !== original[i]) {
          done[i] = fooled[i] = true;
          continue;
        }
        const step = it === maxIter
          ? null
          : minimalStep(f, g, i, c, d, original[i], norm, tol, minStep);
        if (step === null) {
          done[i] = true;
          continue;
        }
        for (let j = 0; j < d; j++) total[i * d + j] += step[j];
        iterations[i]++;
        active++;
      }
      if (active === 0) break;
      const next = new Float64Array(n * d);
      for (let k = 0; k < next.length; k++) next[k] = start[k] + (1 + overshoot) * total[k];
      current = clipToBox(NDArray.fromTyped(next, x0.shape).astype(x0.dtype), box);
      if (record) path.push(current);
    }
  });
  const result: DeepFoolResult = {
    x: new Tensor(current),
    perturbation: current.sub(x0),
    iterations,
    fooled,
  };
  if (record) result.path = path;
  return result;
}

function labelsOf(f: Float64Array, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (c === 1) {
      out[i] = f[i] > 0 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let k = 1; k < c; k++) if (f[i * c + k] > f[i * c + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** The step to the nearest linearised boundary for input i, or null when it is already on one. */
function minimalStep(
  f: Float64Array,
  g: Float64Array[],
  i: number,
  c: number,
  d: number,
  k0: number,
  norm: "l2" | "linf",
  tol: number,
  minStep: number,
): Float64Array | null {
  const q = (w: Float64Array | number[]) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += norm === "l2" ? w[j] * w[j] : Math.abs(w[j]);
    return s;
  };
  let bestDist = Infinity, bestF = 0, bestW: Float64Array | null = null;
  if (c === 1) {
    const w = g[0].subarray(i * d, (i + 1) * d);
    bestF = f[i];
    bestW = w;
  } else {
    for (let k = 0; k < c; k++) {
      if (k === k0) continue;
      const w = new Float64Array(d);
      for (let j = 0; j < d; j++) w[j] = g[k][i * d + j] - g[k0][i * d + j];
      const fk = f[i * c + k] - f[i * c + k0];
      const wn = norm === "l2" ? Math.sqrt(q(w)) : q(w);
      const dist = Math.abs(fk) / wn;
      if (dist < bestDist) {
        bestDist = dist;
        bestF = fk;
        bestW = w;
      }
    }
  }
  if (bestW === null || (minStep === 0 && Math.abs(bestF) <= tol)) return null;
  const denom = q(bestW);
  if (!(denom > 0)) return null; // flat: no direction to go
  // length |f|/‖w‖ (+ minStep) along the unit steepest direction of the norm; towards the
  // boundary: against ∇g where g > 0 (binary), along w'_l where f'_l < 0 (multi-class)
  const dual = norm === "l2" ? Math.sqrt(denom) : denom;
  const toward = c === 1 ? -Math.sign(bestF) : 1;
  const a = toward * (Math.abs(bestF) / dual + minStep) / (norm === "l2" ? dual : 1);
  const step = new Float64Array(d);
  for (let j = 0; j < d; j++) step[j] = a * (norm === "l2" ? bestW[j] : Math.sign(bestW[j]));
  return step;
}
