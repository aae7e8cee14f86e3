/**
 * Adaptive pooling with PyTorch's bins: {@link adaptiveMaxPool1d}, {@link adaptiveMaxPool2d} and
 * their modules {@link AdaptiveMaxPool1d}, {@link AdaptiveMaxPool2d}, plus the module
 * {@link AdaptiveAvgPool1d}. Output cell `i` of a dimension of size `n` pooled to `out` covers
 * inputs `⌊i·n/out⌋ … ⌈(i+1)·n/out⌉ − 1`.
 *
 * @module
 */
import { adaptiveAvgPool1d, gather, type Tensor, type TensorMaxPoolResult } from "@nnc/autograd";
import {
  checkBool,
  checkOptions,
  describe,
  fmtShape,
  isFloat,
  type NDArray,
  zeros as ndZeros,
} from "@nnc/tensor";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link adaptiveMaxPool1d} and {@link adaptiveMaxPool2d}.
 *
 * @example
 * ```ts
 * import type { AdaptiveMaxPoolOptions } from "@nnc/layers";
 * const o: AdaptiveMaxPoolOptions = { returnIndices: true };
 * ```
 */
export interface AdaptiveMaxPoolOptions {
  /** Also return the argmax of each cell, flat within its input plane (PyTorch `return_indices`). Default false. */
  returnIndices?: boolean;
}

/** An output size entry: a non-negative integer, or null to keep the input's size. */
function sizeEntry(v: unknown, keep: number, op: string, allowNull: boolean): number {
  if (v === null && allowNull) return keep;
  if (typeof v !== "number") {
    throw new TypeError(
      `${op}: outputSize entries must be integers >= 0${allowNull ? " or null" : ""}, got ${
        describe(v)
      }`,
    );
  }
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new RangeError(`${op}: outputSize entries must be integers >= 0, got ${describe(v)}`);
  }
  return v;
}

/** The output sizes of `d` spatial dimensions whose input sizes are `spatial`. */
function outputSizes(
  size: unknown,
  spatial: readonly number[],
  op: string,
  allowNull: boolean,
): number[] {
  const d = spatial.length;
  if (typeof size === "number") return spatial.map(() => sizeEntry(size, 0, op, false));
  if (!Array.isArray(size) || size.length !== d) {
    const what = d === 1 ? "an integer >= 0 or an array of 1" : "an integer >= 0 or an array of 2";
    const err = Array.isArray(size) ? RangeError : TypeError;
    throw new err(
      `${op}: outputSize must be ${what} entries${
        allowNull ? " (null keeps the input size)" : ""
      }, got ${Array.isArray(size) ? `[${size.map(describe).join(", ")}]` : describe(size)}`,
    );
  }
  return size.map((v, k) => sizeEntry(v, spatial[k], op, allowNull));
}

/** `x` as `[N, C, ...spatial]` or `[C, ...spatial]` with `d` non-empty spatial dimensions. */
function checkPoolInput(x: unknown, d: number, op: string): Tensor {
  const t = asInput(x, op, "x");
  const layouts = d === 1 ? "[N, C, L] or [C, L]" : "[N, C, H, W] or [C, H, W]";
  if (t.ndim !== d + 1 && t.ndim !== d + 2) {
    throw new RangeError(`${op}: expected x ${layouts}, got ${fmtShape(t.shape)}`);
  }
  if (!isFloat(t.dtype)) {
    throw new TypeError(`${op}: x must be float32 or float64, got ${t.dtype}`);
  }
  const first = t.ndim === d + 2 ? 1 : 0;
  for (let k = first; k < t.ndim; k++) {
    if (t.shape[k] === 0) {
      throw new RangeError(
        `${op}: x must have non-zero sizes except the batch dimension, got ${fmtShape(t.shape)}`,
      );
    }
  }
  return t;
}

/**
 * The argmax of every adaptive cell of every plane of `x` (`[..., H, W]`, flat index within the
 * plane), as PyTorch's kernel picks it: the first maximum, but a NaN wins (the last NaN of a
 * cell), and a cell of −∞ gives its first position.
 */
function adaptiveArgmax(x: NDArray, H: number, W: number, oh: number, ow: number): NDArray {
  const c = x.contiguous(), data = c.data, base = c.offset;
  const planes = H * W === 0 ? 0 : c.size / (H * W);
  const out = ndZeros([planes, oh * ow], { dtype: "int32" });
  const idx = out.data;
  for (let p = 0; p < planes; p++) {
    const po = base + p * H * W;
    for (let i = 0; i < oh; i++) {
      const h0 = Math.floor((i * H) / oh), h1 = Math.ceil(((i + 1) * H) / oh);
      for (let j = 0; j < ow; j++) {
        const w0 = Math.floor((j * W) / ow), w1 = Math.ceil(((j + 1) * W) / ow);
        let best = -Infinity, at = h0 * W + w0;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const v = data[po + h * W + w] as number;
            if (v > best || v !== v) {
              best = v;
              at = h * W + w;
            }
          }
        }
        idx[p * oh * ow + i * ow + j] = at;
      }
    }
  }
  return out;
}

function adaptiveMax(x: Tensor, out: readonly number[], d: number): TensorMaxPoolResult {
  const lead = x.shape.slice(0, x.ndim - d);
  const H = d === 1 ? 1 : x.shape[x.ndim - 2], W = x.shape[x.ndim - 1];
  const oh = d === 1 ? 1 : out[0], ow = out[d - 1];
  const planes = lead.reduce((a, b) => a * b, 1);
  const index = adaptiveArgmax(x.data, H, W, oh, ow);
  const values = gather(x.reshape(planes, H * W), 1, index).reshape(...lead, ...out);
  return { values, indices: index.reshape([...lead, ...out]) };
}

/**
 * Adaptive max pooling of `[N, C, L]` (or unbatched `[C, L]`) input to `outputSize` positions
 * (PyTorch `F.adaptive_max_pool1d`): cell `i` is the maximum of inputs `⌊i·L/out⌋ … ⌈(i+1)·L/out⌉ − 1`
 * (bins may overlap; `out > L` repeats inputs). The gradient goes to each cell's argmax (the first
 * maximum on ties; a NaN propagates, as in PyTorch). With `returnIndices` the result is
 * `{ values, indices }`, the int32 argmax within the length (for {@link maxUnpool1d}).
 *
 * @example
 * ```ts
 * import { adaptiveMaxPool1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([[[1, 5, 2, 0, 4]]], { requiresGrad: true });
 * const y = adaptiveMaxPool1d(x, 2);
 * y.sum().backward();
 * console.assert(y.toArray().toString() === "5,4");
 * console.assert(x.grad?.toArray().toString() === "0,1,0,0,1");
 * const r = adaptiveMaxPool1d(x, 2, { returnIndices: true });
 * console.assert(r.indices.toArray().toString() === "1,4");
 * ```
 */
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number | readonly [number],
  options?: { returnIndices?: false },
): Tensor;
/** The same, returning the values and the argmax indices. */
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number | readonly [number],
  options: { returnIndices: true },
): TensorMaxPoolResult;
/** The same, values or values and indices depending on `options.returnIndices`. */
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number | readonly [number],
  options?: AdaptiveMaxPoolOptions,
): Tensor | TensorMaxPoolResult;
export function adaptiveMaxPool1d(
  x: Tensor,
  outputSize: number | readonly [number],
  options: AdaptiveMaxPoolOptions = {},
): Tensor | TensorMaxPoolResult {
  const op = "adaptiveMaxPool1d";
  const opts = checkOptions(options, op);
  const withIndices = checkBool(opts.returnIndices ?? false, op, "returnIndices");
  const t = checkPoolInput(x, 1, op);
  const out = outputSizes(outputSize, t.shape.slice(-1), op, false);
  const r = adaptiveMax(t, out, 1);
  return withIndices ? r : r.values;
}

/**
 * Adaptive max pooling of `[N, C, H, W]` (or unbatched `[C, H, W]`) input to `outputSize` (one
 * number, or `[oh, ow]` where a null entry keeps that input size; PyTorch
 * `F.adaptive_max_pool2d`), with PyTorch's bins in each dimension. The gradient goes to each cell's
 * argmax (first maximum on ties; NaN propagates). With `returnIndices` the result is
 * `{ values, indices }`, the int32 argmax flat within each `H × W` plane (for {@link maxUnpool2d}).
 *
 * @example
 * ```ts
 * import { adaptiveMaxPool2d } from "@nnc/layers";
 * import { arange } from "@nnc/autograd";
 * const x = arange(0, 20, 1, { dtype: "float32" }).reshape(1, 1, 4, 5);
 * const r = adaptiveMaxPool2d(x, [2, null], { returnIndices: true });
 * console.assert(r.values.shape.join() === "1,1,2,5");
 * console.assert(r.indices.toArray().toString() === "5,6,7,8,9,15,16,17,18,19");
 * ```
 */
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: number | readonly (number | null)[],
  options?: { returnIndices?: false },
): Tensor;
/** The same, returning the values and the argmax indices. */
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: number | readonly (number | null)[],
  options: { returnIndices: true },
): TensorMaxPoolResult;
/** The same, values or values and indices depending on `options.returnIndices`. */
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: number | readonly (number | null)[],
  options?: AdaptiveMaxPoolOptions,
): Tensor | TensorMaxPoolResult;
export function adaptiveMaxPool2d(
  x: Tensor,
  outputSize: number | readonly (number | null)[],
  options: AdaptiveMaxPoolOptions = {},
): Tensor | TensorMaxPoolResult {
  const op = "adaptiveMaxPool2d";
  const opts = checkOptions(options, op);
  const withIndices = checkBool(opts.returnIndices ?? false, op, "returnIndices");
  const t = checkPoolInput(x, 2, op);
  const out = outputSizes(outputSize, t.shape.slice(-2), op, true);
  const r = adaptiveMax(t, out, 2);
  return withIndices ? r : r.values;
}

/** Checks a module's output size at construction (the input sizes that null keeps come later). */
function moduleSize(size: unknown, d: number, op: string, allowNull: boolean): (number | null)[] {
  const probe = new Array<number>(d).fill(1);
  outputSizes(size, probe, op, allowNull);
  return typeof size === "number" ? probe.map(() => size) : [...(size as (number | null)[])];
}

function fmtSize(size: readonly (number | null)[]): string {
  return `[${size.map((v) => (v === null ? "null" : String(v))).join(", ")}]`;
}

/**
 * Adaptive max pooling module (PyTorch `nn.AdaptiveMaxPool1d`): `forward` gives the values,
 * `forwardWithIndices` the values and the argmax indices (PyTorch's `return_indices=True`).
 *
 * @example
 * ```ts
 * import { AdaptiveMaxPool1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const pool = new AdaptiveMaxPool1d(3);
 * console.assert(pool.forward(tensor([[[1, 5, 2, 0, 4]]])).toArray().toString() === "5,5,4");
 * ```
 */
export class AdaptiveMaxPool1d extends Module<[Tensor], Tensor> {
  /** `[out]`. */
  readonly outputSize: readonly number[];

  /** Pools to `outputSize` positions. */
  constructor(outputSize: number | readonly [number]) {
    super();
    this.outputSize = moduleSize(outputSize, 1, "AdaptiveMaxPool1d", false) as number[];
  }

  /** `[N, C, L]` → `[N, C, out]` (unbatched `[C, L]` works too). */
  forward(x: Tensor): Tensor {
    return this.forwardWithIndices(x).values;
  }

  /** The values and the int32 argmax indices within the length. */
  forwardWithIndices(x: Tensor): TensorMaxPoolResult {
    const label = `AdaptiveMaxPool1d(${fmtShape(this.outputSize)})`;
    return relabel(
      label,
      () => adaptiveMaxPool1d(x, this.outputSize as [number], { returnIndices: true }),
    );
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `outputSize=${this.outputSize[0]}`;
  }
}

/**
 * Adaptive max pooling module (PyTorch `nn.AdaptiveMaxPool2d`): `outputSize` is one number or
 * `[oh, ow]`, a null entry keeping the input's size. `forward` gives the values,
 * `forwardWithIndices` the values and the argmax indices.
 *
 * @example
 * ```ts
 * import { AdaptiveMaxPool2d } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const pool = new AdaptiveMaxPool2d([2, null]);
 * console.assert(pool.forward(ones([4, 3, 7, 9])).shape.join() === "4,3,2,9");
 * ```
 */
export class AdaptiveMaxPool2d extends Module<[Tensor], Tensor> {
  /** `[oh, ow]`, null entries keeping the input's size. */
  readonly outputSize: readonly (number | null)[];

  /** Pools to `outputSize` (one number for a square output). */
  constructor(outputSize: number | readonly (number | null)[]) {
    super();
    this.outputSize = moduleSize(outputSize, 2, "AdaptiveMaxPool2d", true);
  }

  /** `[N, C, H, W]` → `[N, C, oh, ow]` (unbatched `[C, H, W]` works too). */
  forward(x: Tensor): Tensor {
    return this.forwardWithIndices(x).values;
  }

  /** The values and the int32 argmax indices, flat within each `H × W` plane. */
  forwardWithIndices(x: Tensor): TensorMaxPoolResult {
    const label = `AdaptiveMaxPool2d(${fmtSize(this.outputSize)})`;
    return relabel(label, () => adaptiveMaxPool2d(x, this.outputSize, { returnIndices: true }));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `outputSize=${fmtSize(this.outputSize)}`;
  }
}

/** Runs `f`, prefixing the layer's label to its argument errors. */
function relabel<T>(label: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${label}: ${e.message}`, { cause: e });
    if (e instanceof TypeError) throw new TypeError(`${label}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * Adaptive average pooling module (PyTorch `nn.AdaptiveAvgPool1d`): cell `i` averages inputs
 * `⌊i·L/out⌋ … ⌈(i+1)·L/out⌉ − 1`.
 *
 * @example
 * ```ts
 * import { AdaptiveAvgPool1d } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * console.assert(new AdaptiveAvgPool1d(2).forward(tensor([[[1, 2, 3, 4, 5]]])).toArray().toString() === "2,4");
 * ```
 */
export class AdaptiveAvgPool1d extends Module<[Tensor], Tensor> {
  /** `[out]`. */
  readonly outputSize: readonly number[];

  /** Averages to `outputSize` positions (at least 1). */
  constructor(outputSize: number | readonly [number]) {
    super();
    const op = "AdaptiveAvgPool1d";
    const size = moduleSize(outputSize, 1, op, false)[0] as number;
    if (size < 1) throw new RangeError(`${op}: outputSize must be an integer >= 1, got ${size}`);
    this.outputSize = [size];
  }

  /** `[N, C, L]` → `[N, C, out]` (unbatched `[C, L]` works too). */
  forward(x: Tensor): Tensor {
    const label = `AdaptiveAvgPool1d(${this.outputSize[0]})`;
    const t = checkPoolInput(x, 1, label);
    const batched = t.ndim === 3 ? t : t.unsqueeze(0);
    const y = relabel(label, () => adaptiveAvgPool1d(batched, this.outputSize[0]));
    return t.ndim === 3 ? y : y.squeeze(0);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `outputSize=${this.outputSize[0]}`;
  }
}
