/**
 * Two interleaving half circles (scikit-learn's `make_moons`).
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link twoMoons}. */
export interface TwoMoonsOptions extends RandomSource {
  /** Number of points, split between the moons (the upper one gets the odd point). Default 100. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate. Default 0. */
  noise?: number;
}

/**
 * Two moons: the upper half circle `(cos t, sin t)` (label 0) and the lower one
 * `(1 - cos t, 0.5 - sin t)` (label 1), `t` evenly spaced in [0, π], plus optional noise.
 * `x` is float32 `[n, 2]`, `y` int32 `[n]`, upper moon first.
 *
 * @example
 * ```ts
 * import { twoMoons } from "@nnc/datasets";
 * const { x, y } = twoMoons({ n: 200, noise: 0.1, seed: 0 });
 * console.assert(x.shape.join() === "200,2" && y.sum().item() === 100);
 * ```
 */
export function twoMoons(options?: TwoMoonsOptions): LabeledData {
  const op = "twoMoons";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 100, op, "n", 0, MAX_INT32);
  const noise = checkNumber(o.noise ?? 0, op, "noise", 0);
  const rng = resolveRng(o, op);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  const step = (m: number) => (m > 1 ? Math.PI / (m - 1) : 0);
  for (let i = 0; i < nOut; i++) {
    const t = i * step(nOut);
    x[2 * i] = Math.cos(t);
    x[2 * i + 1] = Math.sin(t);
  }
  for (let i = 0; i < nIn; i++) {
    const t = i * step(nIn), r = nOut + i;
    x[2 * r] = 1 - Math.cos(t);
    x[2 * r + 1] = 0.5 - Math.sin(t);
    y[r] = 1;
  }
  if (noise > 0) { for (let i = 0; i < x.length; i++) x[i] += rng.normal(0, noise); }
  return { x: NDArray.fromTyped(x, [n, 2]), y: NDArray.fromTyped(y, [n]) };
}
