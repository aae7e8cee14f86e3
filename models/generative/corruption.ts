/**
 * {@link Corruption}: the input noise of a denoising autoencoder, as a layer that acts in training
 * mode only (like dropout): masking noise (the notes' "set random values of the input to zero") or
 * additive Gaussian noise.
 *
 * @module
 */
import { checkNumber, checkOneOf, describe, rand, randn, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { Module } from "@nnc/layers";

/**
 * The kind of corruption: `"mask"` zeroes each input element with probability `level` (no
 * rescaling, unlike dropout); `"gaussian"` adds noise of standard deviation `level`.
 *
 * @example
 * ```ts
 * import type { CorruptionKind } from "@nnc/models/generative";
 * const k: CorruptionKind = "mask";
 * ```
 */
export type CorruptionKind = "mask" | "gaussian";

/**
 * Corrupts its input in training mode and passes it through unchanged in evaluation mode. The
 * noise is a constant: gradients flow to the input through the kept elements.
 *
 * @example
 * ```ts
 * import { Corruption } from "@nnc/models/generative";
 * import { ones } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const mask = new Corruption("mask", 0.5, { rng: new Rng(0) });
 * const y = mask.forward(ones([1, 1000]));
 * const kept = (y.toArray() as number[][])[0].filter((v) => v === 1).length;
 * console.assert(kept > 430 && kept < 570 && mask.eval().forward(ones([2])).toArray().toString() === "1,1");
 * ```
 */
export class Corruption extends Module<[Tensor], Tensor> {
  /** Masking or Gaussian noise. */
  readonly kind: CorruptionKind;
  /** Drop probability (mask) or standard deviation (Gaussian). */
  readonly level: number;
  /** Generator of the noise. */
  rng: Rng | undefined;

  /** A corruption layer of `kind` at `level`. */
  constructor(kind: CorruptionKind, level: number, options: { rng?: Rng } = {}) {
    super();
    const op = "Corruption";
    this.kind = checkOneOf(kind, op, "kind", ["mask", "gaussian"]);
    this.level = kind === "mask"
      ? checkNumber(level, op, "level (drop probability)", 0, 1)
      : checkNumber(level, op, "level (noise standard deviation)", 0);
    if (options.rng !== undefined && !(options.rng instanceof Rng)) {
      throw new TypeError(`${op}: rng must be an Rng, got ${describe(options.rng)}`);
    }
    this.rng = options.rng;
  }

  /** The corrupted input in training mode, the input itself in evaluation mode. */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) {
      throw new TypeError(`Corruption: input must be a Tensor, got ${describe(x)}`);
    }
    if (!this.training || this.level === 0) return x;
    if (this.kind === "mask") {
      const keep = rand(x.shape, { dtype: x.dtype, rng: this.rng }).ge(this.level).astype(x.dtype);
      return x.mul(new Tensor(keep));
    }
    return x.add(new Tensor(randn(x.shape, { dtype: x.dtype, rng: this.rng, std: this.level })));
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `kind=${this.kind}, level=${this.level}`;
  }
}
