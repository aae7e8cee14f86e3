/**
 * Gradient clipping: {@link clipGradNorm} (rescale all gradients to a maximum total norm) and
 * {@link clipGradValue} (clamp each gradient element).
 *
 * @module
 */
import { peekGrad, Tensor } from "@nnc/autograd";
import type { NDArray } from "@nnc/tensor";
import type { FloatArray } from "./_buffers.ts";
import { checkBool, checkNumber, checkOptions, describe } from "@nnc/tensor";

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw a RangeError when the total norm is NaN or infinite (else the gradients become NaN). Default false. */
  errorIfNonfinite?: boolean;
}

function collect(params: Tensor | Iterable<Tensor>, op: string): Tensor[] {
  if (params instanceof Tensor) return [params];
  if (
    params === null || typeof params !== "object" ||
    typeof (params as Iterable<Tensor>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `${op}: params must be a Tensor or an iterable of Tensors, got ${describe(params)}`,
    );
  }
  const list = [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) {
      throw new TypeError(`${op}: params[${i}] must be a Tensor, got ${describe(p)}`);
    }
  });
  return list;
}

/** The gradient's elements, writable in place (the gradient is replaced by a private copy when it is a view). */
function ownGrad(p: Tensor): FloatArray {
  // Read for this call only (peekGrad): the gradient stays recyclable by zeroGrad.
  const grad = peekGrad(p) as Tensor;
  const g = grad.data;
  if (g.isContiguous && g.dtype !== "int32" && grad.isLeaf) {
    return (g.data as FloatArray).subarray(g.offset, g.offset + g.size);
  }
  const copy = g.clone();
  p.grad = new Tensor(copy);
  return copy.data as FloatArray;
}

function viewOf(g: NDArray): FloatArray {
  const c = g.contiguous();
  return (c.data as FloatArray).subarray(c.offset, c.offset + c.size);
}

/**
 * Scales the gradients of `params` in place so that their total `normType`-norm (all gradients
 * taken as one vector) is at most `maxNorm`, as PyTorch's `clip_grad_norm_`: every gradient is
 * multiplied by `min(1, maxNorm / (total + 1e-6))`. Parameters without a gradient are skipped.
 * Returns the total norm before clipping. `normType` is any p > 0 or `Infinity` (largest |g|).
 * This is the notes' projection `g ← g·min(1, τ/‖g‖)`, up to PyTorch's 1e-6 guard.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { clipGradNorm } from "@nnc/optim";
 * const w = tensor([0, 0], { dtype: "float64", requiresGrad: true });
 * w.grad = tensor([3, 4], { dtype: "float64" });
 * const total = clipGradNorm([w], 1);
 * console.assert(total === 5 && Math.abs((w.grad?.get(0) ?? NaN) - 0.6) < 1e-6);
 * ```
 */
export function clipGradNorm(
  params: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number {
  const op = "clipGradNorm";
  const list = collect(params, op).filter((p) => peekGrad(p) !== null);
  checkNumber(maxNorm, op, "maxNorm", 0);
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new RangeError(
      `${op}: normType must be a number > 0 or Infinity, got ${describe(normType)}`,
    );
  }
  checkOptions(options, op);
  const errorIfNonfinite = options.errorIfNonfinite ?? false;
  checkBool(errorIfNonfinite, op, "errorIfNonfinite");
  if (list.length === 0) return 0;
  const total = totalNorm(list.map((p) => viewOf((peekGrad(p) as Tensor).data)), normType);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(
      `${op}: the total ${normType}-norm of the gradients of ${list.length} parameters is ${total}; pass errorIfNonfinite: false to clip anyway`,
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  for (const p of list) {
    const g = ownGrad(p);
    for (let i = 0; i < g.length; i++) g[i] *= coef;
  }
  return total;
}

function totalNorm(grads: FloatArray[], p: number): number {
  if (p === Infinity) {
    let m = 0;
    for (const g of grads) {
      for (let i = 0; i < g.length; i++) {
        const a = Math.abs(g[i]);
        if (a > m || a !== a) m = a;
      }
    }
    return m;
  }
  let s = 0;
  if (p === 2) {
    for (const g of grads) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
    return Math.sqrt(s);
  }
  if (p === 1) {
    for (const g of grads) for (let i = 0; i < g.length; i++) s += Math.abs(g[i]);
    return s;
  }
  for (const g of grads) for (let i = 0; i < g.length; i++) s += Math.abs(g[i]) ** p;
  return s ** (1 / p);
}

/**
 * Clamps every gradient element of `params` to `[-clipValue, clipValue]` in place (PyTorch's
 * `clip_grad_value_`). Parameters without a gradient are skipped.
 *
 * @example
 * ```ts
 * import { tensor } from "@nnc/autograd";
 * import { clipGradValue } from "@nnc/optim";
 * const w = tensor([0, 0, 0], { requiresGrad: true });
 * w.grad = tensor([-3, 0.5, 2]);
 * clipGradValue(w, 1);
 * console.assert(w.grad?.toArray().toString() === "-1,0.5,1");
 * ```
 */
export function clipGradValue(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = "clipGradValue";
  const list = collect(params, op).filter((p) => peekGrad(p) !== null);
  checkNumber(clipValue, op, "clipValue", 0);
  for (const p of list) {
    const g = ownGrad(p);
    for (let i = 0; i < g.length; i++) {
      const v = g[i];
      if (v > clipValue) g[i] = clipValue;
      else if (v < -clipValue) g[i] = -clipValue;
    }
  }
}
