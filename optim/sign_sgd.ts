/**
 * {@link SignSGD}: steps of fixed size along the sign of the gradient (signSGD; with momentum,
 * Signum).
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
import { checkBool, checkNumber, checkProbability, describe } from "@nnc/tensor";

/** Options of {@link SignSGD}. */
export interface SignSGDOptions extends OptimizerOptions {
  /** Step size η: every coordinate moves by exactly η (or 0). Required. */
  lr: number;
  /** Signum's averaging rate β in [0, 1): step along sign(m), `m ← βm + (1 − β)g`. Default 0. */
  momentum: number;
  /** L2 penalty added to the gradient before taking the sign. Default 0. */
  weightDecay: number;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

/**
 * Sign gradient descent, the notes' `x^{k+1} = x^k − η_k sign(∇f_{I(k)}(x^k))` (Bernstein et al.;
 * PyTorch has no equivalent). With `momentum` β > 0 it is Signum: `m ← βm + (1 − β)g`,
 * `θ ← θ − η·sign(m)` (state `momentum_buffer`). sign(0) = 0, so a zero gradient leaves a
 * coordinate in place.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { SignSGD } from "@nnc/optim";
 * const w = tensor([1, 1, 1], { dtype: "float64", requiresGrad: true });
 * const opt = new SignSGD([w], { lr: 0.25 });
 * w.grad = tensor([3, -1e-9, 0], { dtype: "float64" });
 * opt.step();
 * console.assert(w.toArray().toString() === "0.75,1.25,1");
 * ```
 */
export class SignSGD extends Optimizer<SignSGDOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups); `lr` is required. */
  constructor(
    params: ParamsInput<SignSGDOptions>,
    options: Partial<SignSGDOptions> & { lr: number },
  ) {
    if (options === null || typeof options !== "object" || options.lr === undefined) {
      throw new TypeError(`SignSGD: options.lr is required, got ${describe(options)}`);
    }
    super("SignSGD", params, { lr: NaN, momentum: 0, weightDecay: 0, maximize: false }, options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkProbability(o.momentum, op, "momentum");
    checkNumber(o.weightDecay, op, "weightDecay", 0);
    checkBool(o.maximize, op, "maximize");
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: [], tensors: ["momentum_buffer"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<SignSGDOptions>): void {
    const { lr, momentum: beta, weightDecay: wd } = group;
    const sign = group.maximize ? -1 : 1;
    for (const p of group.params) {
      const g = gradValues(p, "SignSGD");
      if (g === null) continue;
      const x = paramValues(p, "SignSGD");
      const m = beta > 0
        ? bufferValues(this.buffer(p, this.paramState(p), "momentum_buffer"))
        : null;
      for (let i = 0; i < x.length; i++) {
        let d = sign * g[i] + wd * x[i];
        if (m !== null) d = m[i] = beta * m[i] + (1 - beta) * d;
        x[i] -= lr * Math.sign(d);
      }
      commitValues(p, x);
    }
  }
}
