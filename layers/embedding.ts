/**
 * {@link Embedding}: a lookup table of learned vectors.
 *
 * @module
 */
import { checkInt, checkOptions, describe, fmtShape, NDArray, type Rng, zeros } from "@nnc/tensor";
import { embedding, Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import type { LayerOptions } from "./linear.ts";
import { checkAllocation, checkRng } from "./_util.ts";
import { resetTable, resolvePadding } from "./_embedding_table.ts";

/**
 * Options of {@link Embedding}.
 *
 * @example
 * ```ts
 * import type { EmbeddingLayerOptions } from "@nnc/layers";
 * const o: EmbeddingLayerOptions = { paddingIdx: 0 };
 * ```
 */
export interface EmbeddingLayerOptions extends LayerOptions {
  /** This row is initialised to zeros and receives no gradient (PyTorch `padding_idx`; negative counts from the end). */
  paddingIdx?: number;
}

/**
 * A table of `numEmbeddings` vectors of size `embeddingDim` (PyTorch `nn.Embedding`): int32
 * indices of any shape become `[...shape, embeddingDim]`. `weight` is drawn from N(0, 1), as
 * PyTorch; the `paddingIdx` row is zero and frozen.
 *
 * @example
 * ```ts
 * import { Embedding } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const emb = new Embedding(10, 4, { paddingIdx: 0 });
 * const e = emb.forward(tensor([[0, 3, 3]], { dtype: "int32" }));
 * console.assert(e.shape.join() === "1,3,4" && e.get(0, 0, 2) === 0);
 * ```
 */
export class Embedding extends Module<[Tensor | NDArray | readonly number[]], Tensor> {
  /** Rows of the table. */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** The frozen zero row (resolved to a non-negative index), or null. */
  readonly paddingIdx: number | null;
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;

  /** A table of `numEmbeddings` × `embeddingDim`. */
  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    const op = "Embedding";
    checkOptions(options, op);
    this.numEmbeddings = checkInt(numEmbeddings, op, "numEmbeddings", 1);
    this.embeddingDim = checkInt(embeddingDim, op, "embeddingDim", 1);
    this.paddingIdx = resolvePadding(options.paddingIdx, numEmbeddings, op);
    const dtype = options.dtype === "float64" ? "float64" : "float32";
    const shape = checkAllocation([numEmbeddings, embeddingDim], op, "weight");
    this.weight = new Parameter(zeros(shape, { dtype }));
    this.resetParameters(checkRng(options.rng, op));
  }

  /** Re-draws the table from N(0, 1) and zeroes the padding row. */
  resetParameters(rng?: Rng): void {
    resetTable(this.weight, this.paddingIdx, rng);
  }

  /** int32 indices `[*]` → `[*, embeddingDim]`. */
  forward(indices: Tensor | NDArray | readonly number[]): Tensor {
    const label = `Embedding(${this.numEmbeddings}, ${this.embeddingDim})`;
    const idx = indices instanceof Tensor ? indices.data : indices;
    if (idx instanceof NDArray && idx.dtype !== "int32") {
      throw new TypeError(
        `${label}: expected int32 indices, got ${idx.dtype} of shape ${fmtShape(idx.shape)}`,
      );
    }
    const flat = idx instanceof NDArray ? idx : Array.isArray(idx) ? idx : null;
    if (flat === null) {
      throw new TypeError(
        `${label}: expected int32 indices (Tensor, NDArray or array), got ${describe(indices)}`,
      );
    }
    if ((flat instanceof NDArray ? flat.size : flat.length) > 0) {
      const lo = flat instanceof NDArray ? flat.min().item() : Math.min(...flat);
      const hi = flat instanceof NDArray ? flat.max().item() : Math.max(...flat);
      if (lo < 0 || hi >= this.numEmbeddings || !Number.isInteger(lo) || !Number.isInteger(hi)) {
        throw new RangeError(
          `${label}: index ${
            lo < 0 || !Number.isInteger(lo) ? lo : hi
          } is out of range [0, ${this.numEmbeddings})`,
        );
      }
    }
    return embedding(
      idx,
      this.weight,
      this.paddingIdx === null ? {} : { paddingIdx: this.paddingIdx },
    );
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${
      this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`
    }`;
  }
}
