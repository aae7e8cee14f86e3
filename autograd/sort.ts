/**
 * Differentiable ordering: `sort` and `topk` return values that carry gradients (gathered at the
 * sorted positions) and constant int32 indices; `argsort` is a constant.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { NDArray, SortOptions, TopkOptions } from "@nnc/tensor";
import { Tensor, type TensorSortResult } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { normalizeAxis } from "./_shape_util.ts";
import { gather } from "./indexing.ts";

function valuesAt(x: Tensor, indices: NDArray, axis: number | undefined): Tensor {
  if (x.ndim === 0) return x;
  return gather(x, normalizeAxis(axis ?? -1, x.ndim, "sort"), indices);
}

/**
 * Sorted values and their positions along an axis (the last by default); stable.
 *
 * @example
 * ```ts
 * import { sort, tensor } from "@nnc/autograd";
 * const x = tensor([3, 1, 2], { requiresGrad: true });
 * const { values, indices } = sort(x);
 * values.mul(tensor([1, 10, 100])).sum().backward();
 * console.assert(indices.toArray().toString() === "1,2,0");
 * console.assert(x.grad?.toArray().toString() === "100,1,10");
 * ```
 */
export function sort(x: Tensor, options: SortOptions = {}): TensorSortResult {
  checkTensor(x, "sort", "x");
  const { indices } = nd.sort(x.data, options);
  return { values: valuesAt(x, indices, options.axis), indices };
}

/**
 * The `k` largest (or smallest) values along an axis with their positions.
 *
 * @example
 * ```ts
 * import { tensor, topk } from "@nnc/autograd";
 * const x = tensor([1, 5, 3], { requiresGrad: true });
 * topk(x, 2).values.sum().backward();
 * console.assert(x.grad?.toArray().toString() === "0,1,1");
 * ```
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): TensorSortResult {
  checkTensor(x, "topk", "x");
  const { indices } = nd.topk(x.data, k, options);
  return { values: valuesAt(x, indices, options.axis), indices };
}

/**
 * Positions (int32) that sort `x` along an axis (a constant).
 *
 * @example
 * ```ts
 * import { argsort, tensor } from "@nnc/autograd";
 * console.assert(argsort(tensor([3, 1, 2])).toArray().toString() === "1,2,0");
 * ```
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  checkTensor(x, "argsort", "x");
  return new Tensor(nd.argsort(x.data, options));
}
