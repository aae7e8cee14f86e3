/**
 * The "hello" character sequence of the lectures on recurrent networks: predict each next character.
 *
 * @module
 */
import { checkOptions, describe, NDArray } from "@nnc/tensor";
import { Vocabulary } from "./text.ts";

/** Options of {@link helloSequence}. */
export interface HelloOptions {
  /** The word. Default `"hello"`. */
  text?: string;
  /** An end-of-sequence token appended to the vocabulary and predicted after the last character. */
  end?: string;
}

/** A next-character prediction problem on one word. */
export interface HelloData {
  /** Characters in order of first appearance (`h e l o` for "hello"), plus `end` if given. */
  vocab: Vocabulary;
  /** int32 `[T]`: ids of the input characters. */
  x: NDArray;
  /** int32 `[T]`: ids of the characters that follow each input. */
  y: NDArray;
  /** float32 `[T, vocab size]`: `x` one-hot. */
  xOneHot: NDArray;
}

/**
 * Inputs and next-character targets for a word: for "hello", `x = "hell"` and `y = "ello"`
 * (with `end: "□"`, `x = "hello"` and `y = "ello□"`).
 *
 * @example
 * ```ts
 * import { helloSequence } from "@nnc/datasets";
 * const { vocab, x, y, xOneHot } = helloSequence();
 * console.assert(vocab.tokens.join("") === "helo");
 * console.assert(x.toArray().toString() === "0,1,2,2" && y.toArray().toString() === "1,2,2,3");
 * console.assert(xOneHot.shape.join() === "4,4" && xOneHot.get(3, 2) === 1);
 * ```
 */
export function helloSequence(options?: HelloOptions): HelloData {
  const op = "helloSequence";
  const o = checkOptions(options, op);
  const text = o.text ?? "hello";
  const length = typeof text === "string" ? [...text].length : 0;
  if (typeof text !== "string" || length < 1 || (length < 2 && o.end === undefined)) {
    throw new TypeError(
      `${op}: text must be a string of at least two characters (or one with end), got ${
        describe(text)
      }`,
    );
  }
  if (
    o.end !== undefined &&
    (typeof o.end !== "string" || [...o.end].length !== 1 || text.includes(o.end))
  ) {
    throw new TypeError(
      `${op}: end must be one character that does not occur in the text, got ${describe(o.end)}`,
    );
  }
  const chars = [...new Set(text)];
  if (o.end !== undefined) chars.push(o.end);
  const vocab = new Vocabulary(chars);
  const ids = vocab.encode(o.end === undefined ? text : text + o.end).data as Int32Array;
  const x = ids.slice(0, -1), y = ids.slice(1);
  const t = x.length, v = vocab.size;
  const oneHot = new Float32Array(t * v);
  for (let i = 0; i < t; i++) oneHot[i * v + x[i]] = 1;
  return {
    vocab,
    x: NDArray.fromTyped(x, [t]),
    y: NDArray.fromTyped(y, [t]),
    xOneHot: NDArray.fromTyped(oneHot, [t, v]),
  };
}
