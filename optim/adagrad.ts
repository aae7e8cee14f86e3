/**
 * {@link Adagrad}: per-coordinate step sizes from the sum of past squared gradients.
 *
 * @module
 */
import {
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type ParamsInput,
  type StateKeys,
} from "./optimizer.ts";
import { bufferValues, commitValues, gradValues, paramValues } from "./_buffers.ts";
import { checkBool, checkNumber, checkOneOf } from "@nnc/tensor";

/** Which defaults {@link Adagrad} starts from. */
export type AdagradVariant = "torch" | "notes";

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate η (ε in Goodfellow's notation). Default 1e-2. */
  lr: number;
  /** Learning-rate decay: step t uses `lr / (1 + (t − 1)·lrDecay)`. Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Starting value of the accumulator r. Default 0. */
  initialAccumulatorValue: number;
  /** δ added to √r (outside the root). Default 1e-10 (`"torch"`) or 1e-7 (`"notes"`). */
  eps: number;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
  /**
   * `"torch"` (default) or `"notes"`. The update is the same, and the same as the notes'
   * (Goodfellow et al. Alg. 8.4): δ sits **outside** the root, `Δθ = −η g / (δ + √r)`, in PyTorch
   * too. Only the default δ differs: 1e-7 in the notes, 1e-10 in PyTorch.
   */
  variant: AdagradVariant;
}

/**
 * Adagrad (PyTorch's `torch.optim.Adagrad`: same update, defaults and state `step`, `sum`):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ          (t ← t + 1)
 * r ← r + g²                                              (r₀ = initialAccumulatorValue)
 * θ ← θ − lr/(1 + (t − 1)·lrDecay) · g / (√r + eps)
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adagrad } from "@nnc/optim";
 * // The notes' run on f(θ) = θ², θ₀ = 1: ε = 0.1, δ = 1e-7 → θ₁ = 0.900000005.
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new Adagrad([theta], { lr: 0.1, variant: "notes" });
 * theta.mul(theta).sum().backward();
 * opt.step();
 * console.assert(Math.abs(theta.item() - 0.900000005) < 1e-12);
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const notes = options?.variant === "notes";
    super("Adagrad", params, {
      lr: 1e-2,
      lrDecay: 0,
      weightDecay: 0,
      initialAccumulatorValue: 0,
      eps: notes ? 1e-7 : 1e-10,
      maximize: false,
      variant: notes ? "notes" : "torch",
    }, options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkNumber(o.lrDecay, op, "lrDecay", 0);
    checkNumber(o.weightDecay, op, "weightDecay", 0);
    checkNumber(o.initialAccumulatorValue, op, "initialAccumulatorValue", 0);
    checkNumber(o.eps, op, "eps", 0);
    checkBool(o.maximize, op, "maximize");
    checkOneOf(o.variant, op, "variant", ["torch", "notes"]);
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["sum"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { eps, weightDecay: wd } = group;
    const sign = group.maximize ? -1 : 1;
    for (const p of group.params) {
      const g = gradValues(p, "Adagrad");
      if (g === null) continue;
      const x = paramValues(p, "Adagrad");
      const s = this.paramState(p);
      const sum = bufferValues(this.buffer(p, s, "sum", group.initialAccumulatorValue));
      const step = ((s.step as number | undefined) ?? 0) + 1;
      s.step = step;
      const clr = group.lr / (1 + (step - 1) * group.lrDecay);
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i] + wd * x[i];
        sum[i] += d * d;
        x[i] -= clr * (d / (Math.sqrt(sum[i]) + eps));
      }
      commitValues(p, x);
    }
  }
}
