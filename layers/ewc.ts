/**
 * Elastic weight consolidation (EWC), the notes' remedy for catastrophic forgetting in continual
 * learning: after task A, remember the weights θ*_A and the diagonal Fisher information
 * F_i = E_x[(∂ log p_θ(x) / ∂θ_i)²] at θ*_A; while learning task B, minimise
 * L_B(θ) + Σ_i λ/2 · F_i (θ_i − θ*_{A,i})², so the weights task A depended on move least.
 * {@link ewcPenalty} is the penalty as a function, {@link diagonalFisher} estimates F from samples,
 * and {@link ElasticWeightConsolidation} keeps both for a module across any number of tasks.
 *
 * @module
 */
import { checkFunction, checkNumber, checkOptions, describe, fmtShape, NDArray } from "@nnc/tensor";
import { gradients, Tensor, zeros } from "@nnc/autograd";
import type { Module } from "./module.ts";

function checkTensorList(value: unknown, op: string, name: string): Tensor[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${op}: ${name} must be an array of Tensors, got ${describe(value)}`);
  }
  value.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${op}: ${name}[${i}] must be a Tensor, got ${describe(t)}`);
    }
  });
  return value as Tensor[];
}

function checkArrayList(value: unknown, op: string, name: string, like: Tensor[]): NDArray[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${op}: ${name} must be an array of NDArrays, got ${describe(value)}`);
  }
  if (value.length !== like.length) {
    throw new RangeError(
      `${op}: ${name} has ${value.length} arrays for ${like.length} parameters`,
    );
  }
  value.forEach((a, i) => {
    if (!(a instanceof NDArray)) {
      throw new TypeError(`${op}: ${name}[${i}] must be an NDArray, got ${describe(a)}`);
    }
    if (fmtShape(a.shape) !== fmtShape(like[i].shape)) {
      throw new RangeError(
        `${op}: ${name}[${i}] has shape ${fmtShape(a.shape)}, expected the parameter's ${
          fmtShape(like[i].shape)
        }`,
      );
    }
  });
  return value as NDArray[];
}

/**
 * The EWC penalty Σ_k Σ_i λ/2 · F_{k,i} (θ_{k,i} − θ*_{k,i})² over the parameters `params`, their
 * consolidated values `anchors` and Fisher diagonals `fisher` (same shapes, in the same order), as a
 * scalar Tensor that differentiates through `params` (the gradient is λ·F·(θ − θ*)). An empty
 * parameter list gives 0.
 *
 * @example
 * ```ts
 * import { ewcPenalty } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { array } from "@nnc/tensor";
 * // The notes' worked example: F = (0.5, 2), θ = (1, 1), θ* = (0, 2), λ = 2 give 2.5.
 * const theta = tensor([1, 1], { dtype: "float64", requiresGrad: true });
 * const p = ewcPenalty([theta], [array([0, 2], { dtype: "float64" })], [array([0.5, 2], { dtype: "float64" })], 2);
 * console.assert(p.item() === 2.5);
 * ```
 */
export function ewcPenalty(
  params: readonly Tensor[],
  anchors: readonly NDArray[],
  fisher: readonly NDArray[],
  lambda: number,
): Tensor {
  const op = "ewcPenalty";
  const ps = checkTensorList(params, op, "params");
  const as = checkArrayList(anchors, op, "anchors", ps);
  const fs = checkArrayList(fisher, op, "fisher", ps);
  checkNumber(lambda, op, "lambda", 0);
  let total: Tensor | null = null;
  ps.forEach((p, i) => {
    const term = p.sub(as[i].astype(p.dtype)).square().mul(fs[i].astype(p.dtype)).sum();
    total = total === null ? term : total.add(term);
  });
  if (total === null) return zeros([]);
  return (total as Tensor).mul(lambda / 2);
}

/**
 * Estimates the diagonal Fisher information F_i = E_x[(∂ log p_θ(x) / ∂θ_i)²] of `params` (the
 * empirical Fisher): for every sample it differentiates `logLikelihood(sample)` (a scalar Tensor,
 * log p of that one sample under the model) with respect to `params`, squares the gradients and
 * averages them over the samples. Gradients are computed without touching `.grad`; a parameter the
 * log-likelihood does not reach gets zeros.
 *
 * @example
 * ```ts
 * import { diagonalFisher } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * // A unit-variance Gaussian with mean θ: ∂ log p / ∂θ = x − θ, so F = mean((x − θ)²).
 * const theta = tensor([1], { dtype: "float64", requiresGrad: true });
 * const [f] = diagonalFisher([theta], [0, 1, 3], (x: number) => theta.sub(x).square().mul(-0.5).sum());
 * console.assert(Math.abs(f.data[0] - 5 / 3) < 1e-12);
 * ```
 */
export function diagonalFisher<T>(
  params: readonly Tensor[],
  samples: Iterable<T>,
  logLikelihood: (sample: T) => Tensor,
): NDArray[] {
  return fisherOf(params, samples, logLikelihood, "diagonalFisher");
}

/** {@link diagonalFisher} with its errors naming `op`. */
function fisherOf<T>(
  params: readonly Tensor[],
  samples: Iterable<T>,
  logLikelihood: (sample: T) => Tensor,
  op: string,
): NDArray[] {
  const ps = checkTensorList(params, op, "params");
  ps.forEach((p, i) => {
    if (!p.requiresGrad) {
      throw new RangeError(
        `${op}: params[${i}] of shape ${fmtShape(p.shape)} does not require grad`,
      );
    }
  });
  if (samples === null || typeof (samples as Iterable<T>)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${op}: samples must be iterable, got ${describe(samples)}`);
  }
  const f = checkFunction<(sample: T) => Tensor>(logLikelihood, op, "logLikelihood");
  const sums = ps.map((p) => new Float64Array(p.size));
  let count = 0;
  for (const sample of samples) {
    const ll = f(sample);
    if (!(ll instanceof Tensor) || ll.size !== 1) {
      throw new TypeError(
        `${op}: logLikelihood must return a scalar Tensor, got ${
          ll instanceof Tensor ? `shape ${fmtShape(ll.shape)}` : describe(ll)
        }`,
      );
    }
    const grads = gradients(ll.sum(), ps, { allowUnused: true });
    grads.forEach((g, k) => {
      if (g === null) return;
      const c = g.data.contiguous();
      const sum = sums[k];
      for (let j = 0; j < c.size; j++) sum[j] += c.data[c.offset + j] ** 2;
    });
    count++;
  }
  if (count === 0) throw new RangeError(`${op}: samples is empty`);
  return ps.map((p, k) =>
    NDArray.fromTyped(sums[k].map((s) => s / count), [...p.shape]).astype(p.dtype)
  );
}

/**
 * Options of {@link ElasticWeightConsolidation}.
 *
 * @example
 * ```ts
 * import type { EwcOptions } from "@nnc/layers";
 * const o: EwcOptions = { lambda: 100 };
 * ```
 */
export interface EwcOptions {
  /** The penalty's strength λ (≥ 0): how much the old tasks' weights resist moving. */
  lambda: number;
}

/** One consolidated task: the weights after it and their Fisher diagonals. */
interface ConsolidatedTask {
  anchors: NDArray[];
  fisher: NDArray[];
}

/**
 * EWC for a module over a sequence of tasks: after training on a task call
 * {@link ElasticWeightConsolidation.consolidate} with samples of it (its weights and diagonal Fisher
 * are stored); while training on the next ones add {@link ElasticWeightConsolidation.penalty} to the
 * loss. With several consolidated tasks the penalty is the sum of one quadratic per task, as in
 * Kirkpatrick et al.
 *
 * @example
 * ```ts
 * import { ElasticWeightConsolidation, Linear } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const net = new Linear(2, 1, { rng: new Rng(0), dtype: "float64" });
 * const ewc = new ElasticWeightConsolidation(net, { lambda: 10 });
 * const xs = [[1, 0], [0, 1], [1, 1]];
 * // Log-likelihood of a unit-variance Gaussian regression with target 0.
 * ewc.consolidate(xs, (x) => net.forward(tensor([x], { dtype: "float64" })).square().mul(-0.5).sum());
 * console.assert(ewc.penalty().item() === 0); // no move yet
 * ```
 */
export class ElasticWeightConsolidation {
  /** The penalty's strength λ. */
  readonly lambda: number;
  readonly #module: Module;
  readonly #tasks: ConsolidatedTask[] = [];

  /** Watches `module`'s trainable parameters with strength `options.lambda`. */
  constructor(module: Module, options: EwcOptions) {
    const op = "ElasticWeightConsolidation";
    if (module === null || typeof module !== "object" || typeof module.parameters !== "function") {
      throw new TypeError(`${op}: module must be a Module, got ${describe(module)}`);
    }
    const o = checkOptions(options, op, "lambda");
    this.lambda = checkNumber(o.lambda, op, "lambda", 0);
    this.#module = module;
  }

  /** How many tasks have been consolidated. */
  get tasks(): number {
    return this.#tasks.length;
  }

  #params(): Tensor[] {
    return this.#module.parameters().filter((p) => p.requiresGrad);
  }

  /**
   * Stores the module's current weights and their diagonal Fisher information estimated on
   * `samples` with `logLikelihood` (see {@link diagonalFisher}): call it when a task is learnt.
   */
  consolidate<T>(samples: Iterable<T>, logLikelihood: (sample: T) => Tensor): void {
    const params = this.#params();
    const fisher = fisherOf(params, samples, logLikelihood, "consolidate");
    this.#tasks.push({ anchors: params.map((p) => p.data.clone()), fisher });
  }

  /**
   * The sum over consolidated tasks of Σ_i λ/2 · F_i (θ_i − θ*_i)² at the module's current weights:
   * a scalar Tensor to add to the new task's loss (0 before any task is consolidated).
   */
  penalty(): Tensor {
    const params = this.#params();
    let total: Tensor | null = null;
    for (const task of this.#tasks) {
      if (task.anchors.length !== params.length) {
        throw new RangeError(
          `ElasticWeightConsolidation.penalty: the module has ${params.length} trainable parameters, ${task.anchors.length} when the task was consolidated`,
        );
      }
      const term = ewcPenalty(params, task.anchors, task.fisher, this.lambda);
      total = total === null ? term : total.add(term);
    }
    return total ?? zeros([], { dtype: params[0]?.dtype ?? "float32" });
  }
}
