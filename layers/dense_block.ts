/**
 * {@link DenseBlock}: every layer sees the concatenation of all earlier outputs (DenseNet).
 *
 * @module
 */
import { concat, type Tensor } from "@nnc/autograd";
import { type AnyModule, Module } from "./module.ts";
import { ModuleList } from "./module_list.ts";
import { asInput } from "./_util.ts";
import { checkOptions, describe, fmtShape } from "@nnc/tensor";

/**
 * Options of {@link DenseBlock}.
 *
 * @example
 * ```ts
 * import type { DenseBlockOptions } from "@nnc/layers";
 * const features: DenseBlockOptions = { axis: -1 };
 * ```
 */
export interface DenseBlockOptions {
  /** The axis along which outputs are concatenated: 1 (channels, default) or −1 for `[N, features]` data. */
  axis?: number;
}

type Fn = Module<[Tensor], Tensor>;

/**
 * A dense block (Huang et al.; the notes' dense connectivity): layer `k` receives the
 * concatenation of the block's input and the outputs of layers `1 … k−1` along `axis`, and the
 * block returns the concatenation of its input and all outputs, so the channels grow by each
 * layer's output size (the growth rate). The layers are children `layers.0`, `layers.1`, ….
 *
 * @example
 * ```ts
 * import { Conv2d, DenseBlock } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const growth = 4;
 * const block = new DenseBlock([
 *   new Conv2d(3, growth, 3, { padding: 1 }),
 *   new Conv2d(3 + growth, growth, 3, { padding: 1 }),
 * ]);
 * console.assert(block.forward(ones([1, 3, 8, 8])).shape.join() === "1,11,8,8");
 * ```
 */
export class DenseBlock extends Module<[Tensor], Tensor> {
  /** The layers, in order. */
  layers: ModuleList;
  /** The concatenation axis. */
  readonly axis: number;

  /** A block of `layers`. */
  constructor(layers: readonly AnyModule[], options: DenseBlockOptions = {}) {
    super();
    checkOptions(options, "DenseBlock");
    if (
      !Array.isArray(layers) || layers.length === 0 || layers.some((m) => !(m instanceof Module))
    ) {
      throw new TypeError(
        `DenseBlock: layers must be a non-empty array of Modules, got ${describe(layers)}`,
      );
    }
    const axis = options.axis ?? 1;
    if (!Number.isInteger(axis)) {
      throw new TypeError(`DenseBlock: axis must be an integer, got ${describe(axis)}`);
    }
    this.layers = new ModuleList(layers);
    this.axis = axis;
  }

  /** The input and every layer's output, concatenated along `axis`. */
  forward(x: Tensor): Tensor {
    let features = asInput(x, "DenseBlock");
    const axis = this.axis < 0 ? this.axis + features.ndim : this.axis;
    if (axis < 0 || axis >= features.ndim) {
      throw new RangeError(
        `DenseBlock: axis ${this.axis} is out of range for input ${fmtShape(features.shape)}`,
      );
    }
    let k = 0;
    for (const layer of this.layers) {
      const y = (layer as unknown as Fn).forward(features);
      try {
        features = concat([features, y], axis);
      } catch (e) {
        throw new RangeError(
          `DenseBlock: layer ${k} output ${
            fmtShape(y.shape)
          } cannot be concatenated with its input ${fmtShape(features.shape)} along axis ${axis}`,
          { cause: e },
        );
      }
      k++;
    }
    return features;
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
