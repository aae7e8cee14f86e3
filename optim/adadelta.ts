/**
 * {@link Adadelta}: step sizes from the ratio of running RMS of updates and gradients (Zeiler).
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
import { checkBool, checkNumber, checkProbability } from "@nnc/tensor";

/** Options of {@link Adadelta}. */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Scale of the update. Default 1 (Zeiler's method has no learning rate). */
  lr: number;
  /** Decay rate ρ of both running averages, in [0, 1]. Default 0.9. */
  rho: number;
  /** ε inside both roots. Default 1e-6. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

/**
 * Adadelta (PyTorch's `torch.optim.Adadelta`: same update, defaults and state `step`,
 * `square_avg`, `acc_delta`):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ
 * r ← ρ r + (1 − ρ) g²
 * Δ ← √(u + ε) / √(r + ε) · g
 * u ← ρ u + (1 − ρ) Δ²
 * θ ← θ − lr·Δ
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adadelta } from "@nnc/optim";
 * const w = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new Adadelta([w], { rho: 0.5, eps: 1e-2 });
 * w.grad = tensor([2], { dtype: "float64" });
 * opt.step(); // r = 2, Δ = √0.01/√2.01 · 2
 * console.assert(Math.abs(w.item() - (1 - 0.2 / Math.sqrt(2.01))) < 1e-15);
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(
      "Adadelta",
      params,
      { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
      options,
    );
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkProbability(o.rho, op, "rho", true);
    checkNumber(o.eps, op, "eps", 0);
    checkNumber(o.weightDecay, op, "weightDecay", 0);
    checkBool(o.maximize, op, "maximize");
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["square_avg", "acc_delta"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay: wd } = group;
    const sign = group.maximize ? -1 : 1;
    const r1 = 1 - rho;
    for (const p of group.params) {
      const g = gradValues(p, "Adadelta");
      if (g === null) continue;
      const x = paramValues(p, "Adadelta");
      const s = this.paramState(p);
      s.step = ((s.step as number | undefined) ?? 0) + 1;
      const sq = bufferValues(this.buffer(p, s, "square_avg"));
      const acc = bufferValues(this.buffer(p, s, "acc_delta"));
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i] + wd * x[i];
        sq[i] = rho * sq[i] + r1 * d * d;
        const delta = (Math.sqrt(acc[i] + eps) / Math.sqrt(sq[i] + eps)) * d;
        acc[i] = rho * acc[i] + r1 * delta * delta;
        x[i] -= lr * delta;
      }
      commitValues(p, x);
    }
  }
}
