/**
 * {@link unfold} and {@link fold} (PyTorch's `F.unfold` / `F.fold`: im2col and col2im over
 * `[N, C, H, W]` images) and their modules {@link Unfold} and {@link Fold}. Each is the other's
 * adjoint, and each one's gradient is the other (autograd's `unfold`/`fold` primitives).
 *
 * @module
 */
import { checkIntTuple, checkOptions, fmtShape } from "@nnc/tensor";
import { fold as col2im, type Tensor, unfold as im2col } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

/**
 * Geometry of {@link unfold} and {@link fold}: each field one integer for both spatial dimensions or
 * a pair `[height, width]`.
 *
 * @example
 * ```ts
 * import type { FoldOptions } from "@nnc/layers";
 * const o: FoldOptions = { dilation: 1, padding: [1, 0], stride: 2 };
 * ```
 */
export interface FoldOptions {
  /** Spacing between the taps of a window, ≥ 1. Default 1. */
  dilation?: number | readonly number[];
  /** Implicit zero padding on both sides of each spatial dimension, ≥ 0. Default 0. */
  padding?: number | readonly number[];
  /** Step between windows, ≥ 1. Default 1. */
  stride?: number | readonly number[];
}

interface Geometry {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

/** The largest size or step the kernels (and libnnc's int32 geometry) take. */
const MAX = 2 ** 31 - 1;

function geometry(kernelSize: unknown, options: FoldOptions | undefined, op: string): Geometry {
  const kernel = checkIntTuple(kernelSize, 2, op, "kernelSize", 1, MAX);
  const o = checkOptions(options, op);
  return {
    kernel,
    dilation: checkIntTuple(o.dilation ?? 1, 2, op, "dilation", 1, MAX),
    padding: checkIntTuple(o.padding ?? 0, 2, op, "padding", 0, MAX),
    stride: checkIntTuple(o.stride ?? 1, 2, op, "stride", 1, MAX),
  };
}

const AXES = ["height", "width"];

/** The number of window positions along height and width, or a RangeError naming the dimension. */
function blocks(spatial: readonly number[], g: Geometry, op: string, what: string): number[] {
  return spatial.map((n, i) => {
    const span = g.dilation[i] * (g.kernel[i] - 1) + 1;
    const padded = n + 2 * g.padding[i];
    if (padded < span) {
      throw new RangeError(
        `${op}: kernelSize ${fmtShape(g.kernel)} with dilation ${
          fmtShape(g.dilation)
        } spans ${span} along the ${
          AXES[i]
        }, more than the padded ${what} ${padded} (size ${n}, padding ${g.padding[i]})`,
      );
    }
    return Math.floor((padded - span) / g.stride[i]) + 1;
  });
}

/** A RangeError when the output would have more elements than an array can hold. */
function checkSize(op: string, shape: readonly number[]): void {
  const n = shape.reduce((a, d) => a * d, 1);
  if (n > MAX) {
    throw new RangeError(
      `${op}: the output ${fmtShape(shape)} would hold ${n} elements, more than ${MAX}`,
    );
  }
}

function windowOptions(g: Geometry): {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
} {
  return { kernel: g.kernel, dilation: g.dilation, padding: g.padding, stride: g.stride };
}

/**
 * Extracts sliding windows (PyTorch's `F.unfold`, im2col): `input` `[N, C, H, W]` (or unbatched
 * `[C, H, W]`) becomes `[N, C·kh·kw, L]` (or `[C·kh·kw, L]`), one column per window position, `L`
 * of them row-major over the grid of positions; rows are ordered by channel, then kernel row, then
 * kernel column. Padding reads as zero. Differentiable; its gradient is {@link fold}.
 *
 * @example
 * ```ts
 * import { unfold } from "@nnc/layers";
 * import { arange } from "@nnc/autograd";
 * const cols = unfold(arange(0, 9).reshape([1, 1, 3, 3]), 2);
 * console.assert(cols.shape.join() === "1,4,4");
 * console.assert(cols.toArray().toString() === "0,1,3,4,1,2,4,5,3,4,6,7,4,5,7,8");
 * ```
 */
export function unfold(
  input: Tensor,
  kernelSize: number | readonly number[],
  options: FoldOptions = {},
): Tensor {
  const op = "unfold";
  const x = asInput(input, op);
  const g = geometry(kernelSize, options, op);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new RangeError(
      `${op}: expected input [N, C, H, W] or [C, H, W], got ${fmtShape(x.shape)}`,
    );
  }
  if (x.shape.slice(-2).some((d) => d < 1)) {
    throw new RangeError(`${op}: input ${fmtShape(x.shape)} has an empty height or width`);
  }
  const grid = blocks(x.shape.slice(-2), g, op, "input");
  const rows = x.shape[x.ndim - 3] * g.kernel[0] * g.kernel[1];
  checkSize(op, [...x.shape.slice(0, -3), rows, grid[0] * grid[1]]);
  if (x.ndim === 3) {
    const out = im2col(x.reshape([1, ...x.shape]), windowOptions(g));
    return out.reshape(out.shape.slice(1));
  }
  return im2col(x, windowOptions(g));
}

/**
 * Sums columns back into an image (PyTorch's `F.fold`, col2im): `input` `[N, C·kh·kw, L]` (or
 * unbatched `[C·kh·kw, L]`) becomes `[N, C, ...outputSize]` (or `[C, ...outputSize]`), every entry
 * added where {@link unfold} with the same geometry would have read it, so overlapping windows add
 * up and `fold(unfold(x))` is `x` times the number of windows covering each pixel. `L` must equal
 * the number of window positions in `outputSize`. Differentiable; its gradient is {@link unfold}.
 *
 * @example
 * ```ts
 * import { fold } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const counts = fold(ones([1, 4, 4]), [3, 3], 2);
 * console.assert(counts.shape.join() === "1,1,3,3");
 * console.assert(counts.toArray().toString() === "1,2,1,2,4,2,1,2,1");
 * ```
 */
export function fold(
  input: Tensor,
  outputSize: number | readonly number[],
  kernelSize: number | readonly number[],
  options: FoldOptions = {},
): Tensor {
  const op = "fold";
  const x = asInput(input, op);
  const size = checkIntTuple(outputSize, 2, op, "outputSize", 1, MAX);
  const g = geometry(kernelSize, options, op);
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new RangeError(
      `${op}: expected input [N, C·kh·kw, L] or [C·kh·kw, L], got ${fmtShape(x.shape)}`,
    );
  }
  const [rows, L] = x.shape.slice(-2);
  const k = g.kernel[0] * g.kernel[1];
  if (rows % k !== 0) {
    throw new RangeError(
      `${op}: input ${
        fmtShape(x.shape)
      } has ${rows} rows (C·kh·kw), not divisible by kh·kw = ${k} of kernelSize ${
        fmtShape(g.kernel)
      }`,
    );
  }
  const grid = blocks(size, g, op, "outputSize");
  if (L !== grid[0] * grid[1]) {
    throw new RangeError(
      `${op}: input ${fmtShape(x.shape)} has L = ${L} columns, but outputSize ${
        fmtShape(size)
      } with kernelSize ${fmtShape(g.kernel)}, dilation ${fmtShape(g.dilation)}, padding ${
        fmtShape(g.padding)
      } and stride ${fmtShape(g.stride)} has ${grid[0]} × ${grid[1]} = ${
        grid[0] * grid[1]
      } window positions`,
    );
  }
  checkSize(op, [...x.shape.slice(0, -2), rows / k, ...size]);
  if (x.ndim === 2) {
    const out = col2im(x.reshape([1, rows, L]), size, windowOptions(g));
    return out.reshape(out.shape.slice(1));
  }
  return col2im(x, size, windowOptions(g));
}

/**
 * {@link unfold} as a module (PyTorch `nn.Unfold`).
 *
 * @example
 * ```ts
 * import { Unfold } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * const m = new Unfold([2, 3], { padding: 1, stride: 2 });
 * console.assert(m.forward(zeros([2, 5, 4, 4])).shape.join() === "2,30,6");
 * ```
 */
export class Unfold extends Module<[Tensor], Tensor> {
  /** Window size `[kh, kw]`. */
  readonly kernelSize: number[];
  /** Spacing between window taps `[height, width]`. */
  readonly dilation: number[];
  /** Zero padding `[height, width]`. */
  readonly padding: number[];
  /** Step between windows `[height, width]`. */
  readonly stride: number[];

  /** Windows of `kernelSize` (one integer or `[kh, kw]`) with the given geometry. */
  constructor(kernelSize: number | readonly number[], options: FoldOptions = {}) {
    super();
    const g = geometry(kernelSize, options, "Unfold");
    this.kernelSize = g.kernel;
    this.dilation = g.dilation;
    this.padding = g.padding;
    this.stride = g.stride;
  }

  /** `[N, C, H, W]` → `[N, C·kh·kw, L]`. */
  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `kernelSize=${fmtShape(this.kernelSize)}, dilation=${fmtShape(this.dilation)}, padding=${
      fmtShape(this.padding)
    }, stride=${fmtShape(this.stride)}`;
  }
}

/**
 * {@link fold} as a module (PyTorch `nn.Fold`).
 *
 * @example
 * ```ts
 * import { Fold } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const m = new Fold([4, 5], 2);
 * console.assert(m.forward(ones([2, 12, 12])).shape.join() === "2,3,4,5");
 * ```
 */
export class Fold extends Module<[Tensor], Tensor> {
  /** The spatial size of the output `[H, W]`. */
  readonly outputSize: number[];
  /** Window size `[kh, kw]`. */
  readonly kernelSize: number[];
  /** Spacing between window taps `[height, width]`. */
  readonly dilation: number[];
  /** Zero padding `[height, width]`. */
  readonly padding: number[];
  /** Step between windows `[height, width]`. */
  readonly stride: number[];

  /** Sums windows of `kernelSize` into images of `outputSize` (each one integer or a pair). */
  constructor(
    outputSize: number | readonly number[],
    kernelSize: number | readonly number[],
    options: FoldOptions = {},
  ) {
    super();
    this.outputSize = checkIntTuple(outputSize, 2, "Fold", "outputSize", 1, MAX);
    const g = geometry(kernelSize, options, "Fold");
    blocks(this.outputSize, g, "Fold", "outputSize");
    this.kernelSize = g.kernel;
    this.dilation = g.dilation;
    this.padding = g.padding;
    this.stride = g.stride;
  }

  /** `[N, C·kh·kw, L]` → `[N, C, ...outputSize]`. */
  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `outputSize=${fmtShape(this.outputSize)}, kernelSize=${
      fmtShape(this.kernelSize)
    }, dilation=${fmtShape(this.dilation)}, padding=${fmtShape(this.padding)}, stride=${
      fmtShape(this.stride)
    }`;
  }
}
