/**
 * {@link RMSprop}: gradient scaled by a running root-mean-square, with momentum and the centred
 * form.
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

/** Where {@link RMSprop} adds ε. */
export type RMSpropVariant = "torch" | "notes";

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate η. Default 1e-2. */
  lr: number;
  /** Decay rate α (ρ in the notes) of the squared-gradient average. Default 0.99. */
  alpha: number;
  /** ε (δ in the notes). Default 1e-8 (`"torch"`) or 1e-9 (`"notes"`). */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor of the scaled step. Default 0. */
  momentum: number;
  /** Centred RMSprop: normalise by an estimate of the variance, `r − ḡ²`. Default false. */
  centered: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
  /**
   * `"torch"` (default): `θ ← θ − η g / (√r + ε)` as PyTorch (and Hinton's slides).
   * `"notes"`: Goodfellow et al. Alg. 8.5 as in the notes, ε inside the root:
   * `θ ← θ − η g / √(δ + r)`, with δ = 1e-9 by default. The two differ only through ε.
   */
  variant: RMSpropVariant;
}

/**
 * RMSprop (PyTorch's `torch.optim.RMSprop`: same update, defaults and state `step`,
 * `square_avg`, `momentum_buffer`, `grad_avg`):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ
 * r ← α r + (1 − α) g²
 * c ← centered ? r − ḡ² with ḡ ← α ḡ + (1 − α) g : r
 * q ← g / (√c + ε)                      ("notes": g / √(c + ε))
 * momentum > 0 ? (b ← momentum·b + q;  θ ← θ − lr·b) : θ ← θ − lr·q
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { RMSprop } from "@nnc/optim";
 * // The notes' run on f(θ) = θ²: ε = 0.01, ρ = 0.9, δ = 1e-9 inside the root.
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new RMSprop([theta], { lr: 0.01, alpha: 0.9, variant: "notes" });
 * theta.mul(theta).sum().backward();
 * opt.step();
 * console.assert(Math.abs(theta.item() - 0.9683772234) < 1e-10);
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const notes = options?.variant === "notes";
    super("RMSprop", params, {
      lr: 1e-2,
      alpha: 0.99,
      eps: notes ? 1e-9 : 1e-8,
      weightDecay: 0,
      momentum: 0,
      centered: false,
      maximize: false,
      variant: notes ? "notes" : "torch",
    }, options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkNumber(o.alpha, op, "alpha", 0);
    checkNumber(o.eps, op, "eps", 0);
    checkNumber(o.weightDecay, op, "weightDecay", 0);
    checkNumber(o.momentum, op, "momentum", 0);
    checkBool(o.centered, op, "centered");
    checkBool(o.maximize, op, "maximize");
    checkOneOf(o.variant, op, "variant", ["torch", "notes"]);
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["square_avg", "momentum_buffer", "grad_avg"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, centered } = group;
    const sign = group.maximize ? -1 : 1;
    const inside = group.variant === "notes";
    const a1 = 1 - alpha;
    for (const p of group.params) {
      const g = gradValues(p, "RMSprop");
      if (g === null) continue;
      const x = paramValues(p, "RMSprop");
      const s = this.paramState(p);
      s.step = ((s.step as number | undefined) ?? 0) + 1;
      const sq = bufferValues(this.buffer(p, s, "square_avg"));
      const ga = centered ? bufferValues(this.buffer(p, s, "grad_avg")) : null;
      const buf = momentum > 0 ? bufferValues(this.buffer(p, s, "momentum_buffer")) : null;
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i] + wd * x[i];
        sq[i] = alpha * sq[i] + a1 * d * d;
        let c = sq[i];
        if (ga !== null) {
          ga[i] = alpha * ga[i] + a1 * d;
          c -= ga[i] * ga[i];
        }
        const denom = inside ? Math.sqrt(c + eps) : Math.sqrt(c) + eps;
        if (buf !== null) {
          buf[i] = momentum * buf[i] + d / denom;
          x[i] -= lr * buf[i];
        } else {
          x[i] -= lr * (d / denom);
        }
      }
      commitValues(p, x);
    }
  }
}
