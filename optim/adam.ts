/**
 * {@link Adam}: adaptive moment estimation (Kingma & Ba), with the AMSGrad option.
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
import { adamDefaults, checkAdamOptions, stepAdamGroup } from "./_adam_update.ts";

/** Which defaults {@link Adam} and {@link AdamW} start from. */
export type AdamVariant = "torch" | "notes";

/** Options of {@link Adam}. */
export interface AdamOptions extends OptimizerOptions {
  /** Learning rate η. Default 1e-3. */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moment averages. Default [0.9, 0.999]. */
  betas: [number, number];
  /** ε added to the denominator, outside the square root. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient (use {@link AdamW} for decoupled decay). Default 0. */
  weightDecay: number;
  /** AMSGrad: divide by the running maximum of the second moment. Default false. */
  amsgrad: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
  /**
   * `"torch"` (default) or `"notes"`. The update is the same: the notes' form
   * `x ← x − (η/(1−β^k)) Λ m` with `1/λ = √(γ/(1−α^k)) + δ` is algebraically Kingma–Ba's. Only the
   * defaults differ: the notes call β2 = 0.99 "typical", so `"notes"` defaults `betas` to
   * [0.9, 0.99] (PyTorch: [0.9, 0.999]).
   */
  variant: AdamVariant;
}

/**
 * Adam (PyTorch's `torch.optim.Adam`: same update, defaults and state `step`, `exp_avg`,
 * `exp_avg_sq`, `max_exp_avg_sq`):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ
 * m ← β1 m + (1 − β1) g            v ← β2 v + (1 − β2) g²         (t ← t + 1)
 * v̂ ← amsgrad ? max(v̂, v) : v
 * θ ← θ − lr/(1 − β1^t) · m / (√v̂ / √(1 − β2^t) + ε)
 * ```
 *
 * One deliberate difference: m and v flush to zero below the smallest normal number of their
 * dtype (2⁻¹²⁶ in float32). With a gradient that has become exactly zero (a dead ReLU unit) PyTorch's
 * m decays until rounding holds it at a subnormal forever (0.9·m rounds back to m), and subnormal
 * arithmetic costs x86 cores a microcode assist per vector operation — a VAE's step ran 50 % slower
 * after a thousand steps. The update such a moment makes is below 1e-40.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adam } from "@nnc/optim";
 * // f(θ) = θ², θ₀ = 1: the notes' golden trajectory 0.999000000005, 0.9980000262138, …
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new Adam([theta]);
 * for (let k = 0; k < 2; k++) {
 *   opt.zeroGrad();
 *   theta.mul(theta).sum().backward();
 *   opt.step();
 * }
 * console.assert(Math.abs(theta.item() - 0.9980000262138) < 1e-12);
 * ```
 */
export class Adam extends Optimizer<AdamOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super("Adam", params, adamDefaults(options?.variant, 0), options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkAdamOptions(o, op);
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    stepAdamGroup("Adam", group, false, {
      state: (p) => this.paramState(p),
      buffer: (p, s, key) => this.buffer(p, s, key),
    });
  }
}
