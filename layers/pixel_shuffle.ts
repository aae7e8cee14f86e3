/**
 * {@link pixelShuffle} and {@link pixelUnshuffle}, and their modules {@link PixelShuffle} and
 * {@link PixelUnshuffle}: sub-pixel convolution's rearrangement (Shi et al., 2016) between channels
 * and space.
 *
 * @module
 */
import { checkInt, fmtShape } from "@nnc/tensor";
import { permute, reshape, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput } from "./_util.ts";

function checkFactor(r: unknown, op: string, name: string): number {
  return checkInt(r, op, name, 1);
}

/**
 * Moves blocks of `r²` channels into `r × r` pixels (PyTorch's `F.pixel_shuffle`): `[*, C·r², H, W]`
 * becomes `[*, C, H·r, W·r]` with `out[c, h·r + i, w·r + j] = in[c·r² + i·r + j, h, w]`. Upsamples
 * the output of a convolution with `r²` times the channels (an efficient sub-pixel layer).
 *
 * @example
 * ```ts
 * import { pixelShuffle } from "@nnc/layers";
 * import { arange } from "@nnc/autograd";
 * const y = pixelShuffle(arange(0, 4).reshape([1, 4, 1, 1]), 2);
 * console.assert(y.shape.join() === "1,1,2,2" && y.toArray().toString() === "0,1,2,3");
 * ```
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  const op = "pixelShuffle";
  const t = asInput(x, op);
  const r = checkFactor(upscaleFactor, op, "upscaleFactor");
  if (t.ndim < 3 || t.shape[t.ndim - 3] % (r * r) !== 0) {
    throw new RangeError(
      `${op}: input must be [*, C·${r * r}, H, W] (channels divisible by upscaleFactor² = ${
        r * r
      }), got ${fmtShape(t.shape)}`,
    );
  }
  const lead = t.shape.slice(0, -3), n = lead.length;
  const [c, h, w] = t.shape.slice(-3);
  const split = reshape(t, [...lead, c / (r * r), r, r, h, w]);
  const leadAxes = lead.map((_, i) => i);
  const moved = permute(split, [...leadAxes, n, n + 3, n + 1, n + 4, n + 2]);
  return reshape(moved, [...lead, c / (r * r), h * r, w * r]);
}

/**
 * The inverse of {@link pixelShuffle} (PyTorch's `F.pixel_unshuffle`): `[*, C, H·r, W·r]` becomes
 * `[*, C·r², H, W]`.
 *
 * @example
 * ```ts
 * import { pixelShuffle, pixelUnshuffle } from "@nnc/layers";
 * import { arange } from "@nnc/autograd";
 * const x = arange(0, 32).reshape([2, 4, 2, 2]);
 * console.assert(pixelUnshuffle(pixelShuffle(x, 2), 2).toArray().toString() === x.toArray().toString());
 * ```
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  const op = "pixelUnshuffle";
  const t = asInput(x, op);
  const r = checkFactor(downscaleFactor, op, "downscaleFactor");
  if (t.ndim < 3 || t.shape[t.ndim - 2] % r !== 0 || t.shape[t.ndim - 1] % r !== 0) {
    throw new RangeError(
      `${op}: input must be [*, C, H·${r}, W·${r}] (height and width divisible by downscaleFactor ${r}), got ${
        fmtShape(t.shape)
      }`,
    );
  }
  const lead = t.shape.slice(0, -3), n = lead.length;
  const [c, h, w] = t.shape.slice(-3);
  const split = reshape(t, [...lead, c, h / r, r, w / r, r]);
  const leadAxes = lead.map((_, i) => i);
  const moved = permute(split, [...leadAxes, n, n + 2, n + 4, n + 1, n + 3]);
  return reshape(moved, [...lead, c * r * r, h / r, w / r]);
}

/**
 * {@link pixelShuffle} as a module (PyTorch `nn.PixelShuffle`).
 *
 * @example
 * ```ts
 * import { PixelShuffle } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new PixelShuffle(3).forward(zeros([2, 18, 4, 4])).shape.join() === "2,2,12,12");
 * ```
 */
export class PixelShuffle extends Module<[Tensor], Tensor> {
  /** The factor r. */
  readonly upscaleFactor: number;

  /** Upsamples by `upscaleFactor` (an integer ≥ 1). */
  constructor(upscaleFactor: number) {
    super();
    this.upscaleFactor = checkFactor(upscaleFactor, "PixelShuffle", "upscaleFactor");
  }

  /** `[*, C·r², H, W]` → `[*, C, H·r, W·r]`. */
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `upscaleFactor=${this.upscaleFactor}`;
  }
}

/**
 * {@link pixelUnshuffle} as a module (PyTorch `nn.PixelUnshuffle`).
 *
 * @example
 * ```ts
 * import { PixelUnshuffle } from "@nnc/layers";
 * import { zeros } from "@nnc/autograd";
 * console.assert(new PixelUnshuffle(2).forward(zeros([1, 3, 8, 6])).shape.join() === "1,12,4,3");
 * ```
 */
export class PixelUnshuffle extends Module<[Tensor], Tensor> {
  /** The factor r. */
  readonly downscaleFactor: number;

  /** Downsamples by `downscaleFactor` (an integer ≥ 1). */
  constructor(downscaleFactor: number) {
    super();
    this.downscaleFactor = checkFactor(downscaleFactor, "PixelUnshuffle", "downscaleFactor");
  }

  /** `[*, C, H·r, W·r]` → `[*, C·r², H, W]`. */
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `downscaleFactor=${this.downscaleFactor}`;
  }
}
