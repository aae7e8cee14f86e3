/**
 * {@link AdamW}: Adam with decoupled weight decay (Loshchilov & Hutter).
 *
 * @module
 */
import { Optimizer, type ParamGroup, type ParamsInput, type StateKeys } from "./optimizer.ts";
import type { AdamOptions } from "./adam.ts";
import { adamDefaults, checkAdamOptions, stepAdamGroup } from "./_adam_update.ts";

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
    stepAdamGroup("AdamW", group, true, {
      state: (p) => this.paramState(p),
      buffer: (p, s, key) => this.buffer(p, s, key),
    });
  }
}
