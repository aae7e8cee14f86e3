/**
 * Padding of trailing dimensions with PyTorch's `torch.nn.functional.pad` conventions.
 *
 * @module
 */
import type { NDArray } from "./ndarray.ts";
import { getBackend } from "./registry.ts";
import { fmtShape } from "./shape.ts";
import { allocArray, axisView } from "./_axis.ts";
import { checkNDArray, checkOptions, describe } from "./check.ts";

/** How {@link pad} fills the new border. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** Options of {@link pad}. */
export interface PadOptions {
  /**
   * `constant` (default) fills with `value`; `reflect` mirrors without repeating the edge
   * (`[1, 2, 3]` padded by 2 on the left gives `[3, 2, 1, 2, 3]`); `replicate` repeats the edge;
   * `circular` wraps around.
   */
  mode?: PadMode;
  /** Fill value of `constant` mode. Default 0. */
  value?: number;
}

const MODES: readonly PadMode[] = ["constant", "reflect", "replicate", "circular"];

/**
 * Pads the trailing dimensions of `x`. `padding` lists pairs from the last dimension backwards,
 * as in PyTorch: `[left, right]` pads the last axis, `[left, right, top, bottom]` the last two, and
 * so on. Negative amounts crop. Unlike PyTorch, every mode works on any number of dimensions.
 * `reflect` needs each pad smaller than the (cropped) axis, `circular` no larger than it, and
 * `replicate` a non-empty axis.
 *
 * @example
 * ```ts
 * import { array, pad } from "@nnc/tensor";
 * const x = array([[1, 2, 3]]);
 * console.assert(pad(x, [1, 2]).toArray().toString() === "0,1,2,3,0,0");
 * console.assert(pad(x, [2, 0], { mode: "reflect" }).toArray().toString() === "3,2,1,2,3");
 * console.assert(pad(x, [1, 1], { mode: "circular" }).toArray().toString() === "3,1,2,3,1");
 * console.assert(pad(x, [0, -1, 1, 0], { value: 9 }).toArray().toString() === "9,9,1,2");
 * ```
 */
export function pad(x: NDArray, padding: readonly number[], options: PadOptions = {}): NDArray {
  checkNDArray(x, "pad", "x");
  options = checkOptions(options, "pad");
  const mode = options.mode ?? "constant";
  if (!MODES.includes(mode)) {
    throw new RangeError(
      `pad: unknown mode ${describe(mode)}; expected one of ${MODES.join(", ")}`,
    );
  }
  if (options.value !== undefined && mode !== "constant") {
    throw new TypeError(`pad: value applies to mode "constant" only, got mode "${mode}"`);
  }
  const value = options.value ?? 0;
  if (typeof value !== "number") {
    throw new TypeError(`pad: value must be a number, got ${typeof value}`);
  }
  const { before, after } = padAmounts(x, padding);

  // Negative amounts crop first; the positive ones then pad the cropped array.
  let inner = x;
  for (let d = 0; d < x.ndim; d++) {
    const n = x.shape[d] - Math.max(0, -before[d]) - Math.max(0, -after[d]);
    if (n < 0) {
      throw new RangeError(
        `pad: padding [${padding.join(", ")}] crops axis ${d} of ${fmtShape(x.shape)} below size 0`,
      );
    }
    inner = axisView(inner, d, Math.max(0, -before[d]), n);
  }
  const lo = before.map((b) => Math.max(0, b));
  const hi = after.map((a) => Math.max(0, a));
  checkModeLimits(mode, inner.shape, lo, hi, padding);

  const out = allocArray(x.dtype, inner.shape.map((n, d) => lo[d] + n + hi[d]));
  if (mode === "constant" && value !== 0) out.data.fill(value);
  if (inner.size === 0) return out;
  let interior = out;
  for (let d = 0; d < x.ndim; d++) interior = axisView(interior, d, lo[d], inner.shape[d]);
  const backend = getBackend();
  backend.copy(interior, inner);
  if (mode === "constant") return out;

  // Fill the borders one axis at a time from the out array itself. Axes already done span their
  // full padded extent, so corners come out as the border of a border, as in PyTorch.
  for (let d = x.ndim - 1; d >= 0; d--) {
    if (lo[d] === 0 && hi[d] === 0) continue;
    let region = out;
    for (let e = 0; e < d; e++) region = axisView(region, e, lo[e], inner.shape[e]);
    const n = inner.shape[d], l = lo[d], r = hi[d];
    if (l > 0) {
      backend.copy(axisView(region, d, 0, l), borderSource(mode, region, d, l, n, l, true));
    }
    if (r > 0) {
      backend.copy(axisView(region, d, l + n, r), borderSource(mode, region, d, l, n, r, false));
    }
  }
  return out;
}

/** Per-axis amounts before and after, from PyTorch's last-axis-first pairs. */
function padAmounts(x: NDArray, padding: readonly number[]): { before: number[]; after: number[] } {
  if (!Array.isArray(padding)) {
    throw new TypeError(`pad: padding must be an array of integers, got ${typeof padding}`);
  }
  if (padding.length % 2 !== 0) {
    throw new RangeError(
      `pad: padding [${padding.join(", ")}] must have an even length (pairs per axis)`,
    );
  }
  if (padding.length / 2 > x.ndim) {
    throw new RangeError(
      `pad: padding [${padding.join(", ")}] covers ${padding.length / 2} axes but x has shape ${
        fmtShape(x.shape)
      }`,
    );
  }
  for (const p of padding) {
    if (typeof p !== "number" || !Number.isSafeInteger(p)) {
      throw new TypeError(`pad: padding entries must be integers, got ${String(p)}`);
    }
  }
  const before = new Array<number>(x.ndim).fill(0);
  const after = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < padding.length / 2; i++) {
    before[x.ndim - 1 - i] = padding[2 * i];
    after[x.ndim - 1 - i] = padding[2 * i + 1];
  }
  return { before, after };
}

function checkModeLimits(
  mode: PadMode,
  shape: readonly number[],
  lo: readonly number[],
  hi: readonly number[],
  padding: readonly number[],
): void {
  for (let d = 0; d < shape.length; d++) {
    const p = Math.max(lo[d], hi[d]), n = shape[d];
    if (p === 0) continue;
    const ok = mode === "reflect"
      ? p < n
      : mode === "circular"
      ? p <= n
      : mode === "replicate"
      ? n > 0
      : true;
    if (!ok) {
      const need = mode === "reflect"
        ? `smaller than the axis size ${n}`
        : mode === "circular"
        ? `at most the axis size ${n}`
        : "a non-empty axis";
      throw new RangeError(
        `pad: ${mode} padding [${padding.join(", ")}] pads axis ${d} by ${p}; expected ${need}`,
      );
    }
  }
}

/**
 * The view of `region` that fills a border of `count` entries along `axis`, whose interior spans
 * `[l, l + n)`: before it when `left`, after it otherwise.
 */
function borderSource(
  mode: PadMode,
  region: NDArray,
  axis: number,
  l: number,
  n: number,
  count: number,
  left: boolean,
): NDArray {
  switch (mode) {
    case "reflect": // mirror around the edge entry, which is not repeated
      return left
        ? axisView(region, axis, 2 * l, count, -1)
        : axisView(region, axis, l + n - 2, count, -1);
    case "replicate":
      return axisView(region, axis, left ? l : l + n - 1, count, 0);
    default: // circular: the far end of the interior
      return left ? axisView(region, axis, n, count) : axisView(region, axis, l, count);
  }
}
