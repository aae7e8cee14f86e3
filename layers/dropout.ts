/**
 * {@link Dropout} and {@link Dropout2d}, and the channel-wise functional {@link dropout2d}.
 *
 * Dropout here is *inverted*, as PyTorch's: `p` is the probability of dropping a unit, kept units
 * are scaled by `1/(1 − p)` during training, and evaluation does nothing. The notes describe the
 * equivalent non-inverted form with a keep probability `π = 1 − p`: no scaling in training and
 * outgoing weights multiplied by `π` at test time. Both give the same expected pre-activation
 * (e.g. h = (2, 4), w = (1, 1), π = 0.5: test output π·(w·h) = 3 = the training expectation).
 *
 * @module
 */
import { checkNumber, checkOptions, fmtShape, mul as ndMul, rand, type Rng } from "@nnc/tensor";
import { dropout, type Tensor } from "@nnc/autograd";
import { Module } from "./module.ts";
import { asInput, checkRng } from "./_util.ts";

/**
 * Options of the dropout layers.
 *
 * @example
 * ```ts
 * import type { DropoutLayerOptions } from "@nnc/layers";
 * import { Rng } from "@nnc/tensor";
 * const o: DropoutLayerOptions = { rng: new Rng(1) };
 * ```
 */
export interface DropoutLayerOptions {
  /** Generator for the masks; the default one of @nnc/tensor when omitted. */
  rng?: Rng;
}

function checkP(p: number, op: string): number {
  return checkNumber(p, op, "p (drop probability)", 0, 1);
}

/**
 * Channel dropout (PyTorch `F.dropout2d`): zeroes whole channels of `[N, C, H, W]` (or unbatched
 * `[C, H, W]`) input with probability `p`, scaling the kept ones by `1/(1 − p)`; identity unless
 * `training`.
 *
 * @example
 * ```ts
 * import { dropout2d } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const y = dropout2d(ones([2, 8, 3, 3]), 0.5, true, new Rng(0));
 * const perChannel = Array.from(y.sum({ axis: [2, 3] }).data.data);
 * console.assert(perChannel.every((s) => s === 0 || s === 18));
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, rng?: Rng): Tensor {
  const op = "dropout2d";
  const t = asInput(x, op);
  checkP(p, op);
  checkRng(rng, op);
  if (t.ndim !== 4 && t.ndim !== 3) {
    throw new RangeError(
      `${op}: expected input [N, C, H, W] or [C, H, W], got ${fmtShape(t.shape)}`,
    );
  }
  if (!training || p === 0) return t;
  const maskShape = t.ndim === 4 ? [t.shape[0], t.shape[1], 1, 1] : [t.shape[0], 1, 1];
  const dtype = t.dtype === "float64" ? "float64" : "float32";
  const keep = rand(maskShape, { rng, dtype }).ge(p);
  return t.mul(p === 1 ? ndMul(keep, 0) : ndMul(keep, 1 / (1 - p)));
}

/**
 * Inverted dropout (PyTorch `nn.Dropout`): in training each entry is zeroed with probability `p`
 * (default 0.5; the notes' usual choices are 0.2 for inputs and 0.5 for hidden units) and the rest
 * scaled by `1/(1 − p)`; in evaluation mode the input passes unchanged.
 *
 * @example
 * ```ts
 * import { Dropout } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const drop = new Dropout(0.5, { rng: new Rng(0) });
 * const y = drop.forward(ones([1000]));
 * console.assert(y.max().item() === 2 && Math.abs(y.mean().item() - 1) < 0.1);
 * console.assert(drop.eval().forward(ones([3])).sum().item() === 3);
 * ```
 */
export class Dropout extends Module<[Tensor], Tensor> {
  /** Drop probability. */
  readonly p: number;
  #rng: Rng | undefined;

  /** Dropout with drop probability `p`. */
  constructor(p = 0.5, options: DropoutLayerOptions = {}) {
    super();
    checkOptions(options, "Dropout");
    this.p = checkP(p, "Dropout");
    this.#rng = checkRng(options.rng, "Dropout");
  }

  /** Drops entries in training mode; identity in evaluation mode. */
  forward(x: Tensor): Tensor {
    return dropout(asInput(x, "Dropout"), { p: this.p, training: this.training, rng: this.#rng });
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Channel dropout layer (PyTorch `nn.Dropout2d`): drops whole feature maps, which suits
 * convolutional features whose neighbouring pixels are correlated.
 *
 * @example
 * ```ts
 * import { Dropout2d } from "@nnc/layers";
 * import { ones } from "@nnc/autograd";
 * const drop = new Dropout2d(0.3).eval();
 * console.assert(drop.forward(ones([1, 2, 2, 2])).sum().item() === 8);
 * ```
 */
export class Dropout2d extends Module<[Tensor], Tensor> {
  /** Drop probability of a channel. */
  readonly p: number;
  #rng: Rng | undefined;

  /** Channel dropout with drop probability `p`. */
  constructor(p = 0.5, options: DropoutLayerOptions = {}) {
    super();
    checkOptions(options, "Dropout2d");
    this.p = checkP(p, "Dropout2d");
    this.#rng = checkRng(options.rng, "Dropout2d");
  }

  /** Drops channels in training mode; identity in evaluation mode. */
  forward(x: Tensor): Tensor {
    const t = asInput(x, "Dropout2d");
    if (t.ndim !== 4 && t.ndim !== 3) {
      throw new RangeError(
        `Dropout2d(p=${this.p}): expected input [N, C, H, W] or [C, H, W], got ${
          fmtShape(t.shape)
        }`,
      );
    }
    return dropout2d(t, this.p, this.training, this.#rng);
  }

  /** The settings shown by `toString()`. */
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
