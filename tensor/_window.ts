// Validation and shape arithmetic shared by the sliding-window ops (im2col, col2im, pooling).
import type { WindowGeometry } from "./backend.ts";
import { checkBool, checkIntTuple, checkOptions } from "./check.ts";
import type { NDArray } from "./ndarray.ts";
import { fmtShape } from "./shape.ts";
import type { AvgPoolOptions, MaxPoolOptions } from "./window.ts";

/**
 * A per-dimension window option: one number for every spatial dimension, or one per dimension.
 *
 * @example
 * ```ts
 * import type { SpatialOption } from "@nnc/tensor";
 * const square: SpatialOption = 3;
 * const wide: SpatialOption = [1, 5];
 * ```
 */
export type SpatialOption = number | readonly number[];

/**
 * Broadcasts a scalar option to `d` entries and checks that every entry is an integer `>= min`.
 * `fallback` is used when the option is undefined.
 */
export function spatialOption(
  value: unknown,
  fallback: SpatialOption | undefined,
  d: number,
  min: number,
  op: string,
  name: string,
): number[] {
  const v = value ?? fallback;
  if (v === undefined) throw new TypeError(`${op}: ${name} is required`);
  return checkIntTuple(v, d, op, name, min);
}

/** The options common to every window op, resolved for `d` spatial dimensions. */
export function resolveGeometry(
  options: {
    readonly kernel?: unknown;
    readonly stride?: unknown;
    readonly padding?: unknown;
    readonly dilation?: unknown;
  },
  d: number,
  op: string,
  strideDefault?: SpatialOption,
): WindowGeometry {
  const kernel = spatialOption(options.kernel, undefined, d, 1, op, "kernel");
  return {
    kernel,
    stride: spatialOption(options.stride, strideDefault ?? 1, d, 1, op, "stride"),
    padding: spatialOption(options.padding, 0, d, 0, op, "padding"),
    dilation: spatialOption(options.dilation, 1, d, 1, op, "dilation"),
  };
}

/**
 * Window positions along each spatial dimension (PyTorch's formula). With `ceilMode` the last partial
 * window is kept unless it would start in the right padding. Throws a RangeError naming the
 * dimension when a window does not fit.
 */
export function outputSizes(
  spatial: readonly number[],
  g: WindowGeometry,
  ceilMode: boolean,
  op: string,
): number[] {
  return spatial.map((n, i) => {
    const s = g.stride[i], p = g.padding[i];
    const span = g.dilation[i] * (g.kernel[i] - 1) + 1;
    const room = n + 2 * p - span;
    if (room < 0) {
      throw new RangeError(
        `${op}: window of size ${span} (kernel ${g.kernel[i]}, dilation ${
          g.dilation[i]
        }) is larger than the padded input ` +
          `${n + 2 * p} (size ${n}, padding ${p}) along spatial dimension ${i}`,
      );
    }
    if (!ceilMode) return Math.floor(room / s) + 1;
    let o = Math.ceil(room / s) + 1;
    if ((o - 1) * s >= n + p) o--;
    return o;
  });
}

/** Checks that `x` is `[N, C, ...spatial]` with `d` spatial dimensions (any of 1–3 when `d` is null). */
export function checkWindowInput(
  x: Pick<NDArray, "ndim" | "shape">,
  d: number | null,
  op: string,
): number {
  const rank = x.ndim - 2;
  if (d === null ? rank < 1 || rank > 3 : rank !== d) {
    throw new RangeError(`${op}: expected input ${layoutName(d)}, got ${fmtShape(x.shape)}`);
  }
  for (let i = 2; i < x.ndim; i++) {
    if (x.shape[i] < 1) {
      throw new RangeError(
        `${op}: spatial dimensions must be non-empty, got input ${fmtShape(x.shape)}`,
      );
    }
  }
  return rank;
}

/** `[N, C, H, W]`-style description of the expected layout. */
export function layoutName(d: number | null): string {
  switch (d) {
    case 1:
      return "[N, C, L]";
    case 2:
      return "[N, C, H, W]";
    case 3:
      return "[N, C, D, H, W]";
    default:
      return "[N, C, ...spatial] with 1 to 3 spatial dimensions";
  }
}

/**
 * Validates pooling options for an input of `x`'s shape (checked too) and returns the geometry and
 * the pooled shape. `dilated`: max pooling (average pooling takes no dilation).
 */
export function poolGeometry(
  x: Pick<NDArray, "ndim" | "shape">,
  options: MaxPoolOptions | AvgPoolOptions,
  rank: number | null,
  op: string,
  dilated: boolean,
): { g: WindowGeometry; shape: number[] } {
  const d = checkWindowInput(x, rank, op);
  options = checkOptions(options, op);
  if (!dilated && (options as { dilation?: unknown }).dilation !== undefined) {
    throw new TypeError(`${op}: average pooling takes no dilation option`);
  }
  const kernel = spatialOption(options.kernel, undefined, d, 1, op, "kernel");
  const g = resolveGeometry(options, d, op, kernel);
  for (let i = 0; i < d; i++) {
    if (2 * g.padding[i] > g.kernel[i]) {
      throw new RangeError(
        `${op}: padding ${
          g.padding[i]
        } along spatial dimension ${i} is more than half the kernel size ${g.kernel[i]}`,
      );
    }
  }
  const ceil = checkBool(options.ceilMode ?? false, op, "ceilMode");
  const grid = outputSizes(x.shape.slice(2), g, ceil, op);
  return { g, shape: [x.shape[0], x.shape[1], ...grid] };
}
