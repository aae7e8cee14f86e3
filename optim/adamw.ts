/**
 * {@link AdamW}: Adam with decoupled weight decay (Loshchilov & Hutter).
 *
 * @module
 */
import { Optimizer, type ParamGroup, type ParamsInput, type StateKeys } from "./optimizer.ts";
import type { AdamOptions } from "./adam.ts";
import { bufferValues, commitValues, gradValues, paramValues } from "./_buffers.ts";
import { adamDefaults, adamUpdate, checkAdamOptions } from "./_adam_update.ts";

/** Options of {@link AdamW}: those of Adam, with `weightDecay` decoupled and 1e-2 by default. */
export type AdamWOptions = AdamOptions;

/**
 * AdamW (PyTorch's `torch.optim.AdamW`): the weight decay shrinks the parameter directly,
 * `θ ← θ(1 − lr·weightDecay)`, before the Adam update of the plain gradient, instead of being
 * added to the gradient (where Adam's normalisation would rescale it). Defaults as PyTorch:
 * lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2; `amsgrad` as in {@link Adam}.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { AdamW } from "@nnc/optim";
 * const w = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new AdamW([w], { lr: 0.1, weightDecay: 0.5 });
 * w.grad = tensor([0], { dtype: "float64" }); // no gradient: only the decay acts
 * opt.step();
 * console.assert(w.item() === 0.95);
 * ```
 */
export class AdamW extends Optimizer<AdamWOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super("AdamW", params, adamDefaults(options?.variant, 1e-2), options);
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
  protected override updateGroup(group: ParamGroup<AdamWOptions>): void {
    const [beta1, beta2] = group.betas;
    for (const p of group.params) {
      const g = gradValues(p, "AdamW");
      if (g === null) continue;
      const x = paramValues(p, "AdamW");
      const s = this.paramState(p);
      const m = bufferValues(this.buffer(p, s, "exp_avg"));
      const v = bufferValues(this.buffer(p, s, "exp_avg_sq"));
      const vmax = group.amsgrad ? bufferValues(this.buffer(p, s, "max_exp_avg_sq")) : null;
      const step = ((s.step as number | undefined) ?? 0) + 1;
      s.step = step;
      adamUpdate(x, g, m, v, vmax, {
        step,
        lr: group.lr,
        beta1,
        beta2,
        eps: group.eps,
        l2: 0,
        decay: group.weightDecay,
        sign: group.maximize ? -1 : 1,
      });
      commitValues(p, x);
    }
  }
}
