/**
 * Batch transforms for data augmentation and preprocessing. A {@link Transform} takes a batch
 * (first axis = samples, e.g. `[B, C, H, W]`) and a generator, and returns a new batch; random
 * choices are drawn per sample, so a batch transform equals applying it to each sample.
 * The input is never modified.
 *
 * @module
 */
import {
  allocTyped,
  checkOptions,
  defaultRng,
  describe,
  isFloat,
  NDArray,
  Rng,
  type TypedArray,
} from "@nnc/tensor";

/** A batch transform: a new batch from a batch, drawing randomness from `rng` (the default generator when omitted). */
export type Transform = (batch: NDArray, rng?: Rng) => NDArray;

function values(batch: NDArray, op: string, minDims: number): TypedArray {
  if (!(batch instanceof NDArray)) {
    throw new TypeError(`${op}: expected an NDArray batch, got ${describe(batch)}`);
  }
  if (batch.ndim < minDims) {
    throw new RangeError(
      `${op}: expected a batch with at least ${minDims} dimensions (samples first), got shape [${
        batch.shape.join(", ")
      }]`,
    );
  }
  const c = batch.contiguous();
  return c.data.subarray(c.offset, c.offset + c.size);
}

function checkRng(rng: Rng | undefined, op: string): Rng {
  if (rng === undefined) return defaultRng();
  if (!(rng instanceof Rng)) throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  return rng;
}

/**
 * Applies transforms in order.
 *
 * @example
 * ```ts
 * import { compose, gaussianNoise, normalize } from "@nnc/datasets";
 * import { ones, Rng } from "@nnc/tensor";
 * const t = compose(normalize(0.5, 0.5), gaussianNoise(0));
 * console.assert(t(ones([2, 3]), new Rng(0)).sum().item() === 6);
 * ```
 */
export function compose(...transforms: Transform[]): Transform {
  transforms.forEach((t, i) => {
    if (typeof t !== "function") {
      throw new TypeError(`compose: transform ${i} is ${describe(t)}, expected a function`);
    }
  });
  return (batch: NDArray, rng?: Rng): NDArray => {
    const r = checkRng(rng, "compose");
    return transforms.reduce((b, t) => t(b, r), batch);
  };
}

/**
 * `(x - mean) / std`, with one mean and standard deviation for everything or one per channel
 * (axis 1 of the batch). The result is float32 (float64 stays float64).
 *
 * @example
 * ```ts
 * import { normalize } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * const x = array([[[1, 1]], [[3, 3]]]).reshape(1, 2, 2); // [B=1, C=2, 2]
 * console.assert(normalize([1, 2], [1, 0.5])(x).toArray().toString() === "0,0,2,2");
 * ```
 */
export function normalize(
  mean: number | readonly number[],
  std: number | readonly number[],
): Transform {
  const op = "normalize";
  const means = typeof mean === "number" ? [mean] : checkList(mean, op, "mean");
  const stds = typeof std === "number" ? [std] : checkList(std, op, "std");
  if (!means.every(Number.isFinite)) {
    throw new RangeError(`${op}: mean must be finite, got ${describe(mean)}`);
  }
  if (!stds.every((s) => Number.isFinite(s) && s > 0)) {
    throw new RangeError(`${op}: std must be positive and finite, got ${describe(std)}`);
  }
  const perChannel = typeof mean !== "number" || typeof std !== "number";
  if (
    perChannel && typeof mean !== "number" && typeof std !== "number" &&
    means.length !== stds.length
  ) {
    throw new RangeError(`${op}: ${means.length} means but ${stds.length} standard deviations`);
  }
  return (batch: NDArray): NDArray => {
    const src = values(batch, op, perChannel ? 2 : 0);
    const channels = perChannel ? batch.shape[1] : 1;
    const m = means.length === 1 ? new Array<number>(channels).fill(means[0]) : means;
    const s = stds.length === 1 ? new Array<number>(channels).fill(stds[0]) : stds;
    if (m.length !== channels || s.length !== channels) {
      throw new RangeError(
        `${op}: ${
          Math.max(means.length, stds.length)
        } channel statistics for a batch with ${channels} channels (shape [${
          batch.shape.join(", ")
        }])`,
      );
    }
    const out = allocTyped(batch.dtype === "float64" ? "float64" : "float32", src.length);
    const inner = perChannel ? batch.shape.slice(2).reduce((a, b) => a * b, 1) : src.length;
    for (let start = 0, c = 0; start < src.length; start += inner, c = (c + 1) % channels) {
      const mu = m[c], inv = 1 / s[c];
      for (let i = start; i < start + inner; i++) out[i] = (src[i] - mu) * inv;
    }
    return NDArray.fromTyped(out, batch.shape);
  };
}

function checkList(v: unknown, op: string, name: string): number[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number")) {
    throw new TypeError(
      `${op}: ${name} must be a number or a non-empty array of numbers, got ${describe(v)}`,
    );
  }
  return [...v];
}

/** Options of {@link randomCrop}. */
export interface RandomCropOptions {
  /** Pixels of `fill` added on every side before cropping. Default 0. */
  padding?: number;
  /** Value of the padding. Default 0. */
  fill?: number;
}

/**
 * Crops each sample's last two axes (height, width) at a random position, after optional padding
 * (as torchvision's `RandomCrop(size, padding)`).
 *
 * @example
 * ```ts
 * import { randomCrop } from "@nnc/datasets";
 * import { ones, Rng } from "@nnc/tensor";
 * const out = randomCrop(28, { padding: 4 })(ones([8, 1, 28, 28]), new Rng(0));
 * console.assert(out.shape.join() === "8,1,28,28" && out.sum().item() <= 8 * 784);
 * ```
 */
export function randomCrop(
  size: number | readonly [number, number],
  options: RandomCropOptions = {},
): Transform {
  const op = "randomCrop";
  const [h, w] = typeof size === "number"
    ? [size, size]
    : Array.isArray(size) && size.length === 2
    ? size
    : [NaN, NaN];
  if (![h, w].every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(
      `${op}: size must be a positive integer or [height, width], got ${describe(size)}`,
    );
  }
  const pad = options.padding ?? 0;
  if (!Number.isInteger(pad) || pad < 0) {
    throw new RangeError(`${op}: padding must be a non-negative integer, got ${describe(pad)}`);
  }
  const fill = options.fill ?? 0;
  if (typeof fill !== "number") {
    throw new TypeError(`${op}: fill must be a number, got ${describe(fill)}`);
  }
  return (batch: NDArray, rng?: Rng): NDArray => {
    const r = checkRng(rng, op);
    const src = values(batch, op, 3);
    const nd = batch.ndim;
    const H = batch.shape[nd - 2], W = batch.shape[nd - 1];
    if (h > H + 2 * pad || w > W + 2 * pad) {
      throw new RangeError(
        `${op}: crop ${h}×${w} is larger than the padded image ${H + 2 * pad}×${W + 2 * pad}`,
      );
    }
    const B = batch.shape[0];
    const planes = batch.shape.slice(1, nd - 2).reduce((a, b) => a * b, 1);
    const out = allocTyped(batch.dtype, B * planes * h * w);
    for (let b = 0; b < B; b++) {
      // Offsets into the padded image; subtract the padding to get source coordinates.
      const top = r.int(0, H + 2 * pad - h + 1) - pad, left = r.int(0, W + 2 * pad - w + 1) - pad;
      for (let p = 0; p < planes; p++) {
        const plane = b * planes + p;
        cropPlane(src, plane * H * W, H, W, out, plane * h * w, h, w, top, left, fill);
      }
    }
    const shape = [...batch.shape];
    shape[nd - 2] = h;
    shape[nd - 1] = w;
    return NDArray.fromTyped(out, shape);
  };
}

function cropPlane(
  src: TypedArray,
  srcAt: number,
  H: number,
  W: number,
  out: TypedArray,
  outAt: number,
  h: number,
  w: number,
  top: number,
  left: number,
  fill: number,
): void {
  const x0 = Math.max(0, -left), x1 = Math.min(w, W - left);
  for (let y = 0; y < h; y++) {
    const sy = top + y;
    const row = outAt + y * w;
    if (sy < 0 || sy >= H || x1 <= x0) {
      out.fill(fill, row, row + w);
      continue;
    }
    if (x0 > 0) out.fill(fill, row, row + x0);
    const from = srcAt + sy * W + left;
    out.set(src.subarray(from + x0, from + x1), row + x0);
    if (x1 < w) out.fill(fill, row + x1, row + w);
  }
}

/**
 * Mirrors each sample left-right (its last axis) with probability `p`.
 *
 * @example
 * ```ts
 * import { horizontalFlip } from "@nnc/datasets";
 * import { array } from "@nnc/tensor";
 * console.assert(horizontalFlip(1)(array([[[1, 2, 3]]])).toArray().toString() === "3,2,1");
 * ```
 */
export function horizontalFlip(p = 0.5): Transform {
  const op = "horizontalFlip";
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${op}: p must be a probability in [0, 1], got ${describe(p)}`);
  }
  return (batch: NDArray, rng?: Rng): NDArray => {
    const r = checkRng(rng, op);
    const src = values(batch, op, 2);
    const out = allocTyped(batch.dtype, src.length);
    const B = batch.shape[0], W = batch.shape[batch.ndim - 1];
    const per = B === 0 ? 0 : src.length / B;
    for (let b = 0; b < B; b++) {
      const start = b * per;
      if (p > 0 && r.random() < p) {
        for (let row = start; row < start + per; row += W) {
          for (let x = 0; x < W; x++) out[row + x] = src[row + W - 1 - x];
        }
      } else {
        out.set(src.subarray(start, start + per), start);
      }
    }
    return NDArray.fromTyped(out, batch.shape);
  };
}

/** Options of {@link randomErasing}. */
export interface RandomErasingOptions {
  /** Probability of erasing a rectangle in an image. Default 0.5. */
  p?: number;
  /** Range of the rectangle's area as a fraction of the image's. Default [0.02, 0.33]. */
  scale?: readonly [number, number];
  /** Range of the rectangle's height / width (drawn log-uniformly). Default [0.3, 3.3]. */
  ratio?: readonly [number, number];
  /** What the rectangle is filled with, in every channel. Default 0. */
  value?: number;
}

/**
 * Random erasing (Zhong et al., 2017; torchvision's `RandomErasing`): with probability `p`, one
 * rectangle of each image (the last two axes; every channel alike) is set to `value`. Its area is
 * a uniform fraction in `scale` of the image's and its aspect ratio log-uniform in `ratio`; a
 * draw that does not fit is retried up to 10 times, then the image stays whole.
 *
 * @example
 * ```ts
 * import { randomErasing } from "@nnc/datasets";
 * import { ones, Rng } from "@nnc/tensor";
 * const erased = randomErasing({ p: 1 })(ones([4, 1, 28, 28]), new Rng(0));
 * const zeros = Array.from(erased.data).filter((v) => v === 0).length;
 * console.assert(zeros > 0 && zeros < 4 * 28 * 28 * 0.33 + 4 * 57);
 * ```
 */
export function randomErasing(options: RandomErasingOptions = {}): Transform {
  const op = "randomErasing";
  checkOptions(options, op);
  const p = options.p ?? 0.5;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new RangeError(`${op}: p must be a probability in [0, 1], got ${describe(p)}`);
  }
  const range = (v: unknown, name: string, max: number): [number, number] => {
    if (
      !Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number") ||
      !(v[0] > 0 && v[0] <= v[1] && v[1] <= max)
    ) {
      throw new RangeError(
        `${op}: ${name} must be [low, high] with 0 < low <= high <= ${max}, got ${describe(v)}`,
      );
    }
    return [v[0], v[1]];
  };
  const [s0, s1] = range(options.scale ?? [0.02, 0.33], "scale", 1);
  const [r0, r1] = range(options.ratio ?? [0.3, 3.3], "ratio", Infinity);
  const value = options.value ?? 0;
  if (typeof value !== "number") {
    throw new TypeError(`${op}: value must be a number, got ${describe(value)}`);
  }
  const logR0 = Math.log(r0), logR1 = Math.log(r1);
  return (batch: NDArray, rng?: Rng): NDArray => {
    const r = checkRng(rng, op);
    const src = values(batch, op, 3);
    const out = allocTyped(batch.dtype, src.length);
    out.set(src);
    const nd = batch.ndim, B = batch.shape[0];
    const H = batch.shape[nd - 2], W = batch.shape[nd - 1];
    const planes = batch.shape.slice(1, nd - 2).reduce((a, b) => a * b, 1);
    for (let b = 0; b < B; b++) {
      if (!(p > 0 && r.random() < p)) continue;
      for (let attempt = 0; attempt < 10; attempt++) {
        const area = H * W * r.uniform(s0, s1);
        const aspect = Math.exp(r.uniform(logR0, logR1));
        const h = Math.round(Math.sqrt(area * aspect)), w = Math.round(Math.sqrt(area / aspect));
        if (!(h < H && w < W)) continue;
        const top = r.int(0, H - h + 1), left = r.int(0, W - w + 1);
        for (let c = 0; c < planes; c++) {
          const base = (b * planes + c) * H * W;
          for (let y = top; y < top + h; y++) {
            out.fill(value, base + y * W + left, base + y * W + left + w);
          }
        }
        break;
      }
    }
    return NDArray.fromTyped(out, batch.shape);
  };
}

/** Options of {@link gaussianNoise}. */
export interface GaussianNoiseOptions {
  /** Clamp the result to `[low, high]` (e.g. `[0, 1]` for images). */
  clip?: readonly [number, number];
}

/**
 * Adds independent `N(0, std²)` noise to every element of a float batch (denoising autoencoders).
 *
 * @example
 * ```ts
 * import { gaussianNoise } from "@nnc/datasets";
 * import { zeros, Rng } from "@nnc/tensor";
 * const noisy = gaussianNoise(0.1, { clip: [0, 1] })(zeros([100, 10]), new Rng(0));
 * console.assert(noisy.min().item() === 0 && noisy.max().item() > 0 && noisy.max().item() < 1);
 * ```
 */
export function gaussianNoise(std: number, options: GaussianNoiseOptions = {}): Transform {
  const op = "gaussianNoise";
  if (typeof std !== "number" || !(std >= 0) || !Number.isFinite(std)) {
    throw new RangeError(`${op}: std must be a non-negative number, got ${describe(std)}`);
  }
  const clip = checkOptions(options, op).clip;
  if (clip !== undefined && (!Array.isArray(clip) || clip.length !== 2 || !(clip[0] <= clip[1]))) {
    throw new RangeError(`${op}: clip must be [low, high] with low <= high, got ${describe(clip)}`);
  }
  const [lo, hi] = clip ?? [-Infinity, Infinity];
  return (batch: NDArray, rng?: Rng): NDArray => {
    const r = checkRng(rng, op);
    const src = values(batch, op, 0);
    if (!isFloat(batch.dtype)) {
      throw new TypeError(`${op}: expected a float batch, got ${batch.dtype}`);
    }
    const out = allocTyped(batch.dtype, src.length);
    for (let i = 0; i < src.length; i++) {
      const v = std > 0 ? src[i] + r.normal(0, std) : src[i];
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return NDArray.fromTyped(out, batch.shape);
  };
}
