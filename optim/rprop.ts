/**
 * {@link Rprop}: resilient backpropagation (Riedmiller & Braun, 1993), steps from gradient signs.
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
import { bufferValues } from "./_buffers.ts";
import { updateEach } from "./_moment_family.ts";
import { checkBool, checkNumber, describe } from "@nnc/tensor";

/** Options of {@link Rprop}. */
export interface RpropOptions extends OptimizerOptions {
  /** The initial step size of every coordinate. Default 1e-2. */
  lr: number;
  /** [η−, η+]: factors of a coordinate's step when its gradient changes sign / keeps it. Default [0.5, 1.2]. */
  etas: [number, number];
  /** [smallest, largest] step size. Default [1e-6, 50]. */
  stepSizes: [number, number];
  /** Ascend the objective instead of descending it. Default false. */
  maximize: boolean;
}

/** Throws unless `v` is a pair of numbers `[low, high]` with `low ≤ high`, checked by `each`. */
function checkPair(
  v: unknown,
  op: string,
  name: string,
  each: (x: unknown, what: string) => void,
): void {
  if (!Array.isArray(v) || v.length !== 2) {
    throw new TypeError(`${op}: ${name} must be a pair of numbers, got ${describe(v)}`);
  }
  each(v[0], `${name}[0]`);
  each(v[1], `${name}[1]`);
  if (v[0] > v[1]) {
    throw new RangeError(
      `${op}: ${name} must be [low, high] with low <= high, got [${v[0]}, ${v[1]}]`,
    );
  }
}

/**
 * Rprop (PyTorch's `torch.optim.Rprop`: same update, defaults and state `step`, `prev`,
 * `step_size`). Each coordinate keeps its own step Δ (from `lr`) and moves by −sign(g)·Δ; the
 * magnitude of the gradient is never used:
 *
 * ```text
 * g ← ∇ (negated when maximize)
 * g·g_prev > 0:  Δ ← min(Δ·η+, Δmax)           θ ← θ − sign(g)·Δ       g_prev ← g
 * g·g_prev < 0:  Δ ← max(Δ·η−, Δmin)           θ unchanged             g_prev ← 0
 * otherwise:     Δ unchanged                   θ ← θ − sign(g)·Δ       g_prev ← g
 * ```
 *
 * For full-batch training (it reacts to sign changes, which noisy minibatch gradients make).
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { Rprop } from "@nnc/optim";
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const opt = new Rprop([theta], { lr: 0.1 });
 * for (let k = 0; k < 2; k++) {
 *   opt.zeroGrad();
 *   theta.mul(theta).sum().backward();
 *   opt.step();
 * }
 * // Steps of 0.1, then 0.1·1.2 (the gradient kept its sign): 1 − 0.1 − 0.12.
 * console.assert(Math.abs(theta.item() - 0.78) < 1e-12);
 * ```
 */
export class Rprop extends Optimizer<RpropOptions> {
  /** Builds the optimiser over `params` (tensors or parameter groups). */
  constructor(params: ParamsInput<RpropOptions>, options: Partial<RpropOptions> = {}) {
    super("Rprop", params, {
      lr: 1e-2,
      etas: [0.5, 1.2],
      stepSizes: [1e-6, 50],
      maximize: false,
    }, options);
  }

  /** Checks the values of every option present. */
  protected override checkOptions(o: Readonly<Record<string, unknown>>, op: string): void {
    checkNumber(o.lr, op, "lr", 0);
    checkPair(o.etas, op, "etas", (x, what) => checkNumber(x, op, what, 0));
    const [minus, plus] = o.etas as [number, number];
    if (!(minus < 1 && plus > 1)) {
      throw new RangeError(
        `${op}: etas must be [η−, η+] with 0 < η− < 1 < η+, got [${minus}, ${plus}]`,
      );
    }
    checkPair(o.stepSizes, op, "stepSizes", (x, what) => checkNumber(x, op, what, 0));
    checkBool(o.maximize, op, "maximize");
  }

  /** The per-parameter entries (PyTorch's names). */
  protected override stateKeys(): StateKeys {
    return { scalars: ["step"], tensors: ["prev", "step_size"] };
  }

  /** Applies the update to the parameters of one group. */
  protected override updateGroup(group: ParamGroup<RpropOptions>): void {
    const [minus, plus] = group.etas;
    const [low, high] = group.stepSizes;
    const sign = group.maximize ? -1 : 1;
    updateEach("Rprop", group, (p) => this.paramState(p), (x, g, p, s) => {
      const prev = bufferValues(this.buffer(p, s, "prev"));
      const size = bufferValues(this.buffer(p, s, "step_size", group.lr));
      for (let i = 0; i < x.length; i++) {
        const d = sign * g[i];
        const turn = d * prev[i];
        const factor = turn > 0 ? plus : turn < 0 ? minus : 1;
        size[i] = Math.min(Math.max(size[i] * factor, low), high);
        const kept = turn < 0 ? 0 : d;
        x[i] -= Math.sign(kept) * size[i];
        prev[i] = kept;
      }
    });
  }
}
