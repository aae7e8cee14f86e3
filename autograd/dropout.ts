/**
 * Differentiable dropout (inverted: kept entries are scaled by `1 / (1 − p)`).
 *
 * @module
 */
import * as nd from "@nnc/tensor";
import type { Rng } from "@nnc/tensor";
import type { Tensor } from "./tensor.ts";
import { checkTensor } from "./_convert.ts";
import { mul } from "./elementwise.ts";

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Probability of zeroing an entry (PyTorch's `p`; the notes' keep probability is `1 − p`). Default 0.5. */
  p?: number;
  /** Drop only in training; with false the input is returned unchanged. Default true. */
  training?: boolean;
  /** Generator for the mask; the default one when omitted. */
  rng?: Rng;
}

/**
 * Zeroes each entry with probability `p` and scales the others by `1 / (1 − p)`, so the expected
 * value is unchanged (inverted dropout); the gradient flows through the kept entries with the same
 * scale.
 *
 * @example
 * ```ts
 * import { dropout, ones } from "@nnc/autograd";
 * import { Rng } from "@nnc/tensor";
 * const x = ones([1000], { requiresGrad: true });
 * const y = dropout(x, { p: 0.25, rng: new Rng(1) });
 * const kept = y.data.gt(0).sum().item();
 * console.assert(Math.abs(kept / 1000 - 0.75) < 0.05 && Math.abs(y.max().item() - 1 / 0.75) < 1e-6);
 * ```
 */
export function dropout(x: Tensor, options: DropoutOptions = {}): Tensor {
  checkTensor(x, "dropout");
  options = nd.checkOptions(options, "dropout");
  const p = options.p ?? 0.5;
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: p must be a probability in [0, 1], got ${nd.describe(p)}`);
  }
  if (options.rng !== undefined && !(options.rng instanceof nd.Rng)) {
    throw new TypeError(`dropout: rng must be an Rng, got ${nd.describe(options.rng)}`);
  }
  if (options.training !== undefined) nd.checkBool(options.training, "dropout", "training");
  if (options.training === false || p === 0) return x;
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const u = nd.rand(x.shape, { rng: options.rng, dtype });
  const mask = p === 1 ? nd.zeros(x.shape, { dtype }) : nd.mul(nd.ge(u, p), 1 / (1 - p));
  return mul(x, mask);
}
