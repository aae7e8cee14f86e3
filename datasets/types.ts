/**
 * Types shared across the package: where randomness comes from, and labelled data.
 *
 * @module
 */
import type { NDArray, Rng } from "@nnc/tensor";

/**
 * Options of every randomised function: a generator, or a seed for a fresh one. With neither,
 * the default generator of `@nnc/tensor` is used (reseed it with `manualSeed`).
 *
 * @example
 * ```ts
 * import { twoMoons, type RandomSource } from "@nnc/datasets";
 * const source: RandomSource = { seed: 3 };
 * console.assert(twoMoons({ n: 10, noise: 0.1, ...source }).x.shape[0] === 10);
 * ```
 */
export interface RandomSource {
  /** Generator to draw from (advanced by the call); takes precedence over `seed`. */
  rng?: Rng;
  /** Seed of a fresh generator. */
  seed?: number;
}

/**
 * Inputs and targets: `x` has one row per sample; `y` holds int32 class labels for
 * classification sets and float targets for regression sets.
 *
 * @example
 * ```ts
 * import { xor, type LabeledData } from "@nnc/datasets";
 * const d: LabeledData = xor();
 * console.assert(d.x.shape.join() === "4,2" && d.y.toArray().toString() === "0,1,1,0");
 * ```
 */
export interface LabeledData {
  /** Inputs, `[n, features]`. */
  x: NDArray;
  /** Targets, `[n]` (labels) or `[n, outputs]`. */
  y: NDArray;
}
