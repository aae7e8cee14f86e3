/**
 * Algorithmic sequence tasks for recurrent and attention models: copy and reverse a random token
 * sequence.
 *
 * @module
 */
import { checkInt, checkOptions, NDArray } from "@nnc/tensor";
import type { LabeledData, RandomSource } from "./types.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link copyTask} and {@link reverseTask}. */
export interface SequenceTaskOptions extends RandomSource {
  /** Number of sequences. Default 1000. */
  n?: number;
  /** Tokens per sequence. Default 10. */
  length?: number;
  /** Tokens are drawn uniformly from `0..vocabSize-1`. Default 10. */
  vocabSize?: number;
}

function randomTokens(
  options: SequenceTaskOptions | undefined,
  op: string,
): { x: Int32Array; n: number; length: number } {
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 1000, op, "n", 0, MAX_INT32);
  const length = checkInt(o.length ?? 10, op, "length", 1, MAX_INT32);
  const vocabSize = checkInt(o.vocabSize ?? 10, op, "vocabSize", 1, MAX_INT32);
  const rng = resolveRng(o, op);
  const x = new Int32Array(n * length);
  for (let i = 0; i < x.length; i++) x[i] = rng.int(0, vocabSize);
  return { x, n, length };
}

/**
 * Copy task: `x` is int32 `[n, length]` of random tokens and `y` equals `x`.
 *
 * @example
 * ```ts
 * import { copyTask } from "@nnc/datasets";
 * const { x, y } = copyTask({ n: 4, length: 6, vocabSize: 5, seed: 1 });
 * console.assert(x.shape.join() === "4,6" && x.toArray().toString() === y.toArray().toString());
 * ```
 */
export function copyTask(options?: SequenceTaskOptions): LabeledData {
  const { x, n, length } = randomTokens(options, "copyTask");
  return { x: NDArray.fromTyped(x, [n, length]), y: NDArray.fromTyped(x.slice(), [n, length]) };
}

/**
 * Reverse task: `x` is int32 `[n, length]` of random tokens and `y[i]` is `x[i]` reversed.
 *
 * @example
 * ```ts
 * import { reverseTask } from "@nnc/datasets";
 * const { x, y } = reverseTask({ n: 2, length: 3, seed: 0 });
 * console.assert(y.get(0, 0) === x.get(0, 2) && y.get(1, 2) === x.get(1, 0));
 * ```
 */
export function reverseTask(options?: SequenceTaskOptions): LabeledData {
  const { x, n, length } = randomTokens(options, "reverseTask");
  const y = new Int32Array(x.length);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < length; t++) y[i * length + t] = x[i * length + length - 1 - t];
  }
  return { x: NDArray.fromTyped(x, [n, length]), y: NDArray.fromTyped(y, [n, length]) };
}
