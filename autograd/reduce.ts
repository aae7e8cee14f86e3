/**
 * Differentiable reductions over any axes: `sum`, `mean`, `prod`, `max`, `min`, `variance`, `std`,
 * `logsumexp`, and the constant `argmax` / `argmin`.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import {
  type ArgReduceOptions,
  checkBool,
  checkOptions,
  describe,
  isFloat,
  type ReduceOptions,
  type VarianceOptions,
} from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { normalizeAxes } from "./_shape_util.ts";
import * as P from "./_prim_reduce.ts";
import * as ew from "./elementwise.ts";
import { reshape } from "./shape.ts";

function params(x: Tensor, options: ReduceOptions | undefined, op: string): P.ReduceParams {
  checkTensor(x, op);
  const o = checkOptions(options, op);
  const keepDims = checkBool(o.keepDims ?? false, op, "keepDims");
  return { axes: normalizeAxes(o.axis, x.ndim, op), keepDims };
}

function count(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((p, a) => p * x.shape[a], 1);
}

/**
 * Sum over the given axes (all by default); the gradient is broadcast back.
 *
 * @example
 * ```ts
 * import { sum, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * sum(x, { axis: 1 }).mul(tensor([1, 10])).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "1,1,10,10");
 * ```
 */
export function sum(x: Tensor, options?: ReduceOptions): Tensor {
  return applyPrimitive(P.SUM, [x], params(x, options, "sum"));
}

/**
 * Mean over the given axes.
 *
 * @example
 * ```ts
 * import { mean, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3, 4], { requiresGrad: true });
 * mean(x).backward();
 * console.assert(x.grad?.toArray().toString() === "0.25,0.25,0.25,0.25");
 * ```
 */
export function mean(x: Tensor, options?: ReduceOptions): Tensor {
  const p = params(x, options, "mean");
  const xf = isFloat(x.dtype) ? x : ew.astype(x, "float32");
  return ew.div(applyPrimitive(P.SUM, [xf], p), count(x, p.axes));
}

/**
 * Product over the given axes (the gradient handles zeros; its own derivative does only where no
 * element of a group is zero).
 *
 * @example
 * ```ts
 * import { prod, tensor } from "@nnc/autograd";
 * const x = tensor([2, 3, 4], { requiresGrad: true });
 * prod(x).backward();
 * console.assert(x.grad?.toArray().toString() === "12,8,6");
 * ```
 */
export function prod(x: Tensor, options?: ReduceOptions): Tensor {
  return applyPrimitive(P.PROD, [x], params(x, options, "prod"));
}

/**
 * Maximum over the given axes (PyTorch `amax`): the gradient is shared evenly among tied maxima.
 *
 * @example
 * ```ts
 * import { max, tensor } from "@nnc/autograd";
 * const x = tensor([1, 5, 5], { requiresGrad: true });
 * max(x).backward();
 * console.assert(x.grad?.toArray().toString() === "0,0.5,0.5");
 * ```
 */
export function max(x: Tensor, options?: ReduceOptions): Tensor {
  return applyPrimitive(P.MAX, [x], params(x, options, "max"));
}

/**
 * Minimum over the given axes (PyTorch `amin`): the gradient is shared evenly among ties.
 *
 * @example
 * ```ts
 * import { min, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 5], [3, 0]], { requiresGrad: true });
 * min(x, { axis: 1 }).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "1,0,0,1");
 * ```
 */
export function min(x: Tensor, options?: ReduceOptions): Tensor {
  return applyPrimitive(P.MIN, [x], params(x, options, "min"));
}

/**
 * Index (int32) of the first maximum (a constant).
 *
 * @example
 * ```ts
 * import { argmax, tensor } from "@nnc/autograd";
 * console.assert(argmax(tensor([[1, 9], [8, 2]]), { axis: 1 }).toArray().toString() === "1,0");
 * ```
 */
export function argmax(x: Tensor, options?: ArgReduceOptions): Tensor {
  checkTensor(x, "argmax");
  return new Tensor(nd.argmax(x.data, options));
}

/**
 * Index (int32) of the first minimum (a constant).
 *
 * @example
 * ```ts
 * import { argmin, tensor } from "@nnc/autograd";
 * console.assert(argmin(tensor([3, 1, 2])).item() === 1);
 * ```
 */
export function argmin(x: Tensor, options?: ArgReduceOptions): Tensor {
  checkTensor(x, "argmin");
  return new Tensor(nd.argmin(x.data, options));
}

/**
 * Variance with `correction` (1 by default, PyTorch's unbiased estimate; 0 for NumPy's).
 *
 * @example
 * ```ts
 * import { tensor, variance } from "@nnc/autograd";
 * const x = tensor([1, 2, 3, 4], { dtype: "float64", requiresGrad: true });
 * variance(x, { correction: 0 }).backward(); // d/dx mean((x - m)²) = 2(x - m)/n
 * console.assert(x.grad?.toArray().toString() === "-0.75,-0.25,0.25,0.75");
 * ```
 */
export function variance(x: Tensor, options?: VarianceOptions): Tensor {
  return varianceOf("variance", x, options);
}

function varianceOf(op: string, x: Tensor, options: VarianceOptions | undefined): Tensor {
  const p = params(x, options, op);
  const correction = options?.correction ?? 1;
  if (typeof correction !== "number" || !Number.isFinite(correction) || correction < 0) {
    throw new RangeError(
      `${op}: correction must be a non-negative number, got ${describe(correction)}`,
    );
  }
  const xf = isFloat(x.dtype) ? x : ew.astype(x, "float32");
  const m = mean(xf, { axis: p.axes, keepDims: true });
  const d = ew.sub(xf, m);
  const ss = sum(ew.mul(d, d), { axis: p.axes, keepDims: p.keepDims });
  return ew.div(ss, Math.max(0, count(x, p.axes) - correction));
}

/**
 * Standard deviation: the square root of {@link variance}.
 *
 * @example
 * ```ts
 * import { std, tensor } from "@nnc/autograd";
 * console.assert(std(tensor([1, 3]), { correction: 0 }).item() === 1);
 * ```
 */
export function std(x: Tensor, options?: VarianceOptions): Tensor {
  return ew.sqrt(varianceOf("std", x, options));
}

/**
 * `log Σ exp(x)` over axes, shifted by the (constant) maximum so it never overflows; the gradient is
 * the softmax.
 *
 * @example
 * ```ts
 * import { logsumexp, tensor } from "@nnc/autograd";
 * const x = tensor([0, 0], { dtype: "float64", requiresGrad: true });
 * logsumexp(x).backward();
 * console.assert(x.grad?.toArray().toString() === "0.5,0.5");
 * ```
 */
export function logsumexp(x: Tensor, options: ReduceOptions = {}): Tensor {
  const p = params(x, options, "logsumexp");
  if (p.axes.some((a) => x.shape[a] === 0)) {
    throw new RangeError(
      `logsumexp: cannot reduce an empty axis of shape ${
        nd.fmtShape(x.shape)
      } (no identity for max)`,
    );
  }
  const xf = isFloat(x.dtype) ? x : ew.astype(x, "float32");
  const m = nd.max(xf.data, { axis: p.axes, keepDims: true });
  // An all -inf group would give -inf - -inf = NaN; shift it by 0 instead.
  const shift = nd.where(nd.eq(nd.abs(m), Infinity), 0, m);
  const s = sum(ew.exp(ew.sub(xf, shift)), { axis: p.axes, keepDims: true });
  const out = ew.add(ew.log(s), shift);
  return p.keepDims ? out : reshape(out, x.shape.filter((_, i) => !p.axes.includes(i)));
}
