/**
 * The inverse of max pooling with indices: {@link maxUnpool1d}, {@link maxUnpool2d} and the modules
 * {@link MaxUnpool1d}, {@link MaxUnpool2d} (PyTorch `max_unpool`): each value is written at its
 * flat index within its output plane, everything else is zero.
 *
 * @module
 */
import { applyPrimitive, gather, type Primitive, Tensor } from "@nnc/autograd";
import {
  checkInt,
  checkIntTuple,
  checkOptions,
  describe,
  fmtShape,
  isFloat,
  NDArray,
  zeros as ndZeros,
} from "@nnc/tensor";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link maxUnpool1d} and {@link maxUnpool2d} (sizes: one number or one per spatial
 * dimension, as given to the pooling).
 *
 * @example
 * ```ts
 * import type { MaxUnpoolOptions } from "@nnc/layers";
 * const o: MaxUnpoolOptions = { stride: 2, padding: 1, outputSize: [9] };
 * ```
 */
export interface MaxUnpoolOptions {
  /** Step of the pooling. Default: the kernel size. */
  stride?: number | readonly number[];
  /** Padding of the pooling. Default 0. */
  padding?: number | readonly number[];
  /**
   * The spatial output size (or the full `[N, C, ...spatial]` size), to undo a pooling whose input
   * size the default `(in − 1)·stride − 2·padding + kernel` misses; each entry must lie strictly
   * between that default minus and plus the stride (PyTorch's rule).
   */
  outputSize?: readonly number[];
}

interface UnpoolParams {
  /** `[P, n]` int32 target of each input value within its plane. */
  index: NDArray;
  /** Output plane size. */
  plane: number;
  /** Output shape. */
  shape: number[];
}

/** Scatter of each plane's values to their indices (a later value wins a repeated index). */
const MAX_UNPOOL: Primitive<UnpoolParams> = {
  name: "maxUnpool",
  forward: ([x], p) => {
    const out = ndZeros(p.shape, { dtype: x.dtype });
    const c = x.contiguous(), idx = p.index.contiguous();
    const planes = p.index.shape[0], n = p.index.shape[1];
    const src = c.data, at = idx.data, dst = out.data;
    for (let q = 0; q < planes; q++) {
      for (let i = 0; i < n; i++) {
        dst[q * p.plane + (at[idx.offset + q * n + i] as number)] = src[c.offset + q * n + i];
      }
    }
    return out;
  },
  // PyTorch's derivative: the gradient gathered at the indices (repeated indices all read it).
  vjp: (g, [x], _y, p) => [
    gather(g.reshape(p.index.shape[0], p.plane), 1, p.index).reshape(x.shape),
  ],
  jvp: ([t], _x, _y, p) => t && applyPrimitive(MAX_UNPOOL, [t], p),
};

function unpool(
  x: Tensor,
  indices: NDArray | Tensor,
  kernelSize: number | readonly number[],
  options: MaxUnpoolOptions,
  d: number,
  op: string,
): Tensor {
  const opts = checkOptions(options, op);
  const t = asInput(x, op, "x");
  const layouts = d === 1 ? "[N, C, L] or [C, L]" : "[N, C, H, W] or [C, H, W]";
  if (t.ndim !== d + 1 && t.ndim !== d + 2) {
    throw new RangeError(`${op}: expected x ${layouts}, got ${fmtShape(t.shape)}`);
  }
  if (!isFloat(t.dtype)) throw new TypeError(`${op}: x must be float32 or float64, got ${t.dtype}`);
  const idx = indices instanceof Tensor ? indices.data : indices;
  if (!(idx instanceof NDArray)) {
    throw new TypeError(
      `${op}: indices must be an int32 NDArray or Tensor, got ${describe(indices)}`,
    );
  }
  if (idx.dtype !== "int32") throw new TypeError(`${op}: indices must be int32, got ${idx.dtype}`);
  if (idx.shape.length !== t.ndim || idx.shape.some((s, k) => s !== t.shape[k])) {
    throw new RangeError(
      `${op}: indices must have the shape of x ${fmtShape(t.shape)}, got ${fmtShape(idx.shape)}`,
    );
  }
  const kernel = checkIntTuple(kernelSize, d, op, "kernelSize", 1);
  const stride = checkIntTuple(opts.stride ?? kernel, d, op, "stride", 1);
  const padding = checkIntTuple(opts.padding ?? 0, d, op, "padding", 0);
  const spatialIn = t.shape.slice(-d);
  const dflt = spatialIn.map((n, k) => (n - 1) * stride[k] + kernel[k] - 2 * padding[k]);
  let size = dflt;
  if (opts.outputSize !== undefined) {
    const o = opts.outputSize;
    if (!Array.isArray(o) || !o.every((v) => typeof v === "number")) {
      throw new TypeError(`${op}: outputSize must be an array of integers, got ${describe(o)}`);
    }
    const s = o.length === d + 2 ? o.slice(2) : [...o];
    if (s.length !== d) {
      throw new RangeError(
        `${op}: outputSize must have ${d} or ${d + 2} entries, got ${fmtShape(o as number[])}`,
      );
    }
    s.forEach((v, k) => {
      const lo = dflt[k] - stride[k], hi = dflt[k] + stride[k];
      if (!Number.isSafeInteger(v) || !(v > lo && v < hi)) {
        throw new RangeError(
          `${op}: outputSize ${
            fmtShape(o as number[])
          } is invalid: dimension ${k} must be an integer strictly between ${lo} and ${hi} ` +
            `for input ${fmtShape(t.shape)}`,
        );
      }
    });
    size = s;
  }
  if (size.some((v) => v < 0)) {
    throw new RangeError(
      `${op}: the output size ${fmtShape(size)} of input ${fmtShape(t.shape)} is negative ` +
        `(kernelSize ${fmtShape(kernel)}, stride ${fmtShape(stride)}, padding ${
          fmtShape(padding)
        })`,
    );
  }
  const lead = t.shape.slice(0, t.ndim - d);
  const planes = lead.reduce((a, b) => a * b, 1);
  const n = spatialIn.reduce((a, b) => a * b, 1);
  const plane = size.reduce((a, b) => a * b, 1);
  const flat = idx.contiguous();
  for (let i = 0; i < flat.size; i++) {
    const v = flat.data[flat.offset + i] as number;
    if (v < 0 || v >= plane) {
      throw new RangeError(
        `${op}: index ${v} is out of range [0, ${plane}) of an output plane ${fmtShape(size)}`,
      );
    }
  }
  return applyPrimitive(MAX_UNPOOL, [t], {
    index: flat.reshape([planes, n]),
    plane,
    shape: [...lead, ...size],
  });
}

/**
 * Max unpooling of `[N, C, L]` (or `[C, L]`) values with the indices max pooling returned
 * (PyTorch `F.max_unpool1d`): the output `[N, C, Lout]` is zero except value `i` at its index
 * (a later value wins a repeated index), `Lout = (L − 1)·stride − 2·padding + kernelSize` unless
 * `outputSize` says otherwise. Differentiable in `x`: its gradient is the output gradient gathered
 * at the indices.
 *
 * @example
 * ```ts
 * import { maxUnpool1d } from "@nnc/layers";
 * import { maxPoolWithIndices, tensor } from "@nnc/autograd";
 * const r = maxPoolWithIndices(tensor([[[1, 5, 2, 0, 4, 3]]]), { kernel: 2 });
 * const u = maxUnpool1d(r.values, r.indices, 2);
 * console.assert(u.toArray().toString() === "0,5,2,0,4,0");
 * ```
 */
export function maxUnpool1d(
  x: Tensor,
  indices: NDArray | Tensor,
  kernelSize: number | readonly number[],
  options: MaxUnpoolOptions = {},
): Tensor {
  return unpool(x, indices, kernelSize, options, 1, "maxUnpool1d");
}

/**
 * Max unpooling of `[N, C, H, W]` (or `[C, H, W]`) values with the indices (flat within each
 * `Hout × Wout` plane) max pooling returned (PyTorch `F.max_unpool2d`); see {@link maxUnpool1d}.
 *
 * @example
 * ```ts
 * import { maxUnpool2d } from "@nnc/layers";
 * import { maxPoolWithIndices, tensor } from "@nnc/autograd";
 * const x = tensor([[[[1, 2, 3], [4, 9, 6], [7, 8, 5]]]]);
 * const r = maxPoolWithIndices(x, { kernel: 2 });
 * const u = maxUnpool2d(r.values, r.indices, 2, { outputSize: [3, 3] });
 * console.assert(u.toArray().toString() === "0,0,0,0,9,0,0,0,0");
 * ```
 */
export function maxUnpool2d(
  x: Tensor,
  indices: NDArray | Tensor,
  kernelSize: number | readonly number[],
  options: MaxUnpoolOptions = {},
): Tensor {
  return unpool(x, indices, kernelSize, options, 2, "maxUnpool2d");
}

/**
 * Options of {@link MaxUnpool1d} and {@link MaxUnpool2d}.
 *
 * @example
 * ```ts
 * import type { MaxUnpoolLayerOptions } from "@nnc/layers";
 * const o: MaxUnpoolLayerOptions = { stride: 2 };
 * ```
 */
export interface MaxUnpoolLayerOptions {
  /** Step of the pooling. Default: the kernel size. */
  stride?: number | readonly number[];
  /** Padding of the pooling. Default 0. */
  padding?: number | readonly number[];
}

/**
 * Base of {@link MaxUnpool1d} and {@link MaxUnpool2d}.
 *
 * @example
 * ```ts
 * import { MaxUnpool2d, MaxUnpoolNd } from "@nnc/layers";
 * console.assert(new MaxUnpool2d(2) instanceof MaxUnpoolNd);
 * ```
 */
export abstract class MaxUnpoolNd
  extends Module<[Tensor, NDArray | Tensor, (readonly number[] | undefined)?], Tensor> {
  /** Window size of the pooling. */
  readonly kernelSize: readonly number[];
  /** Step of the pooling. */
  readonly stride: readonly number[];
  /** Padding of the pooling. */
  readonly padding: readonly number[];
  #d: number;

  /** A `d`-dimensional max unpooling. */
  constructor(d: number, kernelSize: number | readonly number[], options: MaxUnpoolLayerOptions) {
    super();
    checkInt(d, "MaxUnpoolNd", "d", 1, 2);
    const op = `MaxUnpool${d}d`;
    const opts = checkOptions(options, op);
    this.#d = d;
    this.kernelSize = checkIntTuple(kernelSize, d, op, "kernelSize", 1);
    this.stride = checkIntTuple(opts.stride ?? this.kernelSize, d, op, "stride", 1);
    this.padding = checkIntTuple(opts.padding ?? 0, d, op, "padding", 0);
  }

  /** Values and their pooling indices → the unpooled planes (`outputSize` as in the function). */
  forward(x: Tensor, indices: NDArray | Tensor, outputSize?: readonly number[]): Tensor {
    const d = this.#d, label = `MaxUnpool${d}d(${fmtShape(this.kernelSize)})`;
    const options: MaxUnpoolOptions = { stride: this.stride, padding: this.padding };
    if (outputSize !== undefined) options.outputSize = outputSize;
    try {
      return d === 1
        ? maxUnpool1d(x, indices, this.kernelSize, options)
        : maxUnpool2d(x, indices, this.kernelSize, options);
    } catch (e) {
      if (e instanceof RangeError) throw new RangeError(`${label}: ${e.message}`, { cause: e });
      if (e instanceof TypeError) throw new TypeError(`${label}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `kernelSize=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)}, padding=${
      fmtShape(this.padding)
    }`;
  }
}

/**
 * Max unpooling module (PyTorch `nn.MaxUnpool1d`): `forward(x, indices, outputSize?)`.
 *
 * @example
 * ```ts
 * import { MaxPool1d, MaxUnpool1d } from "@nnc/layers";
 * import { maxPoolWithIndices, tensor } from "@nnc/autograd";
 * const r = maxPoolWithIndices(tensor([[[3, 1, 2, 6, 5]]]), { kernel: 2 });
 * const u = new MaxUnpool1d(2).forward(r.values, r.indices, [5]);
 * console.assert(u.toArray().toString() === "3,0,0,6,0" && new MaxPool1d(2).kernelSize[0] === 2);
 * ```
 */
export class MaxUnpool1d extends MaxUnpoolNd {
  /** Undoes a pooling with windows of `kernelSize` (stride defaults to it). */
  constructor(kernelSize: number | readonly number[], options: MaxUnpoolLayerOptions = {}) {
    super(1, kernelSize, options);
  }
}

/**
 * Max unpooling module (PyTorch `nn.MaxUnpool2d`): `forward(x, indices, outputSize?)`.
 *
 * @example
 * ```ts
 * import { MaxUnpool2d } from "@nnc/layers";
 * import { maxPoolWithIndices, randn } from "@nnc/autograd";
 * const r = maxPoolWithIndices(randn([2, 3, 8, 8]), { kernel: 2 });
 * console.assert(new MaxUnpool2d(2).forward(r.values, r.indices).shape.join() === "2,3,8,8");
 * ```
 */
export class MaxUnpool2d extends MaxUnpoolNd {
  /** Undoes a pooling with windows of `kernelSize` (stride defaults to it). */
  constructor(kernelSize: number | readonly number[], options: MaxUnpoolLayerOptions = {}) {
    super(2, kernelSize, options);
  }
}
