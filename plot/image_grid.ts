/**
 * PNG image grids (samples, filters, reconstructions): {@link imageGrid} lays images out in
 * rows, optionally with a caption under each one (drawn with a small built-in bitmap font), and
 * encodes them with fast-png; {@link saveImageGrid} writes the file.
 *
 * @module
 */
import { encode } from "fast-png";
import type { NDArray } from "@nnc/tensor";
import { ensureParent, flatData } from "./_data.ts";
import { drawText, textSize } from "./_font.ts";
import {
  asNDArray,
  checkInt,
  checkOptions,
  describe,
  fmtShape,
  type NDArrayLike,
  writeFileAtomic,
} from "@nnc/tensor";
/**
 * Options of {@link imageGrid}.
 *
 * @example
 * ```ts
 * import type { ImageGridOptions } from "@nnc/plot";
 * const o: ImageGridOptions = { columns: 8, scale: 2, range: [0, 1] };
 * ```
 */
export interface ImageGridOptions {
  /** Images per row. Default ⌈√N⌉. */
  columns?: number;
  /** Each image pixel becomes `scale × scale` output pixels. Default 1. */
  scale?: number;
  /** Output pixels between images and around the grid. Default 2. */
  padding?: number;
  /** Grey level 0–255 of the padding and the caption strip. Default 128, or 255 with captions. */
  background?: number;
  /**
   * Values shown black and white: `"image"` each image's own minimum and maximum (default; good
   * for filters), `"grid"` the extremes over all images, or a fixed `[black, white]`.
   */
  range?: "image" | "grid" | readonly [number, number];
  /** `[height, width]` of each image when `images` is `[N, height·width]`. */
  imageShape?: readonly [number, number];
  /**
   * A caption under each image (one string per image, `"\n"` between lines; `""` for none), in a
   * 5 × 7 pixel bitmap font covering printable ASCII and `→ ← × · ° ± – ≈` (other characters
   * show as a box). Black on a light background, white on a dark one. A column widens to its
   * longest caption line (and 2 font pixels either side), the image centred above it.
   */
  captions?: readonly string[];
  /** Each font pixel of the captions becomes `captionScale × captionScale` pixels. Default 1. */
  captionScale?: number;
}

interface Layout {
  n: number;
  channels: 1 | 3;
  h: number;
  w: number;
}

function layoutOf(a: NDArray, shape: readonly [number, number] | undefined, op: string): Layout {
  const s = a.shape;
  if (s.length === 2) {
    if (
      !Array.isArray(shape) || shape.length !== 2 || !shape.every((v) =>
        Number.isInteger(v) && v > 0
      ) ||
      shape[0] * shape[1] !== s[1]
    ) {
      throw new RangeError(
        `${op}: images ${fmtShape(s)} need imageShape [height, width] with height·width = ${
          s[1]
        }, got ${describe(shape)}`,
      );
    }
    return { n: s[0], channels: 1, h: shape[0], w: shape[1] };
  }
  if (s.length === 3) return { n: s[0], channels: 1, h: s[1], w: s[2] };
  if (s.length === 4 && (s[1] === 1 || s[1] === 3)) {
    return { n: s[0], channels: s[1] as 1 | 3, h: s[2], w: s[3] };
  }
  throw new RangeError(
    `${op}: images must be [N, H, W], [N, 1|3, H, W] or [N, H·W] with imageShape, got ${
      fmtShape(s)
    }`,
  );
}

function checkCaptions(captions: unknown, n: number, op: string): readonly string[] | null {
  if (captions === undefined) return null;
  if (
    !Array.isArray(captions) || captions.length !== n ||
    !captions.every((c) => typeof c === "string")
  ) {
    throw new TypeError(
      `${op}: captions must be an array of ${n} strings (one per image), got ${describe(captions)}`,
    );
  }
  return captions.some((c) => c !== "") ? captions : null;
}

function extremes(data: ArrayLike<number>, from: number, to: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = from; i < to; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * The images as one PNG grid (grey, or RGB for `[N, 3, H, W]` input), row by row from the top
 * left. A value `v` becomes `round(255 · clamp((v − black) / (white − black), 0, 1))`; an image
 * whose range is empty is black.
 *
 * @example
 * ```ts
 * import { imageGrid } from "@nnc/plot";
 * import { array } from "@nnc/tensor";
 * import { decode } from "npm:fast-png@8.0.0";
 * const png = imageGrid(array([[[0, 1]], [[1, 0]]]), { padding: 1, range: [0, 1] });
 * const img = decode(png);
 * console.assert(img.width === 7 && img.height === 3 && img.data[8] === 0 && img.data[9] === 255);
 * ```
 */
export function imageGrid(images: NDArrayLike, options: ImageGridOptions = {}): Uint8Array {
  const op = "imageGrid";
  const o = checkOptions(options, op);
  const a = asNDArray(images, op, "images");
  const { n, channels, h, w } = layoutOf(a, o.imageShape, op);
  if (n === 0) throw new RangeError(`${op}: no images to draw`);
  const cols = checkInt(o.columns ?? Math.ceil(Math.sqrt(n)), op, "columns", 1);
  const scale = checkInt(o.scale ?? 1, op, "scale", 1, 64);
  const pad = checkInt(o.padding ?? 2, op, "padding", 0, 1000);
  const captions = checkCaptions(o.captions, n, op);
  const captionScale = checkInt(o.captionScale ?? 1, op, "captionScale", 1, 16);
  const bg = checkInt(o.background ?? (captions ? 255 : 128), op, "background", 0, 255);
  const rows = Math.ceil(n / cols), per = channels * h * w;
  // A cell holds the image and, under it, the caption strip (a 2-pixel gap, then the text).
  let cellW = w * scale, captionH = 0;
  if (captions) {
    for (const c of captions) {
      const size = textSize(c, captionScale);
      cellW = Math.max(cellW, size.width + 4 * captionScale); // 2 font pixels either side
      captionH = Math.max(captionH, size.height + 2 * captionScale);
    }
  }
  const cellH = h * scale + captionH;
  const W = cols * (cellW + pad) + pad, H = rows * (cellH + pad) + pad;
  const out = new Uint8Array(W * H * channels).fill(bg);
  const { data, offset } = flatData(a);
  let fixed: [number, number] | null = null;
  const range = o.range ?? "image";
  if (range === "grid") fixed = extremes(data, offset, offset + n * per);
  else if (Array.isArray(range)) {
    if (range.length !== 2 || !Number.isFinite(range[0]) || !Number.isFinite(range[1])) {
      throw new RangeError(`${op}: range must be [black, white] numbers, got ${describe(range)}`);
    }
    fixed = [range[0], range[1]];
  } else if (range !== "image") {
    throw new TypeError(
      `${op}: range must be "image", "grid" or [black, white], got ${describe(range)}`,
    );
  }
  for (let k = 0; k < n; k++) {
    const base = offset + k * per;
    const [lo, hi] = fixed ?? extremes(data, base, base + per);
    const inv = hi !== lo ? 255 / (hi - lo) : 0;
    const cx = pad + (k % cols) * (cellW + pad), oy = pad + Math.floor(k / cols) * (cellH + pad);
    const ox = cx + Math.floor((cellW - w * scale) / 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < channels; c++) {
          const v = (data[base + c * h * w + y * w + x] - lo) * inv;
          const g = v > 0 ? (v < 255 ? Math.round(v) : 255) : 0;
          for (let dy = 0; dy < scale; dy++) {
            let p = ((oy + y * scale + dy) * W + ox + x * scale) * channels + c;
            for (let dx = 0; dx < scale; dx++, p += channels) out[p] = g;
          }
        }
      }
    }
    if (captions && captions[k] !== "") {
      const text = captions[k], tw = textSize(text, captionScale).width;
      drawText(
        out,
        W,
        H,
        channels,
        cx + Math.floor((cellW - tw) / 2),
        oy + h * scale + 2 * captionScale,
        text,
        { ink: bg >= 128 ? 0 : 255, scale: captionScale, center: true },
      );
    }
  }
  return encode({ width: W, height: H, data: out, channels, depth: 8 });
}

/**
 * Writes {@link imageGrid}'s PNG to `path`, creating its folder. Needs `--allow-write`.
 *
 * @example
 * ```ts
 * import { saveImageGrid } from "@nnc/plot";
 * import { rand } from "@nnc/tensor";
 * const dir = await Deno.makeTempDir();
 * await saveImageGrid(`${dir}/grid.png`, rand([4, 8, 8]), { scale: 2 });
 * console.assert((await Deno.stat(`${dir}/grid.png`)).size > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveImageGrid(
  path: string,
  images: NDArrayLike,
  options: ImageGridOptions = {},
): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`saveImageGrid: path must be a non-empty string, got ${describe(path)}`);
  }
  const png = imageGrid(images, options);
  await ensureParent(path);
  await writeFileAtomic(path, png, { op: "saveImageGrid" });
}
