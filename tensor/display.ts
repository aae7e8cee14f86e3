/**
 * Rich display of arrays in Jupyter notebooks (Deno's kernel calls an object's
 * `Symbol.for("Jupyter.display")` method and shows the MIME bundle it returns): {@link displayData}
 * builds that bundle — an HTML header with kind, dtype and shape above the values, or a PNG when the
 * array looks like an image. Browser-safe: no Deno APIs.
 *
 * @module
 */
import { NDArray } from "./ndarray.ts";
import { checkOptions, describe } from "./check.ts";
import { fmtShape } from "./shape.ts";
import { base64, encodePng } from "./_png.ts";

/**
 * A Jupyter MIME bundle: MIME type → content (text, or base64 for `image/png`).
 *
 * @example
 * ```ts
 * import type { MimeBundle } from "@nnc/tensor";
 * const bundle: MimeBundle = { "text/plain": "hello" };
 * ```
 */
export type MimeBundle = Record<string, string>;

/**
 * Options of {@link displayData}.
 *
 * @example
 * ```ts
 * import type { DisplayOptions } from "@nnc/tensor";
 * const o: DisplayOptions = { kind: "Tensor", notes: ["requiresGrad"] };
 * ```
 */
export interface DisplayOptions {
  /** What the header calls the object (default `"NDArray"`). */
  kind?: string;
  /** Extra words for the header (`gradFn=matmul`, `requiresGrad`). */
  notes?: readonly string[];
  /** Text shown as `text/plain` (default `a.toString()`). */
  text?: string;
  /** `false` never draws a PNG, `true` draws one whenever the shape allows (default: when the values look like an image). */
  image?: boolean;
}

/** Smallest side, in pixels, of an array shown as an image. */
const MIN_SIDE = 8;
/** Largest side shown as an image (larger arrays show their summarised values). */
const MAX_SIDE = 4096;
/** Largest batch of a 4-d `[N, C, H, W]` array drawn as a row of images. */
const MAX_BATCH = 64;

interface ImageLayout {
  n: number;
  channels: 1 | 3;
  h: number;
  w: number;
}

function imageLayout(shape: readonly number[]): ImageLayout | null {
  let layout: ImageLayout | null = null;
  if (shape.length === 2) layout = { n: 1, channels: 1, h: shape[0], w: shape[1] };
  else if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) {
    layout = { n: 1, channels: shape[0] as 1 | 3, h: shape[1], w: shape[2] };
  } else if (shape.length === 4 && (shape[1] === 1 || shape[1] === 3) && shape[0] <= MAX_BATCH) {
    layout = { n: shape[0], channels: shape[1] as 1 | 3, h: shape[2], w: shape[3] };
  }
  if (layout === null || layout.n < 1) return null;
  const sides = [layout.h, layout.w];
  return sides.every((s) => s >= MIN_SIDE && s <= MAX_SIDE) ? layout : null;
}

/** The value range mapped to black..white: [0, 1] or [0, 255] when the values lie there, else their extent. */
function valueRange(values: ArrayLike<number>, from: number, to: number, force: boolean) {
  let lo = Infinity, hi = -Infinity;
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) return null;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo >= 0 && hi <= 1) return [0, 1];
  if (lo >= 0 && hi <= 255) return [0, 255];
  return force ? [lo, hi > lo ? hi : lo + 1] : null;
}

/** Draws the array as a PNG (images side by side with a 2-pixel gap), or null when it is no image. */
function toPng(
  a: NDArray,
  force: boolean,
): { png: Uint8Array; width: number; height: number } | null {
  const layout = imageLayout(a.shape);
  if (layout === null) return null;
  const c = a.contiguous();
  const range = valueRange(c.data, c.offset, c.offset + c.size, force);
  if (range === null) return null;
  const { n, channels, h, w } = layout;
  const gap = n > 1 ? 2 : 0;
  const width = n * w + (n - 1) * gap;
  const pixels = new Uint8Array(width * h * channels).fill(255);
  const scale = 255 / (range[1] - range[0]);
  const plane = h * w;
  for (let k = 0; k < n; k++) {
    for (let ch = 0; ch < channels; ch++) {
      const base = c.offset + (k * channels + ch) * plane;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = Math.round((c.data[base + y * w + x] - range[0]) * scale);
          pixels[(y * width + k * (w + gap) + x) * channels + ch] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }
  return { png: encodePng(pixels, width, h, channels), width, height: h };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The Jupyter MIME bundle of an array: `text/html` with a header (kind, dtype, shape, notes) and
 * the values as PyTorch prints them, plus `image/png` when the array looks like an image — 2-d
 * `[H, W]`, `[1|3, H, W]` or a batch `[N, 1|3, H, W]` (N ≤ 64) with sides of 8 to 4096 pixels and
 * finite values in [0, 1] or [0, 255] (`image: true` also accepts other ranges, scaled to their extent).
 * `NDArray`'s `Symbol.for("Jupyter.display")` method returns this.
 *
 * @example
 * ```ts
 * import { displayData, ones, zeros } from "@nnc/tensor";
 * const small = displayData(zeros([2, 3]));
 * console.assert(small["text/html"].includes("float32 [2, 3]") && !("image/png" in small));
 * const image = displayData(ones([1, 28, 28]).mul(0.5));
 * console.assert(image["image/png"].startsWith("iVBORw0KGgo")); // the PNG signature in base64
 * ```
 */
export function displayData(a: NDArray, options: DisplayOptions = {}): MimeBundle {
  const op = "displayData";
  if (!(a instanceof NDArray)) {
    throw new TypeError(`${op}: expected an NDArray, got ${describe(a)}`);
  }
  checkOptions(options, op);
  for (const key of ["kind", "text"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "string") {
      throw new TypeError(`${op}: ${key} must be a string, got ${describe(options[key])}`);
    }
  }
  if (
    options.notes !== undefined &&
    (!Array.isArray(options.notes) || options.notes.some((n) => typeof n !== "string"))
  ) {
    throw new TypeError(`${op}: notes must be an array of strings, got ${describe(options.notes)}`);
  }
  if (options.image !== undefined && typeof options.image !== "boolean") {
    throw new TypeError(`${op}: image must be a boolean, got ${describe(options.image)}`);
  }
  const kind = options.kind ?? "NDArray";
  const header = [kind, a.dtype, fmtShape(a.shape), ...(options.notes ?? [])].join(" ");
  const text = options.text ?? a.toString();
  const picture = options.image === false ? null : toPng(a, options.image === true);
  const head = `<div style="font-family:monospace;color:#555">${escapeHtml(header)}</div>`;
  if (picture !== null) {
    const b64 = base64(picture.png);
    // Small images are scaled up (pixelated) so that a 28×28 digit is readable.
    const zoom = Math.max(1, Math.min(8, Math.floor(224 / picture.height)));
    const img = `<img src="data:image/png;base64,${b64}" width="${picture.width * zoom}" ` +
      `height="${picture.height * zoom}" style="image-rendering:pixelated" alt="${
        escapeHtml(header)
      }">`;
    return { "text/plain": `${header}\n${text}`, "text/html": `${head}${img}`, "image/png": b64 };
  }
  return { "text/plain": text, "text/html": `${head}<pre>${escapeHtml(text)}</pre>` };
}
