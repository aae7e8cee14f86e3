/**
 * Addition of digit strings as a character-level sequence task (`"042+917="` → `"0959"`).
 *
 * @module
 */
import { checkInt, checkOptions, NDArray } from "@nnc/tensor";
import type { RandomSource } from "./types.ts";
import { Vocabulary } from "./text.ts";
import { resolveRng } from "./_rng.ts";
import { MAX_INT32 } from "./_check.ts";

/** Options of {@link additionTask}. */
export interface AdditionTaskOptions extends RandomSource {
  /** Number of problems. Default 1000. */
  n?: number;
  /** Digits per operand (operands are uniform in `0..10^digits - 1`). Default 3, at most 7. */
  digits?: number;
  /** Write the sum's digits least significant first (often easier to learn). Default false. */
  reverseOutput?: boolean;
}

/** Addition problems as token ids. */
export interface AdditionTaskData {
  /** int32 `[n, 2·digits + 2]`: `a`, `+`, `b`, `=`, operands zero-padded. */
  x: NDArray;
  /** int32 `[n, digits + 1]`: the zero-padded sum. */
  y: NDArray;
  /** The 12 tokens `0`–`9`, `+`, `=`; a digit's id is its value. */
  vocab: Vocabulary;
}

/** The vocabulary of {@link additionTask}: digits 0-9 (id = value), then `+` and `=`. */
export const ADDITION_VOCAB: Vocabulary = new Vocabulary([..."0123456789+="]);

/**
 * Random addition problems written as digit strings.
 *
 * @example
 * ```ts
 * import { additionTask } from "@nnc/datasets";
 * const { x, y, vocab } = additionTask({ n: 3, digits: 3, seed: 0 });
 * const [a, b] = vocab.decode(x.slice(0)).slice(0, -1).split("+").map(Number);
 * console.assert(Number(vocab.decode(y.slice(0))) === a + b);
 * ```
 */
export function additionTask(options?: AdditionTaskOptions): AdditionTaskData {
  const op = "additionTask";
  const o = checkOptions(options, op);
  const n = checkInt(o.n ?? 1000, op, "n", 0, MAX_INT32);
  const digits = checkInt(o.digits ?? 3, op, "digits", 1, 7);
  const rng = resolveRng(o, op);
  const inLen = 2 * digits + 2, outLen = digits + 1;
  const x = new Int32Array(n * inLen);
  const y = new Int32Array(n * outLen);
  const top = 10 ** digits;
  for (let i = 0; i < n; i++) {
    const a = rng.int(0, top), b = rng.int(0, top);
    writeDigits(x, i * inLen, a, digits, false);
    x[i * inLen + digits] = 10;
    writeDigits(x, i * inLen + digits + 1, b, digits, false);
    x[i * inLen + inLen - 1] = 11;
    writeDigits(y, i * outLen, a + b, outLen, o.reverseOutput ?? false);
  }
  return {
    x: NDArray.fromTyped(x, [n, inLen]),
    y: NDArray.fromTyped(y, [n, outLen]),
    vocab: ADDITION_VOCAB,
  };
}

function writeDigits(
  out: Int32Array,
  at: number,
  value: number,
  width: number,
  leastFirst: boolean,
): void {
  for (let k = 0; k < width; k++) {
    const digit = value % 10;
    value = Math.floor(value / 10);
    out[leastFirst ? at + k : at + width - 1 - k] = digit;
  }
}
