/**
 * Differentiable joining and splitting along an axis: `concat`, `stack`, `split`, `chunk`.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { promoteTypes } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { normalizeAxis } from "./_shape_util.ts";
import { CONCAT } from "./_prim_join.ts";
import { astype } from "./elementwise.ts";
import { slice, unsqueeze } from "./shape.ts";

function checkList(xs: readonly Tensor[], op: string): void {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new TypeError(
      `${op}: expected a non-empty array of Tensors, got ${
        Array.isArray(xs) ? "an empty array" : typeof xs
      }`,
    );
  }
  xs.forEach((x, i) => checkTensor(x, op, `tensors[${i}]`));
}

/**
 * Joins tensors along an existing axis; shapes must agree elsewhere. Each input's gradient is its
 * slice of the output's.
 *
 * @example
 * ```ts
 * import { concat, tensor } from "@nnc/autograd";
 * const a = tensor([1, 2], { requiresGrad: true });
 * concat([a, tensor([3])]).mul(tensor([1, 2, 3])).sum().backward();
 * console.assert(a.grad?.toArray().toString() === "1,2");
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  checkList(tensors, "concat");
  const first = tensors[0];
  if (first.ndim === 0) {
    throw new RangeError("concat: 0-d tensors cannot be concatenated; use stack");
  }
  const ax = normalizeAxis(axis, first.ndim, "concat");
  const dtype = tensors.reduce((d, t) => promoteTypes(d, t.dtype), first.dtype);
  const xs = tensors.map((t) => (t.dtype === dtype ? t : astype(t, dtype)));
  return applyPrimitive(CONCAT, xs, { axis: ax });
}

/**
 * Joins tensors of one shape along a new axis.
 *
 * @example
 * ```ts
 * import { stack, tensor } from "@nnc/autograd";
 * console.assert(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray().toString() === "1,3,2,4");
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkList(tensors, "stack");
  const first = tensors[0];
  const ax = normalizeAxis(axis, first.ndim + 1, "stack");
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new RangeError(
        `stack: tensor ${i} has shape [${t.shape.join(", ")}] but tensor 0 has shape [${
          first.shape.join(", ")
        }]; all must be equal`,
      );
    }
  });
  return concat(tensors.map((t) => unsqueeze(t, ax)), ax);
}

/**
 * Splits into pieces along `axis`: a number is each piece's size (the last may be smaller), a list
 * gives every piece's size. Pieces are views whose gradients flow back to their part of `x`.
 *
 * @example
 * ```ts
 * import { split, tensor } from "@nnc/autograd";
 * const x = tensor([1, 2, 3, 4, 5], { requiresGrad: true });
 * const [, b] = split(x, 2);
 * b.sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,0,1,1,0");
 * ```
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor(x, "split", "x");
  const pieces = nd.split(x.data, sizeOrSections, axis); // validates and sizes the pieces
  const ax = normalizeAxis(axis, x.ndim, "split");
  let start = 0;
  return pieces.map((p) => {
    const len = p.shape[ax];
    const specs = x.shape.map((_, d) => (d === ax ? { start, stop: start + len } : null));
    start += len;
    return slice(x, ...specs);
  });
}

/**
 * Splits into `chunks` pieces of equal size along `axis` (the last may be smaller).
 *
 * @example
 * ```ts
 * import { chunk, tensor } from "@nnc/autograd";
 * console.assert(chunk(tensor([1, 2, 3, 4, 5, 6]), 3).map((p) => p.size).join() === "2,2,2");
 * ```
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor(x, "chunk", "x");
  const sizes = nd.chunk(x.data, chunks, axis).map((p) =>
    p.shape[normalizeAxis(axis, x.ndim, "chunk")]
  );
  return split(x, sizes, axis);
}
