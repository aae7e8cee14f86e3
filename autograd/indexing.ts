/**
 * Differentiable index-driven ops with PyTorch semantics: `gather`, `scatterAdd`, `indexSelect`.
 * Indices are constant int32 arrays (given as NDArrays, int32 Tensors or, for `indexSelect`, lists).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import { NDArray } from "@nnc/tensor";
import { applyPrimitive } from "./primitive.ts";
import { Tensor, type TensorLike } from "./tensor.ts";
import { checkTensor, toTensor } from "./_convert.ts";
import { normalizeAxis } from "./_shape_util.ts";
import { GATHER, INDEX_SELECT, SCATTER_ADD } from "./_prim_index.ts";
import { astype } from "./elementwise.ts";

/** The int32 array behind an index argument. */
export function indexArray(index: NDArray | Tensor | readonly number[], op: string): NDArray {
  if (index instanceof Tensor) index = index.data;
  if (index instanceof NDArray) {
    if (index.dtype !== "int32") {
      throw new TypeError(`${op}: index must be int32, got ${index.dtype}`);
    }
    return index;
  }
  if (Array.isArray(index)) return nd.array(index as number[], { dtype: "int32" });
  throw new TypeError(
    `${op}: index must be an int32 NDArray or Tensor, got ${
      index === null ? "null" : typeof index
    }`,
  );
}

/**
 * Gathers values along `axis` (PyTorch `gather`): `out[i][j] = x[i][index[i][j]]` for axis 1. The
 * gradient is scatter-added back to the positions read.
 *
 * @example
 * ```ts
 * import { gather, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const picked = gather(x, 1, tensor([[0, 0], [1, 0]], { dtype: "int32" }));
 * picked.sum().backward();
 * console.assert(picked.toArray().toString() === "1,1,4,3");
 * console.assert(x.grad?.toArray().toString() === "2,0,1,1");
 * ```
 */
export function gather(x: Tensor, axis: number, index: NDArray | Tensor): Tensor {
  checkTensor(x, "gather", "x");
  const idx = indexArray(index, "gather");
  const ax = normalizeAxis(axis, x.ndim, "gather");
  return applyPrimitive(GATHER, [x], { axis: ax, index: idx });
}

/**
 * `x` plus `src` added at `index` along `axis` (PyTorch `scatter_add`); repeated indices
 * accumulate. Differentiable in `x` (gradient passes unchanged) and `src` (gathered).
 *
 * @example
 * ```ts
 * import { scatterAdd, tensor, zeros } from "@nnc/autograd";
 * const src = tensor([1, 2, 3], { requiresGrad: true });
 * const out = scatterAdd(zeros([2]), 0, tensor([0, 1, 0], { dtype: "int32" }), src);
 * out.mul(tensor([10, 1])).sum().backward();
 * console.assert(out.toArray().toString() === "4,2");
 * console.assert(src.grad?.toArray().toString() === "10,1,10");
 * ```
 */
export function scatterAdd(
  x: Tensor,
  axis: number,
  index: NDArray | Tensor,
  src: TensorLike,
): Tensor {
  checkTensor(x, "scatterAdd", "x");
  const idx = indexArray(index, "scatterAdd");
  let s = toTensor(src, "scatterAdd", "src", x.dtype);
  if (s.dtype !== x.dtype) s = astype(s, x.dtype);
  const ax = normalizeAxis(axis, x.ndim, "scatterAdd");
  return applyPrimitive(SCATTER_ADD, [x, s], { axis: ax, index: idx });
}

/**
 * The entries `index` along `axis` (PyTorch `index_select`); entries may repeat, and their
 * gradients add up.
 *
 * @example
 * ```ts
 * import { indexSelect, tensor } from "@nnc/autograd";
 * const x = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
 * indexSelect(x, 0, [2, 0, 2]).sum().backward();
 * console.assert(x.grad?.toArray().toString() === "1,1,0,0,2,2");
 * ```
 */
export function indexSelect(
  x: Tensor,
  axis: number,
  index: NDArray | Tensor | readonly number[],
): Tensor {
  checkTensor(x, "indexSelect", "x");
  const idx = indexArray(index, "indexSelect");
  if (idx.ndim > 1) {
    throw new RangeError(
      `indexSelect: index must be 0-d or 1-d, got shape [${idx.shape.join(", ")}]`,
    );
  }
  const ax = x.ndim === 0 ? 0 : normalizeAxis(axis, x.ndim, "indexSelect");
  return applyPrimitive(INDEX_SELECT, [x], {
    axis: ax,
    index: idx.ndim === 0 ? idx.reshape([1]) : idx,
  });
}
