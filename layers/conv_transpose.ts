/**
 * Transposed convolution layers: {@link ConvTranspose1d}, {@link ConvTranspose2d},
 * {@link ConvTranspose3d}, on the base {@link ConvTransposeNd}.
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
  type Rng,
  zeros,
} from "@nnc/tensor";
import {
  convTranspose1d,
  convTranspose2d,
  convTranspose3d,
  type ConvTransposeOptions,
  type Tensor,
} from "@nnc/autograd";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { kaimingUniform, uniform } from "./init.ts";
import type { LayerOptions } from "./linear.ts";
import { asInput, checkAllocation, checkRng } from "./_util.ts";

/**
 * Options of the transposed convolution layers.
 *
 * @example
 * ```ts
 * import type { ConvTransposeLayerOptions } from "@nnc/layers";
 * const upsample2x: ConvTransposeLayerOptions = { stride: 2, padding: 1, outputPadding: 1 };
 * ```
 */
export interface ConvTransposeLayerOptions extends LayerOptions {
  /** Stride of the convolution being transposed. Default 1. */
  stride?: number | readonly number[];
  /** Padding of the convolution being transposed (trimmed from the output). Default 0. */
  padding?: number | readonly number[];
  /** Extra size on one side of the output. Default 0. */
  outputPadding?: number | readonly number[];
  /** Spacing between kernel taps. Default 1. */
  dilation?: number | readonly number[];
  /** Channel groups. Default 1. */
  groups?: number;
  /** Learn a bias per output channel. Default true. */
  bias?: boolean;
}

type Fn = (x: Tensor, w: Tensor, b: Tensor | null, o: ConvTransposeOptions) => Tensor;
const FNS: Record<number, Fn> = { 1: convTranspose1d, 2: convTranspose2d, 3: convTranspose3d };
const LAYOUT: Record<number, (c: number) => string> = {
  1: (c) => `[N, ${c}, L]`,
  2: (c) => `[N, ${c}, H, W]`,
  3: (c) => `[N, ${c}, D, H, W]`,
};

/**
 * Base of the transposed convolutions (PyTorch `_ConvTransposeNd`): `weight` `[in, out/groups,
 * ...kernel]` (PyTorch's layout) and `bias` `[out]`, initialised as PyTorch (fan-in computed from
 * the weight's second dimension: `out/groups · ∏kernel`). Output size per dimension:
 * `(in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`.
 *
 * @example
 * ```ts
 * import { ConvTranspose2d, ConvTransposeNd } from "@nnc/layers";
 * console.assert(new ConvTranspose2d(4, 2, 3) instanceof ConvTransposeNd);
 * ```
 */
export abstract class ConvTransposeNd extends Module<[Tensor, (readonly number[])?], Tensor> {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** Kernel size per dimension. */
  readonly kernelSize: readonly number[];
  /** Stride per dimension. */
  readonly stride: readonly number[];
  /** Padding per dimension. */
  readonly padding: readonly number[];
  /** Output padding per dimension. */
  readonly outputPadding: readonly number[];
  /** Dilation per dimension. */
  readonly dilation: readonly number[];
  /** Channel groups. */
  readonly groups: number;
  /** `[in, out/groups, ...kernel]`. */
  weight: Parameter;
  /** `[out]`, or null. */
  bias: Parameter | null;
  #d: number;

  /** A `d`-dimensional transposed convolution. */
  constructor(
    d: number,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeLayerOptions,
  ) {
    super();
    checkInt(d, "ConvTransposeNd", "d", 1, 3);
    const op = `ConvTranspose${d}d`;
    checkOptions(options, op);
    this.#d = d;
    this.inChannels = checkInt(inChannels, op, "inChannels", 1);
    this.outChannels = checkInt(outChannels, op, "outChannels", 1);
    this.kernelSize = checkIntTuple(kernelSize, d, op, "kernelSize", 1);
    this.stride = checkIntTuple(options.stride ?? 1, d, op, "stride", 1);
    this.padding = checkIntTuple(options.padding ?? 0, d, op, "padding", 0);
    this.outputPadding = checkIntTuple(options.outputPadding ?? 0, d, op, "outputPadding", 0);
    this.dilation = checkIntTuple(options.dilation ?? 1, d, op, "dilation", 1);
    this.groups = checkInt(options.groups ?? 1, op, "groups", 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(
        `${op}: inChannels ${inChannels} and outChannels ${outChannels} must be divisible by groups ${this.groups}`,
      );
    }
    this.outputPadding.forEach((o, i) => {
      if (o >= Math.max(this.stride[i], this.dilation[i])) {
        throw new RangeError(
          `${op}: outputPadding ${
            describe(options.outputPadding)
          } must be smaller than stride or dilation`,
        );
      }
    });
    const dtype = checkFloatDType(options.dtype ?? "float32", op);
    const bias = checkBool(options.bias ?? true, op, "bias");
    this.weight = new Parameter(
      zeros(
        checkAllocation([inChannels, outChannels / this.groups, ...this.kernelSize], op, "weight"),
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
      const fanIn = (this.outChannels / this.groups) * this.kernelSize.reduce((p, k) => p * k, 1);
      const bound = 1 / Math.sqrt(fanIn);
      uniform(this.bias, -bound, bound, { rng });
    }
  }

  /**
   * `[N, in, ...spatial]` → `[N, out, ...]`. `outputSize` (the spatial size wanted) picks the
   * output padding, as PyTorch's `output_size` argument.
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const d = this.#d;
    const label = `ConvTranspose${d}d(${this.inChannels}→${this.outChannels})`;
    const t = asInput(x, label);
    const batched = t.ndim === d + 2;
    if ((!batched && t.ndim !== d + 1) || t.shape[batched ? 1 : 0] !== this.inChannels) {
      throw new RangeError(
        `${label}: expected input ${LAYOUT[d](this.inChannels)}, got ${fmtShape(t.shape)}`,
      );
    }
    let outputPadding = [...this.outputPadding];
    if (outputSize !== undefined) {
      outputPadding = this.#paddingFor(t.shape.slice(t.ndim - d), outputSize, label);
    }
    try {
      return FNS[d](t, this.weight, this.bias, {
        stride: this.stride,
        padding: this.padding,
        outputPadding,
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
    if (this.padding.some((p) => p !== 0)) parts.push(`padding=${fmtShape(this.padding)}`);
    if (this.outputPadding.some((p) => p !== 0)) {
      parts.push(`outputPadding=${fmtShape(this.outputPadding)}`);
    }
    if (this.dilation.some((s) => s !== 1)) parts.push(`dilation=${fmtShape(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=false");
    return parts.join(", ");
  }

  #paddingFor(spatial: readonly number[], outputSize: readonly number[], label: string): number[] {
    const d = this.#d;
    const want = outputSize.length > d ? outputSize.slice(outputSize.length - d) : [...outputSize];
    if (want.length !== d) {
      throw new RangeError(
        `${label}: outputSize must have ${d} entries, got ${describe(outputSize)}`,
      );
    }
    return spatial.map((n, i) => {
      const min = (n - 1) * this.stride[i] - 2 * this.padding[i] +
        this.dilation[i] * (this.kernelSize[i] - 1) + 1;
      const extra = want[i] - min;
      if (
        !Number.isInteger(want[i]) || extra < 0 ||
        extra >= Math.max(this.stride[i], this.dilation[i])
      ) {
        throw new RangeError(
          `${label}: outputSize ${fmtShape(want)} is not reachable from input size ${
            fmtShape(spatial)
          }; dimension ${i} allows ${min} to ${
            min + Math.max(this.stride[i], this.dilation[i]) - 1
          }`,
        );
      }
      return extra;
    });
  }
}

/**
 * 1-d transposed convolution (PyTorch `nn.ConvTranspose1d`).
 *
 * @example
 * ```ts
 * import { ConvTranspose1d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new ConvTranspose1d(2, 3, 4, { stride: 2 }).forward(zeros([1, 2, 5])).shape.join() === "1,3,12");
 * ```
 */
export class ConvTranspose1d extends ConvTransposeNd {
  /** `in` → `out` channels with a kernel of `kernelSize`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeLayerOptions = {},
  ) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-d transposed convolution (PyTorch `nn.ConvTranspose2d`), the learned upsampling of decoders
 * and DCGAN generators.
 *
 * @example
 * ```ts
 * import { ConvTranspose2d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const up = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 * console.assert(up.forward(zeros([2, 16, 7, 7])).shape.join() === "2,8,14,14");
 * ```
 */
export class ConvTranspose2d extends ConvTransposeNd {
  /** `in` → `out` channels with a kernel of `kernelSize`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeLayerOptions = {},
  ) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 3-d transposed convolution (PyTorch `nn.ConvTranspose3d`).
 *
 * @example
 * ```ts
 * import { ConvTranspose3d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new ConvTranspose3d(1, 1, 2, { stride: 2 }).forward(zeros([1, 1, 2, 2, 2])).shape.join() === "1,1,4,4,4");
 * ```
 */
export class ConvTranspose3d extends ConvTransposeNd {
  /** `in` → `out` channels with a kernel of `kernelSize`. */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeLayerOptions = {},
  ) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}
