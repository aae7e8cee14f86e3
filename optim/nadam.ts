/**
 * {@link NAdam}: Adam with Nesterov momentum (Dozat, 2016).
 *
 * @module
 */
import { Optimizer, type ParamGroup, type ParamsInput, type StateKeys } from "./optimizer.ts";
import { bufferValues } from "./_buffers.ts";
import { checkMomentOptions, momentDefaults, updateEach } from "./_moment_family.ts";
import type { MomentOptions } from "./moment_options.ts";
import { checkNumber } from "@nnc/tensor";

/** Options of {@link NAdam} (learning rate default 2e-3). */
export interface NAdamOptions extends MomentOptions {
  /** ψ of the momentum schedule `μ_t = β1 (1 − 0.96^(tψ)/2)`. Default 4e-3. */
  momentumDecay: number;
}

/**
 * NAdam (PyTorch's `torch.optim.NAdam`: same update, defaults and state `step`, `exp_avg`,
 * `exp_avg_sq`, `mu_product`):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ                      (t ← t + 1)
 * μ_t = β1 (1 − 0.96^(t·ψ)/2)      Π_t = μ_1 ⋯ μ_t
 * m ← β1 m + (1 − β1) g            v ← β2 v + (1 − β2) g²
 * d = √(v / (1 − β2^t)) + ε
 * θ ← θ − lr (1 − μ_t)/(1 − Π_t) · g/d − lr μ_{t+1}/(1 − Π_t μ_{t+1}) · m/d
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { NAdam } from "@nnc/optim";
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new NAdam([theta], { lr: 0.1 });
 * for (let k = 0; k < 50; k++) {
 *   opt.zeroGrad();
 *   theta.mul(theta).sum().backward();
 *   opt.step();
 * }
 * console.assert(Math.abs(theta.item()) < 0.2); // on its way to the minimum at 0
 * ```
 */
export class NAdam extends Optimizer<NAdamOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super("NAdam", params, { ...momentDefaults(2e-3), momentumDecay: 4e-3 }, options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkMomentOptions(o, op);
    checkNumber(o.momentumDecay, op, "momentumDecay", 0);
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step", "mu_product"], tensors: ["exp_avg", "exp_avg_sq"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<NAdamOptions>): void {
    const [b1, b2] = group.betas;
    const { lr, eps, weightDecay: wd, momentumDecay: psi } = group;
    const sign = group.maximize ? -1 : 1;
    updateEach("NAdam", group, (p) => this.paramState(p), (x, g, p, s, step) => {
      const m = bufferValues(this.buffer(p, s, "exp_avg"));
      const v = bufferValues(this.buffer(p, s, "exp_avg_sq"));
      const bc2 = 1 - b2 ** step;
      const mu = b1 * (1 - 0.5 * 0.96 ** (step * psi));
      const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * psi));
      const product = ((s.mu_product as number | undefined) ?? 1) * mu;
      s.mu_product = product;
      const productNext = product * muNext;
      const cg = (lr * (1 - mu)) / (1 - product), cm = (lr * muNext) / (1 - productNext);
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i] + wd * x[i];
        m[i] = m[i] * b1 + (1 - b1) * d;
        v[i] = v[i] * b2 + (1 - b2) * d * d;
        const denom = Math.sqrt(v[i] / bc2) + eps;
        x[i] -= cg * (d / denom);
        x[i] -= cm * (m[i] / denom);
      }
    });
  }
}
