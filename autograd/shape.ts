/**
 * Differentiable views and copies: `reshape`, `flatten`, `permute`, `transpose`, `expand`,
 * `squeeze`, `unsqueeze`, `slice`, `flip`, `clone`, `contiguous`. Views share storage with their
 * input, as in @nnc/tensor.
 *
 * @module
 */
import { describe, normalizeAxis, type SliceSpec } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { sameShape } from "./_shape_util.ts";
import * as P from "./_prim_view.ts";

/**
 * A tensor with a new shape of the same size (one entry may be -1); a view when `x` is contiguous.
 *
 * @example
 * ```ts
 * import { reshape, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3, 4], { requiresGrad: true });
 * reshape(x, [2, -1]).sum({ axis: 0 }).mul(tensor([1, 10])).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "1,10,1,10");
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, "reshape");
  if (!Array.isArray(shape)) {
    throw new TypeError(`reshape: shape must be an array of integers, got ${describe(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  return applyPrimitive(P.RESHAPE, [x], { shape });
}

/**
 * Flattens dimensions `startDim..endDim` (inclusive; all by default) into one.
 *
 * @example
 * ```ts
 * import { flatten, zeros } from "@nnc/autograd";
 * console.assert(flatten(zeros([2, 3, 4]), 1).shape.join() === "2,12");
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, "flatten");
  return reshape(x, x.data.flatten(startDim, endDim).shape);
}

/**
 * Reorders dimensions (a view); `axes` is a permutation of `0..ndim-1`.
 *
 * @example
 * ```ts
 * import { permute, zeros } from "@nnc/autograd";
 * console.assert(permute(zeros([2, 3, 4]), [2, 0, 1]).shape.join() === "4,2,3");
 * ```
 */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensor(x, "permute");
  x.data.permute(axes); // validates
  const resolved = axes.map((a) => (a < 0 ? a + x.ndim : a));
  if (resolved.every((a, i) => a === i)) return x;
  return applyPrimitive(P.PERMUTE, [x], { perm: resolved });
}

/**
 * Swaps two axes (an omitted one defaults to -2 / -1); with neither given, reverses all axes.
 *
 * @example
 * ```ts
 * import { tensor, transpose } from "@nnc/autograd";
 * console.assert(transpose(tensor([[1, 2], [3, 4]])).toArray().toString() === "1,3,2,4");
 * ```
 */
export function transpose(x: Tensor, axis0?: number, axis1?: number): Tensor {
  checkTensor(x, "transpose");
  const n = x.ndim;
  if (axis0 === undefined && axis1 === undefined) return permute(x, [...Array(n).keys()].reverse());
  const a = normalizeAxis(axis0 ?? -2, n, "transpose");
  const b = normalizeAxis(axis1 ?? -1, n, "transpose");
  if (n === 0) return permute(x, []); // axis 0 or -1 of a 0-d tensor: nothing to swap
  const perm = [...Array(n).keys()];
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/**
 * Broadcasts to a larger shape with stride-0 views (-1 keeps a dimension); the gradient is summed
 * back.
 *
 * @example
 * ```ts
 * import { expand, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2], { requiresGrad: true });
 * expand(x, [3, 2]).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "3,3");
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, "expand");
  checkAxes(shape, "expand", "shape", false);
  if (sameShape(x.shape, shape)) return x;
  return applyPrimitive(P.EXPAND, [x], { shape: x.data.expand(shape).shape });
}

/**
 * Removes size-1 dimensions (all, or those listed).
 *
 * @example
 * ```ts
 * import { squeeze, zeros } from "@nnc/autograd";
 * console.assert(squeeze(zeros([1, 3, 1])).shape.join() === "3");
 * ```
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor(x, "squeeze");
  checkAxes(axis, "squeeze", "axis", true);
  return reshape(x, x.data.squeeze(axis).shape);
}

/**
 * Inserts a size-1 dimension at `axis` (which may equal `ndim`).
 *
 * @example
 * ```ts
 * import { unsqueeze, zeros } from "@nnc/autograd";
 * console.assert(unsqueeze(zeros([3]), 0).shape.join() === "1,3");
 * ```
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor(x, "unsqueeze");
  return reshape(x, x.data.unsqueeze(axis).shape);
}

/**
 * Basic indexing as a view (see `NDArray.slice`): a number picks an index and drops the axis,
 * `{ start, stop, step }` takes a range, `null` keeps the axis. The gradient is written back into
 * zeros at the same positions.
 *
 * @example
 * ```ts
 * import { slice, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
 * slice(x, null, { start: 1 }).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,1,1,0,1,1");
 * ```
 */
export function slice(x: Tensor, ...specs: SliceSpec[]): Tensor {
  checkTensor(x, "slice");
  return applyPrimitive(P.SLICE, [x], { specs });
}

/**
 * Reverses the order along the given axes (all by default).
 *
 * @example
 * ```ts
 * import { flip, tensor } from "@nnc/autograd";
 * console.assert(flip(tensor([1, 2, 3])).toArray().toString() === "3,2,1");
 * ```
 */
export function flip(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor(x, "flip");
  checkAxes(axis, "flip", "axis", true);
  const axes = axis === undefined
    ? [...x.shape.keys()]
    : typeof axis === "number"
    ? [axis]
    : [...axis];
  x.data.flip(axes); // validates
  return applyPrimitive(P.FLIP, [x], { axes });
}

/**
 * A contiguous copy with its own storage, still connected to the graph.
 *
 * @example
 * ```ts
 * import { clone, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const y = clone(x);
 * console.assert(y.data.storage !== x.data.storage && y.requiresGrad);
 * ```
 */
export function clone(x: Tensor): Tensor {
  checkTensor(x, "clone");
  return applyPrimitive(P.CLONE, [x], undefined);
}

/**
 * `x` when contiguous, else a contiguous copy connected to the graph.
 *
 * @example
 * ```ts
 * import { contiguous, tensor } from "@nnc/autograd";
 * const t = tensor([[1, 2], [3, 4]]).T;
 * console.assert(!t.data.isContiguous && contiguous(t).data.isContiguous);
 * ```
 */
export function contiguous(x: Tensor): Tensor {
  checkTensor(x, "contiguous");
  return x.data.isContiguous ? x : clone(x);
}

/** An axis argument (or a shape): a number (when `single`), an array, or undefined when optional. */
function checkAxes(value: unknown, op: string, name: string, optional: boolean): void {
  if (optional && (value === undefined || typeof value === "number")) return;
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${op}: ${name} must be ${optional ? "an integer or " : ""}an array of integers, got ${
        describe(value)
      }`,
    );
  }
}
