/**
 * The Carlini–Wagner attack (003:L703–724): {@link cwMargin}, the notes' hinge on the scores, and
 * {@link carliniWagnerL2}, the ℓ2 attack that minimises `‖δ‖₂² + c·margin` by Adam in the
 * tanh-space of the box, with a binary search over `c`.
 *
 * @module
 */
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOptions,
  checkPositive,
  NDArray,
} from "@nnc/tensor";
import { gradients, noGrad, Tensor, where } from "@nnc/autograd";
import type { Box, Classifier } from "./classifier.ts";
import {
  boxOption,
  checkInBox,
  forwardOf,
  inputBatch,
  labelBatch,
  predict,
  withFrozenParameters,
} from "./_attack.ts";
import { scoreMatrix, scoresOf, valuesOf } from "../_common/input_gradients.ts";

/**
 * Options of {@link cwMargin}.
 *
 * @example
 * ```ts
 * import type { CwMarginOptions } from "@nnc/models/robustness";
 * const confident: CwMarginOptions = { targeted: true, kappa: 5 };
 * ```
 */
export interface CwMarginOptions {
  /** `y` is the target class (else the true class to move away from). Default false. */
  targeted?: boolean;
  /** Confidence κ ≥ 0: the margin is floored at −κ instead of 0. Default 0. */
  kappa?: number;
}

function classIndices(y: NDArray, n: number, c: number, op: string): Int32Array {
  const out = new Int32Array(n), values = valuesOf(y);
  if (y.ndim !== 1) throw new RangeError(`${op}: labels must be a vector of class indices`);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= c) {
      throw new RangeError(`${op}: label ${v} of input ${i} is not a class index in [0, ${c})`);
    }
    out[i] = v;
  }
  return out;
}

function oneHot(labels: Int32Array, c: number): NDArray {
  const m = new Int32Array(labels.length * c);
  labels.forEach((k, i) => (m[i * c + k] = 1));
  return NDArray.fromTyped(m, [labels.length, c]);
}

/**
 * The Carlini–Wagner term of each row of scores `z` `[N, C]` (logits, or probabilities as in the
 * notes), differentiable: targeted towards t, `max(max_{i≠t} z_i − z_t, −κ)` — the notes'
 * `(max_{i≠t} z_i − z_t)⁺` for κ = 0, which is 0 once t wins; untargeted for the true class y,
 * `max(z_y − max_{i≠y} z_i, −κ)`, 0 once y no longer wins (the notes' `−(·)⁻` term).
 *
 * @example
 * ```ts
 * import { cwMargin } from "@nnc/models/robustness";
 * import { tensor } from "@nnc/autograd";
 * const f = tensor([[0.7, 0.2, 0.1]], { dtype: "float64" });
 * const toOne = cwMargin(f, [1], { targeted: true }); // (0.7 − 0.2)⁺
 * console.assert(Math.abs(toOne.item() - 0.5) < 1e-15);
 * console.assert(cwMargin(f, [0], { targeted: true }).item() === 0); // (0.2 − 0.7)⁺
 * ```
 */
export function cwMargin(
  z: Tensor,
  y: Tensor | NDArray | readonly number[],
  options: CwMarginOptions = {},
): Tensor {
  const op = "cwMargin";
  const o = checkOptions(options, op);
  const targeted = checkBool(o.targeted ?? false, op, "targeted");
  const kappa = checkNumber(o.kappa ?? 0, op, "kappa", 0);
  if (!(z instanceof Tensor) || z.ndim !== 2 || z.shape[1] < 2) {
    throw new RangeError(`${op}: z must be a Tensor of scores [N, C] with C ≥ 2`);
  }
  const n = z.shape[0], c = z.shape[1];
  const mask = oneHot(classIndices(labelBatch(y, n, op), n, c, op), c);
  const own = z.mul(new Tensor(mask.astype(z.dtype))).sum({ axis: 1 });
  const other = where(mask, -Infinity, z).max({ axis: 1 });
  const margin = targeted ? other.sub(own) : own.sub(other);
  return margin.maximum(kappa === 0 ? 0 : -kappa); // not −0
}

/**
 * Options of {@link carliniWagnerL2}.
 *
 * @example
 * ```ts
 * import type { CarliniWagnerOptions } from "@nnc/models/robustness";
 * const o: CarliniWagnerOptions = { c: 1, steps: 200, binarySearchSteps: 5 };
 * ```
 */
export interface CarliniWagnerOptions extends CwMarginOptions {
  /** Initial weight c of the margin term (> 0). Default 1. */
  c?: number;
  /** Adam steps per value of c. Default 100. */
  steps?: number;
  /** Adam's learning rate. Default 0.01. */
  lr?: number;
  /** Values of c tried per input (binary search; ×10 while no success is found). Default 1. */
  binarySearchSteps?: number;
  /** Valid input range (the tanh change of variables keeps iterates in it). Default `[0, 1]`. */
  box?: Box | null;
}

/**
 * What {@link carliniWagnerL2} returns.
 *
 * @example
 * ```ts
 * import type { CarliniWagnerResult } from "@nnc/models/robustness";
 * const rate = (r: CarliniWagnerResult) => r.success.filter(Boolean).length / r.success.length;
 * console.assert(typeof rate === "function");
 * ```
 */
export interface CarliniWagnerResult {
  /** The smallest successful adversarial input found for each input (the input itself if none). */
  x: Tensor;
  /** Whether an adversarial input was found. */
  success: boolean[];
  /** `‖x − x0‖₂` per input (0 where none was found). */
  l2: Float64Array;
  /** The last c tried per input. */
  c: Float64Array;
}

/**
 * Carlini–Wagner ℓ2: minimises `‖x' − x0‖₂² + c·cwMargin(f(x'))` over `x'` by Adam. With a box
 * `[lo, hi]`, `x' = lo + (hi − lo)(tanh w + 1)/2` so every iterate is valid; without one, `x'`
 * is optimised directly. After each run of `steps`, c is lowered (binary search) where an attack
 * succeeded and raised where none did; the smallest successful perturbation is kept.
 *
 * @example
 * ```ts
 * import { carliniWagnerL2 } from "@nnc/models/robustness";
 * import { tensor } from "@nnc/autograd";
 * // two classes with scores (x₀ − x₁, x₁ − x₀): the boundary is x₀ = x₁
 * const model = (x: ReturnType<typeof tensor>) => x.matmul(tensor([[1, -1], [-1, 1]], { dtype: "float64" }));
 * const r = carliniWagnerL2(model, tensor([[0.6, 0.4]], { dtype: "float64" }), [0], { c: 10, steps: 300 });
 * console.assert(r.success[0] && r.l2[0] < 0.2);
 * ```
 */
export function carliniWagnerL2(
  model: Classifier,
  x: Tensor | NDArray,
  y: Tensor | NDArray | readonly number[],
  options: CarliniWagnerOptions = {},
): CarliniWagnerResult {
  const op = "carliniWagnerL2";
  const o = checkOptions(options, op);
  const targeted = checkBool(o.targeted ?? false, op, "targeted");
  const kappa = checkNumber(o.kappa ?? 0, op, "kappa", 0);
  const c0 = checkPositive(o.c ?? 1, op, "c");
  const steps = checkInt(o.steps ?? 100, op, "steps", 1);
  const lr = checkPositive(o.lr ?? 0.01, op, "lr");
  const searches = checkInt(o.binarySearchSteps ?? 1, op, "binarySearchSteps", 1);
  const box = boxOption(o.box, op);
  const forward = forwardOf(model, op);
  const x0 = inputBatch(x, op);
  const labels = labelBatch(y, x0.shape[0], op);
  checkInBox(x0, box, op);
  const n = x0.shape[0], d = x0.size / n, dtype = x0.dtype;
  const classes = scoreMatrix(new Tensor(scoresOf(forward, x0)), n, op).shape[1];
  if (classes < 2) {
    throw new RangeError(`${op}: the model must return C ≥ 2 scores per input, got ${classes}`);
  }
  classIndices(labels, n, classes, op);
  const lo = box?.[0] ?? 0, span = box === null ? 1 : box[1] - box[0];
  // the variable w and the map w → x'
  const toX = (w: Tensor): Tensor => box === null ? w : w.tanh().add(1).mul(span / 2).add(lo);
  const w0 = box === null ? x0 : x0.sub(lo).div(span).mul(2).sub(1).clamp(-1 + 1e-6, 1 - 1e-6)
    .contiguous();
  const wInit = box === null ? w0 : atanh(w0);
  const best = Float64Array.from(valuesOf(x0));
  const bestL2 = new Float64Array(n).fill(Infinity);
  const c = new Float64Array(n).fill(c0),
    cLow = new Float64Array(n),
    cHigh = new Float64Array(n)
      .fill(Infinity);
  const yt = new Tensor(labels);
  const lab = Int32Array.from(valuesOf(labels));
  const x0t = new Tensor(x0);
  withFrozenParameters(model, () => {
    for (let s = 0; s < searches; s++) {
      let w = wInit.clone();
      const m = new Float64Array(w.size), v = new Float64Array(w.size);
      const found = new Array<boolean>(n).fill(false);
      const cT = new Tensor(NDArray.fromTyped(Float64Array.from(c)).astype(dtype));
      for (let t = 1; t <= steps; t++) {
        const wt = new Tensor(w, { requiresGrad: true });
        const xa = toX(wt);
        const z = scoreMatrix(forward(xa), n, op);
        const dist = xa.sub(x0t).square().reshape([n, -1]).sum({ axis: 1 });
        const objective = dist.add(cwMargin(z, yt, { targeted, kappa }).mul(cT)).sum();
        const [g] = gradients(objective, wt);
        // keep the smallest successful iterate so far
        noGrad(() => {
          const pred = predict(z.data);
          const xs = valuesOf(xa.data), dd = valuesOf(dist.data);
          for (let i = 0; i < n; i++) {
            const ok = targeted ? pred[i] === lab[i] : pred[i] !== lab[i];
            if (ok && Math.sqrt(dd[i]) < bestL2[i]) {
              bestL2[i] = Math.sqrt(dd[i]);
              found[i] = true;
              for (let j = 0; j < d; j++) best[i * d + j] = xs[i * d + j];
            } else if (ok) found[i] = true;
          }
        });
        w = adamStep(w, g!.data, m, v, t, lr);
      }
      for (let i = 0; i < n; i++) {
        if (found[i]) {
          cHigh[i] = Math.min(cHigh[i], c[i]);
          c[i] = (cLow[i] + cHigh[i]) / 2;
        } else {
          cLow[i] = Math.max(cLow[i], c[i]);
          c[i] = cHigh[i] === Infinity ? c[i] * 10 : (cLow[i] + cHigh[i]) / 2;
        }
      }
    }
  });
  const success = Array.from(bestL2, (v) => v < Infinity);
  return {
    x: new Tensor(NDArray.fromTyped(best, x0.shape).astype(dtype)),
    success,
    l2: bestL2.map((v) => (v < Infinity ? v : 0)),
    c,
  };
}

function atanh(a: NDArray): NDArray {
  // ½·log((1 + a)/(1 − a))
  return a.add(1).div(a.neg().add(1)).log().mul(0.5);
}

/** One Adam step (β = 0.9, 0.999; ε = 1e-8) on the attack variable; @nnc/models does not use @nnc/optim. */
function adamStep(
  w: NDArray,
  g: NDArray,
  m: Float64Array,
  v: Float64Array,
  t: number,
  lr: number,
): NDArray {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const wv = Float64Array.from(valuesOf(w));
  const gv = valuesOf(g);
  const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
  for (let i = 0; i < wv.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * gv[i];
    v[i] = b2 * v[i] + (1 - b2) * gv[i] * gv[i];
    wv[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
  }
  return NDArray.fromTyped(wv, w.shape).astype(w.dtype);
}
