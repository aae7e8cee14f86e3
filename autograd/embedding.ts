/**
 * Differentiable embedding lookup.
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { NDArray } from "@nnc/tensor";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { fmtShape } from "./_shape_util.ts";
import { indexArray, indexSelect } from "./indexing.ts";
import { reshape } from "./shape.ts";
import { where } from "./elementwise.ts";
import { markGraphOwned } from "./graph_owned.ts";

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** Rows looked up at this index get no gradient (PyTorch's `padding_idx`). */
  paddingIdx?: number;
}

/**
 * Rows of `weight` `[V, D]` picked by int32 `indices` of any shape: the result has shape
 * `[...indices.shape, D]`. Gradients of repeated indices add up in their row.
 *
 * @example
 * ```ts
 * import { embedding, tensor } from "@nnc/autograd";
 * const w = tensor([[0, 1], [2, 3], [4, 5]], { requiresGrad: true });
 * const e = embedding(tensor([[2, 0, 2]], { dtype: "int32" }), w);
 * e.sum().backward();
 * console.assert(e.shape.join() === "1,3,2");
 * console.assert(w.grad?.toArray().toString() === "1,1,0,0,2,2");
 * ```
 */
export function embedding(
  indices: NDArray | Tensor | readonly number[],
  weight: Tensor,
  options: EmbeddingOptions = {},
): Tensor {
  checkTensor(weight, "embedding", "weight");
  if (weight.ndim !== 2) {
    throw new RangeError(`embedding: weight must be [V, D], got ${fmtShape(weight.shape)}`);
  }
  const idx = indexArray(indices, "embedding");
  const V = weight.shape[0];
  const flat = idx.contiguous();
  for (let i = 0; i < flat.size; i++) {
    const v = flat.data[flat.offset + i];
    if (v < 0 || v >= V) {
      throw new RangeError(`embedding: index ${v} is out of range for ${V} embeddings`);
    }
  }
  // The rows are read by the reshape alone: graph-owned, so that a caller marking the result sees
  // its memory released (see markGraphOwned).
  const rows = markGraphOwned(indexSelect(weight, 0, idx.reshape([idx.size])));
  let out = reshape(rows, [...idx.shape, weight.shape[1]]);
  const pad = options.paddingIdx;
  if (pad !== undefined) {
    const p = pad < 0 ? pad + weight.shape[0] : pad;
    if (!Number.isInteger(p) || p < 0 || p >= weight.shape[0]) {
      throw new RangeError(
        `embedding: paddingIdx ${pad} is out of range for ${weight.shape[0]} rows`,
      );
    }
    // Same values, but the padding rows' copies are detached: no gradient reaches that row.
    const keep = nd.ne(idx, p).reshape([...idx.shape, 1]);
    out = where(keep, out, out.detach());
  }
  return out;
}
