// Attribution maps laid over their images as RGB pictures for saveImageGrid: the image in grey,
// the map (scaled to [0, 1] per image) in a blue–green–yellow–red ramp on top.
import { NDArray } from "@nnc/tensor";

/** `[N, 3, H, W]` float32 in [0, 1]: each grey image `[N, 1, H, W]` tinted by its map `[N, H, W]`. */
export function overlay(images: NDArray, maps: NDArray, strength = 0.6): NDArray {
  const [n, , h, w] = images.shape;
  const img = images.astype("float64").contiguous().clone().data as Float64Array;
  const m = maps.astype("float64").contiguous().clone().data as Float64Array;
  const out = new Float32Array(n * 3 * h * w);
  const hw = h * w;
  for (let i = 0; i < n; i++) {
    let lo = Infinity, hi = -Infinity;
    for (let p = 0; p < hw; p++) {
      lo = Math.min(lo, m[i * hw + p]);
      hi = Math.max(hi, m[i * hw + p]);
    }
    for (let p = 0; p < hw; p++) {
      const t = hi > lo ? (m[i * hw + p] - lo) / (hi - lo) : 0;
      const grey = img[i * hw + p];
      const rgb = ramp(t);
      for (let c = 0; c < 3; c++) {
        out[(i * 3 + c) * hw + p] = (1 - strength * t) * grey + strength * t * rgb[c];
      }
    }
  }
  return NDArray.fromTyped(out, [n, 3, h, w]);
}

function ramp(t: number): [number, number, number] {
  const c = (v: number) => Math.max(0, Math.min(1, v));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}
