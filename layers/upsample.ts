/**
 * {@link Upsample} and its functional form {@link interpolate}: nearest-neighbour and (bi)linear
 * resizing with PyTorch's index rules.
 *
 * @module
 */
import { checkBool, checkOptions, describe, fmtShape, NDArray } from "@nnc/tensor";
import { indexSelect, Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

/**
 * Options of {@link interpolate} and {@link Upsample}: give `size` or `scaleFactor`.
 *
 * @example
 * ```ts
 * import type { InterpolateOptions } from "@nnc/layers";
 * const o: InterpolateOptions = { scaleFactor: 2, mode: "bilinear", alignCorners: false };
 * ```
 */
export interface InterpolateOptions {
  /** Output spatial size (one number for every spatial dimension, or one per dimension). */
  size?: number | readonly number[];
  /** Multiplier of the spatial size (output size `⌊in · factor⌋`). */
  scaleFactor?: number | readonly number[];
  /**
   * `"nearest"` (default), `"linear"` (1-d), `"bilinear"` (2-d), `"bicubic"` (2-d, Keys' cubic
   * convolution with a = −0.75 as PyTorch) or `"trilinear"` (3-d).
   */
  mode?: "nearest" | "linear" | "bilinear" | "bicubic" | "trilinear";
  /** Linear modes: map the corner pixels' centres onto each other (PyTorch `align_corners`). Default false. */
  alignCorners?: boolean;
}

const LINEAR_RANK: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

/**
 * Resizes the spatial dimensions of `[N, C, ...spatial]` input (1–3 spatial dimensions), as
 * PyTorch's `F.interpolate`: `"nearest"` copies pixel `⌊dst · in/out⌋` (or `⌊dst / factor⌋` when
 * `scaleFactor` is given); the linear modes blend the two nearest pixels along each dimension,
 * with `alignCorners` choosing the coordinate map. Differentiable (gradients sum back into the
 * source pixels).
 *
 * @example
 * ```ts
 * import { interpolate } from "@nnc/layers";
 * import { tensor } from "@nnc/autograd";
 * const x = tensor([[[1, 3]]]);
 * console.assert(interpolate(x, { scaleFactor: 2 }).toArray().toString() === "1,1,3,3");
 * const y = interpolate(x, { size: 3, mode: "linear", alignCorners: true });
 * console.assert(y.toArray().toString() === "1,2,3");
 * ```
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  return resize(x, options, "interpolate");
}

/** The resizing mode (default "nearest"), checked, with errors naming `op`. */
function checkMode(given: unknown, op: string): NonNullable<InterpolateOptions["mode"]> {
  const mode = given ?? "nearest";
  if (mode !== "nearest" && (typeof mode !== "string" || !Object.hasOwn(LINEAR_RANK, mode))) {
    throw new RangeError(
      `${op}: mode must be "nearest", "linear", "bilinear", "bicubic" or "trilinear", got ${
        describe(mode)
      }`,
    );
  }
  return mode as NonNullable<InterpolateOptions["mode"]>;
}

/** {@link interpolate}, with errors naming `op`. */
function resize(x: Tensor, options: InterpolateOptions, op: string): Tensor {
  const t = asInput(x, op);
  checkOptions(options, op);
  if (options === undefined) {
    throw new TypeError(`${op}: options with size or scaleFactor are required`);
  }
  const d = t.ndim - 2;
  if (d < 1 || d > 3) {
    throw new RangeError(
      `${op}: expected input [N, C, ...spatial] with 1 to 3 spatial dimensions, got ${
        fmtShape(t.shape)
      }`,
    );
  }
  const mode = checkMode(options.mode, op);
  if (mode !== "nearest" && LINEAR_RANK[mode] !== d) {
    throw new RangeError(
      `${op}: mode "${mode}" needs ${LINEAR_RANK[mode]} spatial dimensions, got input ${
        fmtShape(t.shape)
      }`,
    );
  }
  const alignCorners = checkBool(options.alignCorners ?? false, op, "alignCorners");
  if (mode === "nearest" && options.alignCorners !== undefined) {
    throw new TypeError(`${op}: alignCorners applies to the linear modes only`);
  }
  const { sizes, scales } = outputSizes(t.shape.slice(2), options, op);
  const f32 = t.dtype !== "float64";
  let y = t;
  for (let i = 0; i < d; i++) {
    const axis = i + 2, n = t.shape[axis], m = sizes[i];
    if (mode === "nearest") {
      if (m !== n) y = indexSelect(y, axis, nearestIndices(n, m, scales[i]));
    } else if (mode === "bicubic") {
      y = cubicAlong(y, axis, n, m, scales[i], alignCorners, f32);
    } else {
      y = linearAlong(y, axis, n, m, scales[i], alignCorners, f32);
    }
  }
  return y;
}

/**
 * Upsampling layer (PyTorch `nn.Upsample`): {@link interpolate} with fixed options.
 *
 * @example
 * ```ts
 * import { Upsample } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const up = new Upsample({ scaleFactor: 2, mode: "bilinear" });
 * console.assert(up.forward(ones([1, 3, 4, 5])).shape.join() === "1,3,8,10");
 * ```
 */
export class Upsample extends Module<[Tensor], Tensor> {
  /** The resizing options. */
  readonly options: Readonly<InterpolateOptions>;

  /** An upsampling layer; `size` or `scaleFactor` is required. */
  constructor(options: InterpolateOptions) {
    super();
    const op = "Upsample";
    checkOptions(options, op);
    if (
      options === undefined || (options.size === undefined) === (options.scaleFactor === undefined)
    ) {
      throw new TypeError(`${op}: give exactly one of size and scaleFactor`);
    }
    const mode = checkMode(options.mode, op);
    checkBool(options.alignCorners ?? false, op, "alignCorners");
    if (mode === "nearest" && options.alignCorners !== undefined) {
      throw new TypeError(`${op}: alignCorners applies to the linear modes only`);
    }
    const sizeOrScale = (v: unknown, name: string): void => {
      const ok = (e: unknown) => typeof e === "number" && Number.isFinite(e) && e > 0;
      if (!(ok(v) || (Array.isArray(v) && v.length >= 1 && v.length <= 3 && v.every(ok)))) {
        throw new RangeError(
          `${op}: ${name} must be a positive number or 1 to 3 of them, got ${describe(v)}`,
        );
      }
    };
    // The options read once, as own fields (a getter or a prototype's field is not copied later).
    const o: InterpolateOptions = { mode };
    if (options.size !== undefined) sizeOrScale(o.size = options.size, "size");
    else sizeOrScale(o.scaleFactor = options.scaleFactor, "scaleFactor");
    if (options.alignCorners !== undefined) o.alignCorners = options.alignCorners;
    this.options = o;
  }

  /** Resizes `x`. */
  forward(x: Tensor): Tensor {
    return resize(x, this.options, "Upsample");
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    const o = this.options;
    const what = o.size !== undefined
      ? `size=${describe(o.size)}`
      : `scaleFactor=${describe(o.scaleFactor)}`;
    return `${what}, mode=${o.mode ?? "nearest"}${o.alignCorners ? ", alignCorners=true" : ""}`;
  }
}

function outputSizes(
  spatial: readonly number[],
  o: InterpolateOptions,
  op: string,
): { sizes: number[]; scales: (number | null)[] } {
  const d = spatial.length;
  if ((o.size === undefined) === (o.scaleFactor === undefined)) {
    throw new TypeError(`${op}: give exactly one of size and scaleFactor`);
  }
  const list = (v: number | readonly number[], name: string): number[] => {
    const l = typeof v === "number" ? new Array<number>(d).fill(v) : Array.isArray(v) ? [...v] : [];
    if (l.length !== d || l.some((e) => typeof e !== "number" || !Number.isFinite(e) || e <= 0)) {
      throw new RangeError(
        `${op}: ${name} must be a positive number or ${d} of them, got ${describe(v)}`,
      );
    }
    return l;
  };
  if (o.size !== undefined) {
    const sizes = list(o.size, "size");
    if (sizes.some((s) => !Number.isInteger(s))) {
      throw new RangeError(`${op}: size must hold integers, got ${describe(o.size)}`);
    }
    return { sizes, scales: sizes.map(() => null) };
  }
  const factors = list(o.scaleFactor as number | readonly number[], "scaleFactor");
  const sizes = spatial.map((n, i) => Math.floor(n * factors[i]));
  if (sizes.some((s) => s < 1)) {
    throw new RangeError(`${op}: scaleFactor ${describe(o.scaleFactor)} leaves an empty output`);
  }
  return { sizes, scales: factors };
}

/** Source-to-destination scale as PyTorch computes it (in float32 for float32 data). */
function scaleOf(n: number, m: number, factor: number | null, f32: boolean): number {
  const s = factor !== null ? 1 / factor : n / m;
  return f32 ? Math.fround(s) : s;
}

// PyTorch computes nearest source indices in float32 whatever the dtype.
function nearestIndices(n: number, m: number, factor: number | null): NDArray {
  const idx = new Int32Array(m);
  if (m === 2 * n) { for (let i = 0; i < m; i++) idx[i] = i >> 1; }
  else {
    const s = Math.fround(factor !== null ? 1 / factor : n / m);
    for (let i = 0; i < m; i++) idx[i] = Math.min(Math.floor(Math.fround(i * s)), n - 1);
  }
  return NDArray.fromTyped(idx, [m]);
}

function linearAlong(
  y: Tensor,
  axis: number,
  n: number,
  m: number,
  factor: number | null,
  alignCorners: boolean,
  f32: boolean,
): Tensor {
  const r = f32 ? Math.fround : (v: number) => v;
  const scale = alignCorners ? (m > 1 ? r((n - 1) / (m - 1)) : 0) : scaleOf(n, m, factor, f32);
  const i0 = new Int32Array(m), i1 = new Int32Array(m);
  const w0 = f32 ? new Float32Array(m) : new Float64Array(m);
  const w1 = f32 ? new Float32Array(m) : new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const src = alignCorners ? r(scale * i) : Math.max(r(r(scale * r(i + 0.5)) - 0.5), 0);
    const lo = Math.floor(src);
    i0[i] = lo;
    i1[i] = lo < n - 1 ? lo + 1 : lo;
    const l1 = Math.min(Math.max(r(src - lo), 0), 1);
    w1[i] = l1;
    w0[i] = r(1 - l1);
  }
  const bshape = [m, ...new Array<number>(y.ndim - axis - 1).fill(1)];
  const a = indexSelect(y, axis, NDArray.fromTyped(i0, [m])).mul(
    new Tensor(NDArray.fromTyped(w0, bshape)),
  );
  const b = indexSelect(y, axis, NDArray.fromTyped(i1, [m])).mul(
    new Tensor(NDArray.fromTyped(w1, bshape)),
  );
  return a.add(b);
}

// Keys' cubic convolution kernel with PyTorch's a = −0.75: weights of the taps at distances
// 1 + t, t, 1 − t and 2 − t from the source coordinate.
const CUBIC_A = -0.75;
function cubicNear(x: number): number {
  return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
}
function cubicFar(x: number): number {
  return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
}

// PyTorch's upsample_bicubic2d along one axis: the source coordinate is not clamped at 0 (unlike
// the linear modes) and the four taps are clamped to the border.
function cubicAlong(
  y: Tensor,
  axis: number,
  n: number,
  m: number,
  factor: number | null,
  alignCorners: boolean,
  f32: boolean,
): Tensor {
  const r = f32 ? Math.fround : (v: number) => v;
  const scale = alignCorners ? (m > 1 ? r((n - 1) / (m - 1)) : 0) : scaleOf(n, m, factor, f32);
  const idx = Array.from({ length: 4 }, () => new Int32Array(m));
  const w = Array.from({ length: 4 }, () => f32 ? new Float32Array(m) : new Float64Array(m));
  for (let i = 0; i < m; i++) {
    const src = alignCorners ? r(scale * i) : r(r(scale * r(i + 0.5)) - 0.5);
    const lo = Math.floor(src), t = r(src - lo);
    const weights = [cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)];
    for (let k = 0; k < 4; k++) {
      idx[k][i] = Math.min(Math.max(lo - 1 + k, 0), n - 1);
      w[k][i] = weights[k];
    }
  }
  const bshape = [m, ...new Array<number>(y.ndim - axis - 1).fill(1)];
  let out: Tensor | null = null;
  for (let k = 0; k < 4; k++) {
    const term = indexSelect(y, axis, NDArray.fromTyped(idx[k], [m])).mul(
      new Tensor(NDArray.fromTyped(w[k], bshape)),
    );
    out = out === null ? term : out.add(term);
  }
  return out!;
}
