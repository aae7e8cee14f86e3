/**
 * Convolution layers: {@link Conv1d}, {@link Conv2d}, {@link Conv3d} (cross-correlation, as
 * PyTorch and the notes' layer formula), on their shared base {@link ConvNd}.
 *
 * @module
 */
import {
  checkBool,
  checkFloatDType,
  checkInt,
  checkIntTuple,
  checkOptions,
  describe,
  fmtShape,
  type PadMode,
  type Rng,
  zeros,
} from "@nnc/tensor";
import { conv1d, conv2d, conv3d, pad, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { kaimingUniform, uniform } from "./init.ts";
import type { LayerOptions } from "./linear.ts";
import { asInput, checkAllocation, checkRng } from "./_util.ts";

/**
 * Options of the convolution layers. Size options take one number for every spatial dimension
 * or one per dimension.
 *
 * @example
 * ```ts
 * import type { ConvLayerOptions } from "@nnc/layers";
 * const same: ConvLayerOptions = { padding: "same", bias: false };
 * ```
 */
export interface ConvLayerOptions extends LayerOptions {
  /** Step between windows. Default 1. */
  stride?: number | readonly number[];
  /** Padding on both sides, or `"valid"` (none) / `"same"` (output size = input size; stride 1). Default 0. */
  padding?: number | readonly number[] | "valid" | "same";
  /** Spacing between kernel taps. Default 1. */
  dilation?: number | readonly number[];
  /** Channel groups: input and output channels must divide by it. Default 1. */
  groups?: number;
  /** Learn a bias per output channel. Default true. */
  bias?: boolean;
  /** What the padding holds: `"zeros"` (default), `"reflect"`, `"replicate"` or `"circular"`. */
  paddingMode?: "zeros" | "reflect" | "replicate" | "circular";
}

type ConvFn = (x: Tensor, w: Tensor, b: Tensor | null, o: Record<string, unknown>) => Tensor;
const FNS: Record<number, ConvFn> = { 1: conv1d, 2: conv2d, 3: conv3d };
const LAYOUT: Record<number, (c: number) => string> = {
  1: (c) => `[N, ${c}, L]`,
  2: (c) => `[N, ${c}, H, W]`,
  3: (c) => `[N, ${c}, D, H, W]`,
};

/**
 * Base of {@link Conv1d}, {@link Conv2d} and {@link Conv3d}: `weight` `[out, in/groups, ...kernel]`
 * and `bias` `[out]`, initialised as PyTorch (U(−1/√fanIn, 1/√fanIn), `fanIn = in/groups · ∏kernel`).
 * Input is `[N, in, ...spatial]` or unbatched `[in, ...spatial]`.
 *
 * @example
 * ```ts
 * import { Conv2d, ConvNd } from "@nnc/layers";
 * console.assert(new Conv2d(3, 8, 3) instanceof ConvNd);
 * ```
 */
export abstract class ConvNd extends Module<[Tensor], Tensor> {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Kernel size per spatial dimension. */
  readonly kernelSize: readonly number[];
  /** Stride per spatial dimension. */
  readonly stride: readonly number[];
  /** Padding per spatial dimension, or `"valid"` / `"same"`. */
  readonly padding: readonly number[] | "valid" | "same";
  /** Dilation per spatial dimension. */
  readonly dilation: readonly number[];
  /** Channel groups. */
  readonly groups: number;
  /** Padding mode. */
  readonly paddingMode: "zeros" | "reflect" | "replicate" | "circular";
  /** `[out, in/groups, ...kernel]`. */
  weight: Parameter;
  /** `[out]`, or null. */
  bias: Parameter | null;
  #d: number;

  /** A `d`-dimensional convolution. */
  constructor(
    d: number,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvLayerOptions,
  ) {
    super();
    checkInt(d, "ConvNd", "d", 1, 3);
    const op = `Conv${d}d`;
    checkOptions(options, op);
    this.#d = d;
    this.inChannels = checkInt(inChannels, op, "inChannels", 1);
    this.outChannels = checkInt(outChannels, op, "outChannels", 1);
    this.kernelSize = checkIntTuple(kernelSize, d, op, "kernelSize", 1);
    this.stride = checkIntTuple(options.stride ?? 1, d, op, "stride", 1);
    const p = options.padding ?? 0;
    this.padding = p === "valid" || p === "same" ? p : checkIntTuple(p, d, op, "padding", 0);
    this.dilation = checkIntTuple(options.dilation ?? 1, d, op, "dilation", 1);
    this.groups = checkInt(options.groups ?? 1, op, "groups", 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(
        `${op}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${this.groups}`,
      );
    }
    if (this.padding === "same" && this.stride.some((s) => s !== 1)) {
      throw new RangeError(`${op}: padding "same" needs stride 1, got ${fmtShape(this.stride)}`);
    }
    const mode = options.paddingMode ?? "zeros";
    if (!["zeros", "reflect", "replicate", "circular"].includes(mode)) {
      throw new RangeError(
        `${op}: paddingMode must be "zeros", "reflect", "replicate" or "circular", got ${
          describe(mode)
        }`,
      );
    }
    this.paddingMode = mode;
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const bias = checkBool(options.bias ?? true, op, "bias");
    this.weight = new Parameter(
      zeros(
        checkAllocation([outChannels, inChannels / this.groups, ...this.kernelSize], op, "weight"),
        { dtype },
      ),
    );
    this.bias = bias ? new Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters(checkRng(options.rng, op));
  }

  /** Re-draws the weights as PyTorch's `reset_parameters`. */
  resetParameters(rng?: Rng): void {
    checkRng(rng, "resetParameters");
    kaimingUniform(this.weight, { a: Math.sqrt(5), rng });
    if (this.bias !== null) {
      const fanIn = (this.inChannels / this.groups) * this.kernelSize.reduce((p, k) => p * k, 1);
      const bound = 1 / Math.sqrt(fanIn);
      uniform(this.bias, -bound, bound, { rng });
    }
  }

  /** `[N, in, ...spatial]` → `[N, out, ...outSpatial]`. */
  forward(x: Tensor): Tensor {
    const d = this.#d;
    const label = `Conv${d}d(${this.inChannels}→${this.outChannels})`;
    let t = asInput(x, label);
    const batched = t.ndim === d + 2;
    if ((!batched && t.ndim !== d + 1) || t.shape[batched ? 1 : 0] !== this.inChannels) {
      throw new RangeError(
        `${label}: expected input ${LAYOUT[d](this.inChannels)}, got ${fmtShape(t.shape)}`,
      );
    }
    let padding: number[] | "valid" | "same" = this.padding === "valid" || this.padding === "same"
      ? this.padding
      : [...this.padding];
    if (this.paddingMode !== "zeros") {
      t = pad(t, this.#explicitPadding(), { mode: this.paddingMode as PadMode });
      padding = 0 as unknown as number[];
    }
    try {
      return FNS[d](t, this.weight, this.bias, {
        stride: this.stride,
        padding,
        dilation: this.dilation,
        groups: this.groups,
      });
    } catch (e) {
      if (e instanceof RangeError) {
        throw new RangeError(`${label}: input ${fmtShape(t.shape)}: ${e.message}`, { cause: e });
      }
      throw e;
    }
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}, kernelSize=${fmtShape(this.kernelSize)}`,
    ];
    if (this.stride.some((s) => s !== 1)) parts.push(`stride=${fmtShape(this.stride)}`);
    if (typeof this.padding === "string") parts.push(`padding=${this.padding}`);
    else if (this.padding.some((p) => p !== 0)) parts.push(`padding=${fmtShape(this.padding)}`);
    if (this.dilation.some((s) => s !== 1)) parts.push(`dilation=${fmtShape(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=false");
    if (this.paddingMode !== "zeros") parts.push(`paddingMode=${this.paddingMode}`);
    return parts.join(", ");
  }

  /** `[left, right]` pairs from the last dimension backwards, as `pad` takes them. */
  #explicitPadding(): number[] {
    const out: number[] = [];
    for (let i = this.#d - 1; i >= 0; i--) {
      if (this.padding === "valid") out.push(0, 0);
      else if (this.padding === "same") {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        out.push(Math.floor(total / 2), total - Math.floor(total / 2));
      } else out.push(this.padding[i], this.padding[i]);
    }
    return out;
  }
}

/**
 * 1-d convolution (PyTorch `nn.Conv1d`): `[N, in, L]` → `[N, out, L']`.
 *
 * @example
 * ```ts
 * import { Conv1d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const conv = new Conv1d(4, 6, 3, { padding: 1 });
 * console.assert(conv.forward(zeros([2, 4, 10])).shape.join() === "2,6,10");
 * ```
 */
export class Conv1d extends ConvNd {
  /** `in` → `out` channels with a kernel of `kernelSize`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvLayerOptions = {},
  ) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-d convolution (PyTorch `nn.Conv2d`): `[N, in, H, W]` → `[N, out, H', W']` with
 * `H' = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1`.
 *
 * @example
 * ```ts
 * import { Conv2d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const conv = new Conv2d(3, 16, 5);
 * console.assert(conv.forward(zeros([8, 3, 28, 28])).shape.join() === "8,16,24,24");
 * try {
 *   conv.forward(zeros([8, 1, 28, 28]));
 * } catch (e) {
 *   console.assert((e as Error).message === "Conv2d(3→16): expected input [N, 3, H, W], got [8, 1, 28, 28]");
 * }
 * ```
 */
export class Conv2d extends ConvNd {
  /** `in` → `out` channels with a kernel of `kernelSize`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvLayerOptions = {},
  ) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 3-d convolution (PyTorch `nn.Conv3d`): `[N, in, D, H, W]` → `[N, out, D', H', W']` (voxel grids).
 *
 * @example
 * ```ts
 * import { Conv3d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const conv = new Conv3d(1, 2, 3);
 * console.assert(conv.forward(zeros([1, 1, 5, 5, 5])).shape.join() === "1,2,3,3,3");
 * ```
 */
export class Conv3d extends ConvNd {
  /** `in` → `out` channels with a kernel of `kernelSize`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvLayerOptions = {},
  ) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}
