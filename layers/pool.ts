/**
 * Pooling layers: {@link MaxPool1d}, {@link MaxPool2d}, {@link AvgPool1d}, {@link AvgPool2d},
 * {@link AdaptiveAvgPool2d}.
 *
 * @module
 */
import {
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  maxPool1d,
  maxPool2d,
  type Tensor,
} from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";
import { checkBool, checkInt, checkIntTuple, checkOptions, fmtShape, isFloat } from "@nnc/tensor";

/**
 * Options of the max-pooling layers (sizes: one number, or one per spatial dimension).
 *
 * @example
 * ```ts
 * import type { MaxPoolLayerOptions } from "@nnc/layers";
 * const o: MaxPoolLayerOptions = { stride: 2, padding: 1, ceilMode: true };
 * ```
 */
export interface MaxPoolLayerOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: number | readonly number[];
  /** Implicit −∞ padding on both sides, at most half the kernel. Default 0. */
  padding?: number | readonly number[];
  /** Spacing between window taps. Default 1. */
  dilation?: number | readonly number[];
  /** Keep a last partial window. Default false. */
  ceilMode?: boolean;
}

/**
 * Options of the average-pooling layers.
 *
 * @example
 * ```ts
 * import type { AvgPoolLayerOptions } from "@nnc/layers";
 * const o: AvgPoolLayerOptions = { padding: 1, countIncludePad: false };
 * ```
 */
export interface AvgPoolLayerOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: number | readonly number[];
  /** Implicit zero padding on both sides, at most half the kernel. Default 0. */
  padding?: number | readonly number[];
  /** Keep a last partial window. Default false. */
  ceilMode?: boolean;
  /** Count padding zeros in the divisor. Default true. */
  countIncludePad?: boolean;
}

const LAYOUT = ["", "[N, C, L]", "[N, C, H, W]"];

function rankCheck(x: Tensor, d: number, label: string): Tensor {
  const t = asInput(x, label);
  if (t.ndim === d + 2) return t;
  if (t.ndim === d + 1) return t.unsqueeze(0);
  throw new RangeError(`${label}: expected input ${LAYOUT[d]}, got ${fmtShape(t.shape)}`);
}

function restore(y: Tensor, x: Tensor, d: number): Tensor {
  return x.ndim === d + 1 ? y.squeeze(0) : y;
}

function wrap<T>(label: string, x: Tensor, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RangeError(`${label}: input ${fmtShape(x.shape)}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/**
 * Base of {@link MaxPool1d} and {@link MaxPool2d}.
 *
 * @example
 * ```ts
 * import { MaxPool2d, MaxPoolNd } from "@nnc/layers";
 * console.assert(new MaxPool2d(2) instanceof MaxPoolNd);
 * ```
 */
export abstract class MaxPoolNd extends Module<[Tensor], Tensor> {
  /** Window size. */
  readonly kernelSize: readonly number[];
  /** Step between windows. */
  readonly stride: readonly number[];
  /** Padding. */
  readonly padding: readonly number[];
  /** Dilation. */
  readonly dilation: readonly number[];
  /** Keep a last partial window. */
  readonly ceilMode: boolean;
  #d: number;

  /** A `d`-dimensional max pooling. */
  constructor(d: number, kernelSize: number | readonly number[], options: MaxPoolLayerOptions) {
    super();
    checkInt(d, "MaxPoolNd", "d", 1, 2);
    const op = `MaxPool${d}d`;
    checkOptions(options, op);
    this.#d = d;
    this.kernelSize = checkIntTuple(kernelSize, d, op, "kernelSize", 1);
    this.stride = checkIntTuple(options.stride ?? this.kernelSize, d, op, "stride", 1);
    this.padding = checkIntTuple(options.padding ?? 0, d, op, "padding", 0);
    this.dilation = checkIntTuple(options.dilation ?? 1, d, op, "dilation", 1);
    this.ceilMode = checkBool(options.ceilMode ?? false, op, "ceilMode");
  }

  /** `[N, C, ...spatial]` → `[N, C, ...pooled]` (unbatched input works too). */
  forward(x: Tensor): Tensor {
    const d = this.#d, label = `MaxPool${d}d(${fmtShape(this.kernelSize)})`;
    const t = rankCheck(x, d, label);
    const opts = {
      kernel: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      ceilMode: this.ceilMode,
    };
    const y = wrap(label, t, () => (d === 1 ? maxPool1d(t, opts) : maxPool2d(t, opts)));
    return restore(y, asInput(x, label), d);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `kernelSize=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)}, padding=${
      fmtShape(this.padding)
    }` +
      (this.dilation.some((v) => v !== 1) ? `, dilation=${fmtShape(this.dilation)}` : "") +
      (this.ceilMode ? ", ceilMode=true" : "");
  }
}

/**
 * 1-d max pooling (PyTorch `nn.MaxPool1d`).
 *
 * @example
 * ```ts
 * import { MaxPool1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new MaxPool1d(2).forward(tensor([[[1, 5, 2, 0]]])).toArray().toString() === "5,2");
 * ```
 */
export class MaxPool1d extends MaxPoolNd {
  /** Pooling over windows of `kernelSize` (stride defaults to it). */
  constructor(kernelSize: number | readonly number[], options: MaxPoolLayerOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * 2-d max pooling (PyTorch `nn.MaxPool2d`); the gradient goes to each window's maximum.
 *
 * @example
 * ```ts
 * import { MaxPool2d } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new MaxPool2d(2).forward(zeros([8, 6, 28, 28])).shape.join() === "8,6,14,14");
 * ```
 */
export class MaxPool2d extends MaxPoolNd {
  /** Pooling over windows of `kernelSize` (stride defaults to it). */
  constructor(kernelSize: number | readonly number[], options: MaxPoolLayerOptions = {}) {
    super(2, kernelSize, options);
  }
}

/**
 * Base of {@link AvgPool1d} and {@link AvgPool2d}.
 *
 * @example
 * ```ts
 * import { AvgPool2d, AvgPoolNd } from "@nnc/layers";
 * console.assert(new AvgPool2d(2) instanceof AvgPoolNd);
 * ```
 */
export abstract class AvgPoolNd extends Module<[Tensor], Tensor> {
  /** Window size. */
  readonly kernelSize: readonly number[];
  /** Step between windows. */
  readonly stride: readonly number[];
  /** Padding. */
  readonly padding: readonly number[];
  /** Keep a last partial window. */
  readonly ceilMode: boolean;
  /** Count padding zeros in the divisor. */
  readonly countIncludePad: boolean;
  #d: number;

  /** A `d`-dimensional average pooling. */
  constructor(d: number, kernelSize: number | readonly number[], options: AvgPoolLayerOptions) {
    super();
    checkInt(d, "AvgPoolNd", "d", 1, 2);
    const op = `AvgPool${d}d`;
    checkOptions(options, op);
    this.#d = d;
    this.kernelSize = checkIntTuple(kernelSize, d, op, "kernelSize", 1);
    this.stride = checkIntTuple(options.stride ?? this.kernelSize, d, op, "stride", 1);
    this.padding = checkIntTuple(options.padding ?? 0, d, op, "padding", 0);
    this.ceilMode = checkBool(options.ceilMode ?? false, op, "ceilMode");
    this.countIncludePad = checkBool(options.countIncludePad ?? true, op, "countIncludePad");
  }

  /** `[N, C, ...spatial]` → `[N, C, ...pooled]` (unbatched input works too). */
  forward(x: Tensor): Tensor {
    const d = this.#d, label = `AvgPool${d}d(${fmtShape(this.kernelSize)})`;
    const t = rankCheck(x, d, label);
    if (!isFloat(t.dtype)) {
      throw new TypeError(`${label}: expected a float32 or float64 input, got ${t.dtype}`);
    }
    const opts = {
      kernel: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
    };
    const y = wrap(label, t, () => (d === 1 ? avgPool1d(t, opts) : avgPool2d(t, opts)));
    return restore(y, asInput(x, label), d);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `kernelSize=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)}, padding=${
      fmtShape(this.padding)
    }` +
      (this.ceilMode ? ", ceilMode=true" : "") +
      (this.countIncludePad ? "" : ", countIncludePad=false");
  }
}

/**
 * 1-d average pooling (PyTorch `nn.AvgPool1d`).
 *
 * @example
 * ```ts
 * import { AvgPool1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new AvgPool1d(2).forward(tensor([[[1, 2, 3, 4]]])).toArray().toString() === "1.5,3.5");
 * ```
 */
export class AvgPool1d extends AvgPoolNd {
  /** Averaging over windows of `kernelSize` (stride defaults to it). */
  constructor(kernelSize: number | readonly number[], options: AvgPoolLayerOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * 2-d average pooling (PyTorch `nn.AvgPool2d`).
 *
 * @example
 * ```ts
 * import { AvgPool2d } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * console.assert(new AvgPool2d(2).forward(ones([1, 1, 4, 4])).sum().item() === 4);
 * ```
 */
export class AvgPool2d extends AvgPoolNd {
  /** Averaging over windows of `kernelSize` (stride defaults to it). */
  constructor(kernelSize: number | readonly number[], options: AvgPoolLayerOptions = {}) {
    super(2, kernelSize, options);
  }
}

/**
 * Adaptive average pooling to a fixed output size (PyTorch `nn.AdaptiveAvgPool2d`): output cell
 * `i` averages input rows `⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1` (and the same for columns), so any input
 * size works; `1` gives global average pooling.
 *
 * @example
 * ```ts
 * import { AdaptiveAvgPool2d } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * console.assert(new AdaptiveAvgPool2d([2, 3]).forward(ones([4, 8, 7, 9])).shape.join() === "4,8,2,3");
 * ```
 */
export class AdaptiveAvgPool2d extends Module<[Tensor], Tensor> {
  /** `[oh, ow]`. */
  readonly outputSize: readonly number[];

  /** Pools to `outputSize` (one number for a square output). */
  constructor(outputSize: number | readonly number[]) {
    super();
    this.outputSize = checkIntTuple(outputSize, 2, "AdaptiveAvgPool2d", "outputSize", 1);
  }

  /** `[N, C, H, W]` → `[N, C, oh, ow]` (unbatched input works too). */
  forward(x: Tensor): Tensor {
    const label = `AdaptiveAvgPool2d(${fmtShape(this.outputSize)})`;
    const t = rankCheck(x, 2, label);
    return restore(adaptiveAvgPool2d(t, this.outputSize), asInput(x, label), 2);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `outputSize=${fmtShape(this.outputSize)}`;
  }
}
