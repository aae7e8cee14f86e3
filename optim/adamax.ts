/**
 * {@link Adamax}: Adam with the infinity norm in place of the second moment (Kingma & Ba, §7.1).
 *
 * @module
 */
import { Optimizer, type ParamGroup, type ParamsInput, type StateKeys } from "./optimizer.ts";
import { bufferValues } from "./_buffers.ts";
import { checkMomentOptions, momentDefaults, updateEach } from "./_moment_family.ts";
import type { MomentOptions } from "./moment_options.ts";

/** Options of {@link Adamax} (learning rate default 2e-3). */
export interface AdamaxOptions extends MomentOptions {}

/**
 * Adamax (PyTorch's `torch.optim.Adamax`: same update, defaults and state `step`, `exp_avg`,
 * `exp_inf`):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ                      (t ← t + 1)
 * m ← β1 m + (1 − β1) g            u ← max(β2 u, |g| + ε)
 * θ ← θ − lr/(1 − β1^t) · m / u
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Adamax } from "@nnc/optim";
 * // The first step moves every coordinate by lr·g/(|g| + ε), about lr·sign(g).
 * const theta = tensor([1, -2], { dtype: "float64", requiresGrad: true });
 * const opt = new Adamax([theta], { lr: 0.1 });
 * theta.mul(theta).sum().backward();
 * opt.step();
 * console.assert(Math.abs(theta.get(0) - 0.9) < 1e-8 && Math.abs(theta.get(1) + 1.9) < 1e-8);
 * ```
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super("Adamax", params, momentDefaults(2e-3), options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkMomentOptions(o, op);
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["exp_avg", "exp_inf"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const [b1, b2] = group.betas;
    const { eps, weightDecay: wd } = group;
    const sign = group.maximize ? -1 : 1;
    updateEach("Adamax", group, (p) => this.paramState(p), (x, g, p, s, step) => {
      const m = bufferValues(this.buffer(p, s, "exp_avg"));
      const u = bufferValues(this.buffer(p, s, "exp_inf"));
      const clr = group.lr / (1 - b1 ** step);
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i] + wd * x[i];
        m[i] = m[i] * b1 + (1 - b1) * d;
        u[i] = Math.max(u[i] * b2, Math.abs(d) + eps);
        x[i] -= clr * (m[i] / u[i]);
      }
    });
  }
}
