/**
 * {@link SGD}: stochastic gradient descent with momentum, dampening, Nesterov momentum and weight
 * decay, in PyTorch's form or the course notes' form.
 *
 * @module
 */
import type { Tensor } from "@nnc/autograd";
import { checkBool, checkNumber, checkOneOf, describe, getBackend, NDArray } from "@nnc/tensor";
import {
  Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type ParamsInput,
  type StateKeys,
} from "./optimizer.ts";
import {
  bufferValues,
  commitValues,
  type FloatArray,
  gradValues,
  paramValues,
} from "./_buffers.ts";

/** Which parameterisation of momentum {@link SGD} uses. */
export type SGDVariant = "torch" | "notes";

/** Options of {@link SGD}. */
export interface SGDOptions extends OptimizerOptions {
  /** Learning rate η (required: SGD has no default, as in PyTorch). */
  lr: number;
  /** Momentum factor (β, λ in the notes). Default 0 (plain gradient descent). */
  momentum: number;
  /** Dampening τ of the momentum: `buf ← β·buf + (1 − τ)·g`. Default 0. `"torch"` only. */
  dampening: number;
  /** L2 penalty μ added to the gradient: `g ← g + μθ`. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and zero dampening). Default false. */
  nesterov: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
  /**
   * `"torch"` (default): PyTorch's form, `buf ← β·buf + g`, `θ ← θ − η·buf` (Nesterov:
   * `θ ← θ − η(g + β·buf)`).
   *
   * `"notes"`: the course notes' form, `v ← λv − ηg`, `θ ← θ + v` (state `velocity`), and for
   * Nesterov the look-ahead form `y_{k+1} = x_k + β(x_k − x_{k−1})`, `x_{k+1} = y_{k+1} − η∇f(y_{k+1})`:
   * the parameter holds the look-ahead point y (where the gradient is taken) and the state
   * `iterate` holds x_k. With a constant learning rate both forms give the same parameters; they
   * differ when the learning rate changes, because the notes' velocity carries the old η.
   */
  variant: SGDVariant;
}

const DEFAULTS: SGDOptions = {
  lr: NaN,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
  variant: "torch",
};

/**
 * Stochastic gradient descent (PyTorch's `torch.optim.SGD`, same update and state layout):
 *
 * ```text
 * g ← ∇ (negated when maximize) + weightDecay·θ
 * buf ← g (first step), then buf ← momentum·buf + (1 − dampening)·g
 * θ ← θ − lr·(nesterov ? g + momentum·buf : buf)        (θ ← θ − lr·g without momentum)
 * ```
 *
 * `{ variant: "notes" }` switches to the notes' velocity form and Nesterov look-ahead form (see
 * {@link SGDOptions.variant}).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { SGD } from "@nnc/optim";
 * // Momentum on f(θ) = θ², θ₀ = 1 (the notes' golden values 0.8, 0.46, 0.062).
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new SGD([theta], { lr: 0.1, momentum: 0.9 });
 * const seen: number[] = [];
 * for (let k = 0; k < 3; k++) {
 *   opt.zeroGrad();
 *   theta.mul(theta).sum().backward();
 *   opt.step();
 *   seen.push(Number(theta.item().toFixed(12)));
 * }
 * console.assert(seen.join() === "0.8,0.46,0.062");
 * ```
 */
export class SGD extends Optimizer<SGDOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups); `lr` is required. */
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    if (options === null || typeof options !== "object" || options.lr === undefined) {
      throw new TypeError(
        `SGD: options.lr is required (SGD has no default learning rate), got ${describe(options)}`,
      );
    }
    super("SGD", params, DEFAULTS, options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkNumber(o.momentum, op, "momentum", 0);
    checkNumber(o.dampening, op, "dampening");
    checkNumber(o.weightDecay, op, "weightDecay", 0);
    checkBool(o.nesterov, op, "nesterov");
    checkBool(o.maximize, op, "maximize");
    checkOneOf(o.variant, op, "variant", ["torch", "notes"]);
    if (o.nesterov && ((o.momentum as number) <= 0 || o.dampening !== 0)) {
      throw new RangeError(
        `${op}: nesterov needs momentum > 0 and dampening 0, got momentum ${
          describe(o.momentum)
        } and dampening ${describe(o.dampening)}`,
      );
    }
    if (o.variant === "notes" && o.dampening !== 0) {
      throw new RangeError(
        `${op}: the notes' momentum has no dampening; use variant "torch" for dampening ${
          describe(o.dampening)
        }`,
      );
    }
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: [], tensors: ["momentum_buffer", "velocity", "iterate"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<SGDOptions>): void {
    for (const p of group.params) {
      const g = gradValues(p, "SGD");
      if (g === null) continue;
      const x = paramValues(p, "SGD");
      if (group.momentum === 0) plainStep(x, g, group);
      else if (group.variant === "notes") this.#notesStep(p, x, g, group);
      else this.#torchStep(p, x, g, group);
      commitValues(p, x);
    }
  }

  #torchStep(p: Tensor, x: FloatArray, g: FloatArray, o: SGDOptions): void {
    const s = this.paramState(p);
    const first = !("momentum_buffer" in s);
    const buf = bufferValues(this.buffer(p, s, "momentum_buffer"));
    getBackend().sgdStep(NDArray.fromTyped(x), NDArray.fromTyped(g), NDArray.fromTyped(buf), {
      lr: o.lr,
      weightDecay: o.weightDecay,
      sign: o.maximize ? -1 : 1,
      momentum: o.momentum,
      dampening: o.dampening,
      nesterov: o.nesterov,
      first,
    });
  }

  #notesStep(p: Tensor, x: FloatArray, g: FloatArray, o: SGDOptions): void {
    const s = this.paramState(p);
    const { lr, momentum: beta, weightDecay: wd } = o;
    const sign = o.maximize ? -1 : 1;
    if (o.nesterov) {
      // x holds the look-ahead point y; `iterate` holds x_k (x_0 = y_1 on the first step).
      const fresh = !("iterate" in s);
      const prev = bufferValues(this.buffer(p, s, "iterate"));
      if (fresh) prev.set(x);
      for (let i = 0; i < x.length; i++) {
        const next = x[i] - lr * (sign * g[i] + wd * x[i]);
        x[i] = next + beta * (next - prev[i]);
        prev[i] = next;
      }
      return;
    }
    const v = bufferValues(this.buffer(p, s, "velocity"));
    for (let i = 0; i < x.length; i++) {
      v[i] = beta * v[i] - lr * (sign * g[i] + wd * x[i]);
      x[i] += v[i];
    }
  }
}

function plainStep(x: FloatArray, g: FloatArray, o: SGDOptions): void {
  getBackend().sgdStep(NDArray.fromTyped(x), NDArray.fromTyped(g), null, {
    lr: o.lr,
    weightDecay: o.weightDecay,
    sign: o.maximize ? -1 : 1,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    first: false,
  });
}
