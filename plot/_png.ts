// PNG image grids for the examples (k-means centres, Hopfield patterns), encoded by fast-png.
import { encode } from "fast-png";

/** Options of {@link imageGridPng}. */
export interface ImageGridOptions {
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** Images per row of the grid. Default: ⌈√count⌉. */
  columns?: number;
  /** Pixel magnification. Default 3. */
  scale?: number;
  /** Gap between images in (unscaled) pixels. Default 2. */
  gap?: number;
  /** Value shown black. Default: each image's own minimum. */
  min?: number;
  /** Value shown white. Default: each image's own maximum. */
  max?: number;
  /** Grey level (0–255) of the gaps. Default 128. */
  background?: number;
}

/**
 * A grayscale PNG of `count` images laid out in a grid. `data` holds the images one after another,
 * each `height × width` values row by row.
 */
export function imageGridPng(
  data: ArrayLike<number>,
  count: number,
  options: ImageGridOptions,
): Uint8Array {
  const { height: h, width: w } = options;
  const cols = options.columns ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const scale = options.scale ?? 3, gap = options.gap ?? 2;
  const W = (cols * (w + gap) + gap) * scale, H = (rows * (h + gap) + gap) * scale;
  const px = new Uint8Array(W * H).fill(options.background ?? 128);
  for (let k = 0; k < count; k++) {
    const base = k * h * w;
    let lo = options.min ?? Infinity, hi = options.max ?? -Infinity;
    if (options.min === undefined || options.max === undefined) {
      for (let i = 0; i < h * w; i++) {
        if (options.min === undefined) lo = Math.min(lo, data[base + i]);
        if (options.max === undefined) hi = Math.max(hi, data[base + i]);
      }
    }
    const span = hi > lo ? hi - lo : 1;
    const ox = (gap + (k % cols) * (w + gap)) * scale,
      oy = (gap + Math.floor(k / cols) * (h + gap)) * scale;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = Math.round(Math.min(1, Math.max(0, (data[base + y * w + x] - lo) / span)) * 255);
        for (let dy = 0; dy < scale; dy++) {
          const row = (oy + y * scale + dy) * W + ox + x * scale;
          px.fill(v, row, row + scale);
        }
      }
    }
  }
  return encode({ width: W, height: H, data: px, channels: 1, depth: 8 });
}

/** Writes an image grid PNG to `path` (creating its folder). */
export async function saveImageGrid(
  path: string,
  data: ArrayLike<number>,
  count: number,
  options: ImageGridOptions,
): Promise<void> {
  const dir = path.replace(/\/[^/]*$/, "");
  if (dir !== path) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(path, imageGridPng(data, count, options));
}
