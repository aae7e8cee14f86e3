/**
 * Interleaved spiral arms, one class per arm.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { evenCounts, MAX_INT32 } from "./_check.ts";
import { resolveRng } from "./_rng.ts";

/** Options of {@link spirals}. */
export interface SpiralsOptions extends RandomSource {
  /** Number of points, split evenly between the arms (the first arms get the remainder). Default 100. */
  n?: number;
  /** Number of arms `k` (= classes). Default 2. */
  arms?: number;
  /** How many times each arm winds around the centre. Default 1. */
  turns?: number;
  /** Standard deviation of Gaussian noise added to each coordinate. Default 0. */
  noise?: number;
}

/**
 * `k` spiral arms: point `i` of the `m` on arm `j` has radius `r = (i + 1) / m` and angle
 * `2π · turns · r + 2π j / k`, at `(r cos θ, r sin θ)`; label `j`. `x` float32 `[n, 2]`,
 * `y` int32 `[n]`, arm by arm.
 *
 * @example
 * ```ts
 * import { spirals } from "@nnc/datasets";
 * const { x, y } = spirals({ n: 300, arms: 3, noise: 0.02, seed: 0 });
 * console.assert(x.shape.join() === "300,2" && y.eq(2).sum().item() === 100);
 * ```
 */
export function spirals(options?: SpiralsOptions): LabeledData {
  const op = "spirals";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 100, op, "n", 0, MAX_INT32);
  const arms = checkInt(o.arms ?? 2, op, "arms", 1, MAX_INT32);
  const turns = checkNumber(o.turns ?? 1, op, "turns", 0);
  const noise = checkNumber(o.noise ?? 0, op, "noise", 0);
  const rng = resolveRng(o, op);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  let row = 0;
  evenCounts(n, arms).forEach((m, j) => {
    for (let i = 0; i < m; i++, row++) {
      const r = (i + 1) / m;
      const theta = 2 * Math.PI * turns * r + (2 * Math.PI * j) / arms;
      x[2 * row] = r * Math.cos(theta);
      x[2 * row + 1] = r * Math.sin(theta);
      y[row] = j;
    }
  });
  if (noise > 0) { for (let i = 0; i < x.length; i++) x[i] += rng.normal(0, noise); }
  return { x: NDArray.fromTyped(x, [n, 2]), y: NDArray.fromTyped(y, [n]) };
}
