/**
 * The adding problem (Hochreiter & Schmidhuber 1997): a long sequence of random values with two
 * marked positions, one in each half; the target is the sum of the two marked values. The answer
 * depends on inputs far apart, which is what plain RNNs fail to learn and LSTMs learn.
 *
 * @module
 */
import { checkInt, checkOptions, NDArray } from "@nnc/tensor";
import type { RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link addingProblem}. */
export interface AddingProblemOptions extends RandomSource {
  /** Number of sequences. Default 1000. */
  n?: number;
  /** Steps per sequence (at least 2). Default 100. */
  length?: number;
}

/** Sequences of the adding problem. */
export interface AddingProblemData {
  /** float32 `[n, length, 2]`: at each step a value in [0, 1) and a marker (1 at the two marked steps, else 0). */
  x: NDArray;
  /** float32 `[n]`: the sum of the two marked values. Predicting 1 always gives a mean squared error of 1/6. */
  y: NDArray;
}

/**
 * Random instances of the adding problem: one marker uniform in the first half of the sequence,
 * the other in the second half.
 *
 * @example
 * ```ts
 * import { addingProblem } from "@nnc/datasets";
 * const { x, y } = addingProblem({ n: 2, length: 6, seed: 0 });
 * let sum = 0;
 * for (let t = 0; t < 6; t++) if (x.get(0, t, 1) === 1) sum += x.get(0, t, 0);
 * console.assert(Math.abs(sum - y.get(0)) < 1e-6);
 * ```
 */
export function addingProblem(options?: AddingProblemOptions): AddingProblemData {
  const op = "addingProblem";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 1000, op, "n", 1, MAX_INT32);
  const T = checkInt(o.length ?? 100, op, "length", 2, MAX_INT32);
  const rng = resolveRng(o, op);
  const x = new Float32Array(n * T * 2), y = new Float32Array(n);
  const half = Math.floor(T / 2);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) x[(i * T + t) * 2] = rng.random();
    const a = rng.int(0, half), b = rng.int(half, T);
    x[(i * T + a) * 2 + 1] = 1;
    x[(i * T + b) * 2 + 1] = 1;
    y[i] = x[(i * T + a) * 2] + x[(i * T + b) * 2];
  }
  return { x: NDArray.fromTyped(x, [n, T, 2]), y: NDArray.fromTyped(y, [n]) };
}
