/**
 * The XOR problem: the four-row truth table, or points in the four quadrants.
 *
 * @module
 */
import { checkInt, checkNumber, checkOptions, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link xor}. */
export interface XorOptions extends RandomSource {
  /** Number of random points; without it the four rows of the truth table. */
  n?: number;
  /** Standard deviation of Gaussian noise added to each coordinate after labelling. Default 0. */
  noise?: number;
}

/**
 * XOR. Without `n`: the truth table `x = [[0,0],[0,1],[1,0],[1,1]]`, `y = [0,1,1,0]`. With `n`:
 * points uniform in [-1, 1]², labelled 1 when exactly one coordinate is positive, then moved by
 * the noise. `x` float32 `[n, 2]`, `y` int32 `[n]`.
 *
 * @example
 * ```ts
 * import { xor } from "@nnc/datasets";
 * console.assert(xor().y.toArray().toString() === "0,1,1,0");
 * const { x, y } = xor({ n: 500, seed: 2 });
 * console.assert(x.shape.join() === "500,2" && y.max().item() === 1);
 * ```
 */
export function xor(options?: XorOptions): LabeledData {
  const op = "xor";
  const o = checkOptions(options, op);
  const noise = checkNumber(o.noise ?? 0, op, "noise", 0);
  if (o.n === undefined) {
    const x = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]);
    const rng = noise > 0 ? resolveRng(o, op) : undefined;
    if (rng) { for (let i = 0; i < x.length; i++) x[i] += rng.normal(0, noise); }
    return {
      x: NDArray.fromTyped(x, [4, 2]),
      y: NDArray.fromTyped(new Int32Array([0, 1, 1, 0]), [4]),
    };
  }
  const n = checkInt(o.n ?? 0, op, "n", 0, MAX_INT32);
  const rng = resolveRng(o, op);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1), b = rng.uniform(-1, 1);
    y[i] = (a > 0) !== (b > 0) ? 1 : 0;
    x[2 * i] = noise > 0 ? a + rng.normal(0, noise) : a;
    x[2 * i + 1] = noise > 0 ? b + rng.normal(0, noise) : b;
  }
  return { x: NDArray.fromTyped(x, [n, 2]), y: NDArray.fromTyped(y, [n]) };
}
