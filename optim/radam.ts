/**
 * {@link RAdam}: Adam with the variance of its adaptive step rectified (Liu et al., 2020).
 *
 * @module
 */
import { Optimizer, type ParamGroup, type ParamsInput, type StateKeys } from "./optimizer.ts";
import { bufferValues } from "./_buffers.ts";
import { checkMomentOptions, momentDefaults, updateEach } from "./_moment_family.ts";
import type { MomentOptions } from "./moment_options.ts";

/** Options of {@link RAdam} (learning rate default 1e-3). */
export interface RAdamOptions extends MomentOptions {}

/**
 * RAdam (PyTorch's `torch.optim.RAdam`: same update, defaults and state `step`, `exp_avg`,
 * `exp_avg_sq`). While the second moment's estimate is too young to trust (ρ_t ≤ 5) the step is
 * plain momentum SGD; after, Adam's step scaled by the rectification r_t:
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ                      (t ← t + 1)
 * m ← β1 m + (1 − β1) g            v ← β2 v + (1 − β2) g²
 * ρ∞ = 2/(1 − β2) − 1              ρ_t = ρ∞ − 2t β2^t/(1 − β2^t)
 * ρ_t > 5:  r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))
 *           θ ← θ − lr · m/(1 − β1^t) · r_t √(1 − β2^t)/(√v + ε)
 * else:     θ ← θ − lr · m/(1 − β1^t)
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { RAdam } from "@nnc/optim";
 * // The first steps are momentum SGD: step 1 moves θ by lr·g exactly.
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new RAdam([theta], { lr: 0.1 });
 * theta.mul(theta).sum().backward();
 * opt.step();
 * console.assert(Math.abs(theta.item() - 0.8) < 1e-15);
 * ```
 */
export class RAdam extends Optimizer<RAdamOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super("RAdam", params, momentDefaults(1e-3), options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkMomentOptions(o, op);
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["exp_avg", "exp_avg_sq"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<RAdamOptions>): void {
    const [b1, b2] = group.betas;
    const { lr, eps, weightDecay: wd } = group;
    const sign = group.maximize ? -1 : 1;
    const rhoInf = 2 / (1 - b2) - 1;
    updateEach("RAdam", group, (p) => this.paramState(p), (x, g, p, s, step) => {
      const m = bufferValues(this.buffer(p, s, "exp_avg"));
      const v = bufferValues(this.buffer(p, s, "exp_avg_sq"));
      const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
      const rho = rhoInf - (2 * step * b2 ** step) / bc2;
      const rect = rho > 5
        ? Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho))
        : 0;
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i] + wd * x[i];
        m[i] = m[i] * b1 + (1 - b1) * d;
        v[i] = v[i] * b2 + (1 - b2) * d * d;
        const corrected = m[i] / bc1;
        x[i] -= rho > 5
          ? corrected * lr * (Math.sqrt(bc2) / (Math.sqrt(v[i]) + eps)) * rect
          : corrected * lr;
      }
    });
  }
}
